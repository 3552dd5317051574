// The public check: a cylinder code or a trace code, typed or scanned, answered with a verdict
// in colour and words and what to do. No sign-in; one /graphql request per check (rate-limited
// there); a value that cannot be a code is answered here, before any request.
"use strict";

const { CONFIG, T, el } = Hub;
const app = document.getElementById("app");

const QUERY = `query($c: String!) {
  verifyCylinder(code: $c) {
    code verdict model madeOn lastInspection nextInspection scrapDate ownerName ownerPhone }
  publicTrace(traceCode: $c) {
    traceCode verdict name category origin originCertificate producedOn producer market
    consignor purchaseTime test { result method time market }
    merchants { name kind receivedAt } steps { sender receiver receiverKind time } } }`;

const DANGER = new Set(["OVERDUE", "SCRAPPED", "SEIZED", "NOT_REGISTERED", "FAILED", "MALFORMED"]);

function when(value) {
  if (!value) return "-";
  return value.length > 10 ? value.slice(0, 16).replace("T", " ") : value;
}

function rows(pairs) {
  return el("dl", { class: "facts" }, ...pairs.filter(([, v]) => v !== null && v !== undefined)
    .flatMap(([k, v, cls]) => [el("dt", {}, k), el("dd", { class: cls || null }, v)]));
}

function verdictBox(kind, verdict, code) {
  return el("div", { class: `verdict v-${verdict}`, id: "verdict", "data-verdict": verdict,
    role: "status" },
    kind ? el("div", { class: "kind" }, kind) : null,
    el("div", { class: "word" }, T[verdict]),
    el("div", { class: "code" }, T.code + "：" + code));
}

function phoneLink(phone) {
  return el("a", { href: "tel:" + phone.replace(/-/g, ""), class: "tel" }, phone);
}

function todo(verdict, phone) {
  const items = [el("li", {}, T[verdict + "_say"])];
  if (phone && verdict !== "VALID") items.push(el("li", { id: "call-owner" }, T.call_owner, phoneLink(phone)));
  if (DANGER.has(verdict) && verdict !== "MALFORMED") {
    items.push(el("li", {}, T.report));
    items.push(CONFIG.tip
      ? el("li", {}, el("a", { href: CONFIG.tip + "?lang=" + CONFIG.lang }, T.report_online))
      : el("li", { class: "muted" }, T.no_tip));
  }
  if (verdict !== "MALFORMED") items.push(el("li", { class: "muted" }, T.typo_note));
  return el("section", { class: "todo" }, el("h2", {}, T.what_to_do), el("ul", {}, ...items));
}

function showCylinder(c) {
  return [
    verdictBox(T.cylinder, c.verdict, c.code),
    rows([
      [T.next_inspection, c.nextInspection, "big"], [T.owner, c.ownerName],
      [T.owner_phone, c.ownerPhone ? phoneLink(c.ownerPhone) : null],
      [T.model, c.model], [T.made_on, c.madeOn], [T.last_inspection, c.lastInspection],
      [T.scrap_date, c.scrapDate],
    ]),
    todo(c.verdict, c.ownerPhone),
  ];
}

function showProduct(p) {
  const test = p.test || {};
  const steps = el("ol", { class: "steps", id: "steps" }, ...p.steps.map((s) =>
    el("li", {}, el("span", { class: "hop" }, `${s.sender || "-"} → ${s.receiver || "-"}`),
      el("span", { class: "muted" }, ` ${T[s.receiverKind] || s.receiverKind || ""} · ${when(s.time)}`))));
  return [
    verdictBox(T.product, p.verdict, p.traceCode),
    rows([
      [T.name, p.name], [T.category, T[p.category] || p.category], [T.origin, p.origin],
      [T.certificate, p.originCertificate], [T.producer, p.producer],
      [T.produced_on, p.producedOn],
    ]),
    el("h2", {}, T.test),
    rows([
      [T.test_result, test.result ? T[test.result] : "-", test.result === "FAIL" ? "bad" : "good"],
      [T.test_time, when(test.time)], [T.test_method, test.method], [T.market, p.market],
      [T.consignor, p.consignor], [T.purchase_time, when(p.purchaseTime)],
    ]),
    el("h2", {}, T.steps), steps,
    el("h2", {}, T.shops),
    el("ul", { class: "shops", id: "shops" }, ...p.merchants.map((m) =>
      el("li", {}, m.name, el("span", { class: "muted" }, ` ${T[m.kind] || m.kind || ""}`)))),
    todo(p.verdict),
  ];
}

