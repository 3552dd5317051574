// The inspectors' field app: signs in (hub.js: authorization-code flow and PKCE), scans or
// takes a cylinder code, shows its status, trace flags, location and last filling and delivery,
// and records an inspection or a seizure. Every action goes first to a queue kept on the phone
// (localStorage), then to the hub; with no network it stays pending and is sent when the
// network returns. Every action carries an eventId made on the phone when it is queued, so a
// resend after a lost answer is recorded once and answers "already recorded".
"use strict";

const { CONFIG, T, el } = Hub;
const store = window.localStorage;
const auth = Hub.session(store);
const app = document.getElementById("app");
const account = document.getElementById("account");
const QUEUE = "field-queue";
const AGENCIES = "field-agencies";
const RETRY_MS = 15000;

const READ = `query($c: String!) {
  cylinder(code: $c) { code status model nextInspection scrapDate owner { name } }
  traceCylinder(code: $c) {
    location { householdId address }
    flags { kind date time }
    timeline { kind time node {
      ... on Filling { station { name } quantityKg }
      ... on Delivery { supplier { name } household { householdId address } vehicle { plate } } } } } }`;
// The open alerts about the cylinder and about the household it stands at.
const ALERTS = `query($about: ID!) {
  alerts(filter: {about: $about, status: ["OPEN", "ACKNOWLEDGED"]}, first: 10) {
    edges { node { alertId name rule severity lastTime } } } }`;
const RESULT = "results { ok replayed errors { field code message } }";
const WRITES = {
  inspect: `mutation($items: [InspectionInput!]!) { recordInspections(items: $items) { ${RESULT} } }`,
  seize: `mutation($items: [CylinderStatusInput!]!) { setCylinderStatus(items: $items) { ${RESULT} } }`,
};

// --- time and ids ---------------------------------------------------------------------------

function isoNow() {
  const now = new Date();
  const offset = -now.getTimezoneOffset();
  const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
  const local = new Date(now.getTime() + offset * 60000).toISOString().slice(0, 19);
  return `${local}${offset >= 0 ? "+" : "-"}${pad(offset / 60)}:${pad(offset % 60)}`;
}