function show(...nodes) {
  document.getElementById("result").replaceChildren(...nodes.flat());
}

function notice(message) {
  show(el("p", { class: "notice", id: "notice", role: "alert" }, message));
}

async function check(raw) {
  const code = Scan.normalized(raw);
  if (code === null) {
    show(verdictBox(null, "MALFORMED", String(raw || "").trim() || "-"), todo("MALFORMED"));
    return;
  }
  document.getElementById("code").value = code;
  window.history.replaceState(null, "", `?code=${encodeURIComponent(code)}&lang=${CONFIG.lang}`);
  const other = CONFIG.lang === "zh" ? "en" : "zh";
  document.querySelector(".switch").href = `?code=${encodeURIComponent(code)}&lang=${other}`;
  notice(T.checking);
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query: QUERY, variables: { c: code } }),
    });
  } catch (_) { notice(T.offline); return; }
  if (response.status === 429) {
    notice(T.limited.replace("{seconds}", response.headers.get("Retry-After") || "60"));
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (body.errors && body.errors.length) {
    const bad = body.errors.some((e) => (e.extensions || {}).code === "BAD_USER_INPUT");
    if (bad) show(verdictBox(null, "MALFORMED", code), todo("MALFORMED"));
    else notice(T.failed);
    return;
  }
  const { verifyCylinder: c, publicTrace: p } = body.data || {};
  if (c && c.verdict !== "NOT_REGISTERED") show(showCylinder(c));
  else if (p && p.verdict !== "NOT_REGISTERED") show(showProduct(p));
  else if (c) show(verdictBox(null, "NOT_REGISTERED", code), todo("NOT_REGISTERED"));
  else notice(T.failed);
}

let camera = null;

async function startCamera() {
  const video = document.getElementById("camera");
  const button = document.getElementById("scan");
  if (camera) { camera.stop(); camera = null; video.hidden = true; button.textContent = T.scan; return; }
  try {
    video.hidden = false;
    button.textContent = T.stop;
    camera = await Scan.live(video, (text) => {
      camera = null; video.hidden = true; button.textContent = T.scan;
      check(Scan.codeFrom(text));
    });
  } catch (_) {
    camera = null; video.hidden = true; button.textContent = T.scan;
    notice(T.camera_failed);
  }
}

async function fromPhoto(event) {
  const file = event.target.files && event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    check(Scan.codeFrom(await Scan.fromFile(file)));
  } catch (_) { notice(T.no_qr); }
}

function render() {
  const input = el("input", { id: "code", name: "code", autocomplete: "off",
    autocapitalize: "characters", spellcheck: "false", enterkeyhint: "search",
    placeholder: T.code_hint, "aria-describedby": "hint" });
  const form = el("form", { id: "check-form", onsubmit: (e) => { e.preventDefault(); check(input.value); } },
    el("label", { for: "code" }, T.code_label),
    el("div", { class: "row" }, input, el("button", { type: "submit", id: "check" }, T.check)));
  const photo = el("input", { id: "photo", type: "file", accept: "image/*", capture: "environment",
    onchange: fromPhoto });
  app.replaceChildren(
    form,
    el("div", { class: "row scan" },
      el("button", { type: "button", id: "scan", onclick: startCamera }, T.scan),
      el("label", { class: "button", for: "photo" }, T.photo), photo),
    el("video", { id: "camera", playsinline: "", muted: "", hidden: "" }),
    el("section", { id: "result", "aria-live": "polite" }));
  const given = new URLSearchParams(window.location.search).get("code");
  if (given !== null) { input.value = given; check(given); }
}

render();