function newId(prefix) {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return prefix + "-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const when = (v) => (v ? v.slice(0, 16).replace("T", " ") : "-");

// --- the queue kept on the phone --------------------------------------------------------------

const loadQueue = () => JSON.parse(store.getItem(QUEUE) || "[]");

function update(id, change) {
  const queue = loadQueue().map((item) => (item.id === id ? { ...item, ...change } : item));
  store.setItem(QUEUE, JSON.stringify(queue));
  renderQueue();
}

function enqueue(kind, code, input) {
  const queue = loadQueue();
  queue.unshift({ id: newId("q"), kind, code, input, state: "pending", at: input.time });
  store.setItem(QUEUE, JSON.stringify(queue));
  renderQueue();
  flush();
}

let flushing = false;

async function flush() {
  if (flushing || !auth.signedIn() || !navigator.onLine) return;
  flushing = true;
  try {
    for (const item of loadQueue().reverse()) {  // oldest first
      if (item.state !== "pending") continue;
      if (!item.input.eventId) {  // queued by an older page, before seizures had one
        item.input = { ...item.input, eventId: newId("field-" + item.kind) };
        update(item.id, { input: item.input });
      }
      let data;
      try {
        data = await auth.gql(WRITES[item.kind], { items: [item.input] });
      } catch (error) {
        if (error.retry) break;  // no network: everything stays pending, in order
        update(item.id, { state: "refused", message: error.message });
        continue;
      }
      const result = Object.values(data)[0].results[0];
      update(item.id, result.ok
        ? { state: "accepted", replayed: result.replayed, sentAt: isoNow() }
        : { state: "refused", message: result.errors.map((e) => e.message).join("; ") });
      if (result.ok && item.code === shown) lookUp(shown);  // the card shows the new status
    }
  } finally {
    flushing = false;
    renderNetwork();
  }
}

function renderQueue() {
  renderNetwork();
  const box = document.getElementById("queue");
  if (!box) return;
  const queue = loadQueue();
  if (!queue.length) { box.replaceChildren(el("p", { class: "muted" }, T.queue_empty)); return; }
  box.replaceChildren(...queue.map((item) => {
    const state = item.state === "accepted" && item.replayed ? "replayed" : item.state;
    const what = item.kind === "seize" ? `${T.seize}: ${item.input.reason}`
      : `${T.inspect}: ${T[item.input.result]}`;
    return el("li", { class: `item ${item.state}`, "data-state": item.state, "data-kind": item.kind,
      "data-code": item.code },
      el("div", { class: "line" }, el("strong", {}, item.code), el("span", { class: "badge" }, T[state])),
      el("div", {}, what),
      el("div", { class: "muted" }, when(item.at)),
      item.message ? el("div", { class: "error" }, item.message) : null);
  }));
}

function renderNetwork() {
  const bar = document.getElementById("network");
  if (!bar) return;
  const pending = loadQueue().filter((i) => i.state === "pending").length;
  bar.className = navigator.onLine ? "online" : "offline";
  bar.textContent = (navigator.onLine ? T.online : T.offline) + (pending ? ` · ${T.pending} ${pending}` : "");
}

window.addEventListener("online", () => { renderNetwork(); flush(); });
window.addEventListener("offline", renderNetwork);
setInterval(() => { if (loadQueue().some((i) => i.state === "pending")) flush(); }, RETRY_MS);

// --- one cylinder -----------------------------------------------------------------------------

function facts(pairs) {
  return el("dl", { class: "facts" }, ...pairs.flatMap(([k, v, cls]) =>
    [el("dt", {}, k), el("dd", { class: cls || null }, v === null || v === undefined ? "-" : v)]));
}

function last(timeline, kind) {
  const entries = timeline.filter((e) => e.kind === kind);
  return entries.length ? entries[entries.length - 1] : null;
}

function showCylinder(c, trace) {
  const timeline = (trace && trace.timeline) || [];
  const filling = last(timeline, "FILLED");
  const delivery = last(timeline, "DELIVERED");
  const place = trace && trace.location;
  const flags = (trace && trace.flags) || [];
  const fill = filling && filling.node
    ? `${when(filling.time)} · ${(filling.node.station || {}).name || "-"}` : T.none;
  const deliver = delivery && delivery.node
    ? `${when(delivery.time)} · ${(delivery.node.supplier || {}).name || "-"} → `
      + `${(delivery.node.household || {}).householdId || "-"}`
      + ((delivery.node.vehicle || {}).plate ? ` · ${delivery.node.vehicle.plate}` : "")
    : T.none;
  return el("section", { id: "cylinder", class: `card s-${c.status}`, "data-status": c.status },
    el("div", { class: "status" }, T[c.status] || c.status || "-"),
    facts([
      [T.next_inspection, c.nextInspection], [T.owner, (c.owner || {}).name],
      [T.model, c.model], [T.scrap_date, c.scrapDate],
      [T.location, place ? `${place.householdId} · ${place.address || ""}` : T.nowhere],
      [T.last_filling, fill], [T.last_delivery, deliver],
    ]),
    el("h2", {}, T.flags),
    flags.length
      ? el("ul", { id: "flags", class: "flags" }, ...flags.map((f) =>
        el("li", {}, `${T[f.kind === "OVERDUE" ? "OVERDUE_flag" : f.kind] || f.kind} · ${when(f.time || f.date)}`)))
      : el("p", { class: "muted" }, T.no_flags),
    el("h2", {}, T.alerts),
    el("div", { id: "alerts" }, el("p", { class: "muted" }, T.loading_alerts)));
}

async function showAlerts(code, place) {
  const about = ["Cylinder:" + code, ...(place ? ["Household:" + place.householdId] : [])];
  const seen = new Map();
  try {
    for (const id of about) {
      const data = await auth.gql(ALERTS, { about: id });
      for (const { node } of data.alerts.edges) seen.set(node.alertId, node);
    }
  } catch (error) {
    const box = document.getElementById("alerts");
    if (box) box.replaceChildren(el("p", { class: "muted" }, T.alerts_unavailable));
    return;
  }
  const box = document.getElementById("alerts");
  if (!box || shown !== code) return;  // another cylinder is shown by now
  const alerts = [...seen.values()];
  box.replaceChildren(alerts.length
    ? el("ul", { class: "flags" }, ...alerts.map((a) =>
      el("li", { "data-rule": a.rule }, `${a.name || a.rule} · ${when(a.lastTime)}`)))
    : el("p", { class: "muted" }, T.no_alerts));
}

function agencyOptions() {
  const agencies = JSON.parse(store.getItem(AGENCIES) || "[]");
  return agencies.map((a) => el("option", { value: a.uscc }, a.name));
}

function actions(code) {
  const note = el("p", { class: "error", role: "alert", id: "action-error" });
  const reason = el("input", { id: "reason", placeholder: T.reason_hint, maxlength: "200" });
  const seize = el("form", { id: "seize-form", onsubmit: (e) => {
    e.preventDefault();
    if (!reason.value.trim()) { note.textContent = T.need_reason; return; }
    note.textContent = "";
    enqueue("seize", code, { eventId: newId("field-seize"), code, status: "SEIZED",
      reason: reason.value.trim(), time: isoNow() });
    reason.value = "";
  } }, el("label", { for: "reason" }, T.reason), reason,
  el("button", { type: "submit", class: "danger", id: "seize" }, T.seize));
  const agency = el("select", { id: "agency" }, el("option", { value: "" }, "-"), ...agencyOptions());
  const result = el("select", { id: "result" },
    el("option", { value: "PASS" }, T.PASS), el("option", { value: "FAIL" }, T.FAIL));
  const inspect = el("form", { id: "inspect-form", onsubmit: (e) => {
    e.preventDefault();
    if (!agency.value) { note.textContent = T.need_agency; return; }
    note.textContent = "";
    enqueue("inspect", code, { eventId: newId("field-insp"), cylinder: code, time: isoNow(),
      result: result.value, agency: agency.value });
  } }, el("label", { for: "agency" }, T.agency), agency,
  el("label", { for: "result" }, T.result), result,
  el("button", { type: "submit", id: "inspect" }, T.inspect));
  return el("section", { id: "actions" }, el("h2", {}, T.actions), note,
    el("details", { open: "" }, el("summary", {}, T.seize), seize),
    el("details", { id: "inspect-box" }, el("summary", {}, T.inspect), inspect));
}

let shown = null;  // the code whose card is on screen

async function lookUp(raw) {
  const out = document.getElementById("found");
  const code = Scan.normalized(raw);
  if (code === null) { out.replaceChildren(el("p", { class: "error" }, T.bad_code)); return; }
  document.getElementById("code").value = code;
  shown = code;
  let data = null;
  let offline = false;
  try {
    data = await auth.gql(READ, { c: code });
  } catch (error) {
    if (!error.retry) { out.replaceChildren(el("p", { class: "error" }, error.message)); return; }
    offline = true;
  }
  if (offline) {
    out.replaceChildren(el("p", { class: "notice", id: "offline-read" }, T.offline_read), actions(code));
  } else if (!data.cylinder) {
    out.replaceChildren(el("p", { class: "error", id: "not-found" }, T.not_found), actions(code));
  } else {
    out.replaceChildren(showCylinder(data.cylinder, data.traceCylinder), actions(code));
    showAlerts(code, data.traceCylinder && data.traceCylinder.location);
  }
}

// --- scanning ---------------------------------------------------------------------------------

let camera = null;

async function startCamera() {
  const video = document.getElementById("camera");
  const button = document.getElementById("scan");
  const reset = () => { camera = null; video.hidden = true; button.textContent = T.scan; };
  if (camera) { camera.stop(); reset(); return; }
  try {
    video.hidden = false;
    button.textContent = T.stop;
    camera = await Scan.live(video, (text) => { reset(); lookUp(Scan.codeFrom(text)); });
  } catch (_) {
    reset();
    document.getElementById("found").replaceChildren(el("p", { class: "error" }, T.camera_failed));
  }
}

async function fromPhoto(event) {
  const file = event.target.files && event.target.files[0];
  event.target.value = "";
  if (!file) return;
  try {
    lookUp(Scan.codeFrom(await Scan.fromFile(file)));
  } catch (_) {
    document.getElementById("found").replaceChildren(el("p", { class: "error" }, T.no_qr));
  }
}

// --- the page ---------------------------------------------------------------------------------

async function loadAgencies() {
  try {
    const data = await auth.gql(`{ enterprises(filter: {kind: [INSPECTION_AGENCY]}, first: 50) {
      edges { node { uscc name } } } }`, {});
    store.setItem(AGENCIES, JSON.stringify(data.enterprises.edges.map((e) => e.node)));
  } catch (_) { /* offline: keep the list from last time */ }
}

function workspace() {
  const input = el("input", { id: "code", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", enterkeyhint: "search" });
  app.replaceChildren(
    el("div", { id: "network" }),
    el("form", { id: "look-up", onsubmit: (e) => { e.preventDefault(); lookUp(input.value); } },
      el("label", { for: "code" }, T.code_label),
      el("div", { class: "row" }, input, el("button", { type: "submit" }, T.look_up))),
    el("div", { class: "row scan" },
      el("button", { type: "button", id: "scan", onclick: startCamera }, T.scan),
      el("label", { class: "button", for: "photo" }, T.photo),
      el("input", { id: "photo", type: "file", accept: "image/*", capture: "environment",
        onchange: fromPhoto })),
    el("video", { id: "camera", playsinline: "", muted: "", hidden: "" }),
    el("div", { id: "found" }),
    el("h2", {}, T.queue),
    el("ul", { id: "queue", class: "queue" }));
  renderQueue();
  renderNetwork();
}

async function main() {
  if (!CONFIG.clientId) { app.replaceChildren(el("p", { class: "error" }, T.no_client)); return; }
  const params = new URLSearchParams(window.location.search);
  if (params.has("code") && params.has("state")) await auth.finishSignIn(params);
  if (!auth.signedIn()) {
    app.replaceChildren(el("button", { id: "sign-in", onclick: auth.signIn }, T.sign_in));
    renderQueue();
    return;
  }
  workspace();
  let me = JSON.parse(store.getItem("field-me") || "null");
  try {
    me = (await auth.gql("{ me { subject role } }", {})).me;
    store.setItem("field-me", JSON.stringify(me));
  } catch (_) { /* offline: who signed in last */ }
  if (me && me.role !== "market") {
    app.replaceChildren(el("p", { class: "error", id: "not-market" }, T.not_market));
  }
  account.replaceChildren(T.signed_in_as + (me ? me.subject : "-") + " ",
    el("button", { id: "sign-out", onclick: () => { store.removeItem("field-me"); auth.signOut(); } },
      T.sign_out));
  await loadAgencies();
  flush();
}

main().catch((error) => app.replaceChildren(el("p", { class: "error" }, T.error, error.message)));
