// The whistleblowers' page: submit a tip (no sign-in, no token ever sent, nothing stored in the
// browser) and keep the claim code; with the code, see the status, answer questions and claim
// an approved reward. A code's check symbol is checked here before any request.
"use strict";

const { CONFIG, T, el } = Hub;
const app = document.getElementById("app");

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford's base32, as the hub's
const CATEGORIES = ["UNLICENSED_KITCHEN", "FOOD_SAFETY", "HYGIENE", "FAKE_LISTING", "GAS_SAFETY",
  "OTHER"];
const CHANNELS = ["PUBLIC", "INSIDER", "PLATFORM"];
const ID_NUMBER = /(^|[^0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/;
const PHONE = /(^|\D)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/;

const SUBMIT = `mutation($t: TipInput!) { submitTip(tip: $t) { claimCode numbersFlagged } }`;
const PROGRESS = `status receivedOn messages { sender on text }
  rewards { rewardId amountYuan status claimedOn paidOn }`;
const STATUS = `query($c: String!) { tipStatus(claimCode: $c) { ${PROGRESS} } }`;
const ANSWER = `mutation($c: String!, $x: String!) { answerTip(claimCode: $c, text: $x) {
  ${PROGRESS} } }`;
const CLAIM = `mutation($c: String!, $r: String!, $p: String!) {
  claimReward(claimCode: $c, reward: $r, payoutInstruction: $p) { ${PROGRESS} } }`;

// Luhn mod 32 over the alphabet: the same check symbol as hub/whistle/claim_codes.py.
function checkSymbol(symbols) {
  const n = ALPHABET.length;
  let total = 0, factor = 2;
  for (const s of [...symbols].reverse()) {
    const addend = factor * ALPHABET.indexOf(s);
    total += Math.floor(addend / n) + (addend % n);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(n - (total % n)) % n];
}

function normalizedCode(value) {
  const s = value.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (s.length !== 20 || [...s].some((c) => !ALPHABET.includes(c))) return null;
  return checkSymbol(s.slice(0, 19)) === s[19] ? s : null;
}

function hasNumbers(text) { return ID_NUMBER.test(text) || PHONE.test(text); }

// No Authorization header, ever: a token the browser may hold for another page stays unsent.
async function call(query, variables) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST", credentials: "omit", referrerPolicy: "no-referrer",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch {
    throw new Error(T.offline);
  }
  if (response.status === 429) {
    throw new Error(T.limited.replace("{seconds}", response.headers.get("Retry-After") || "60"));
  }
  if (!response.ok) throw new Error(T.failed);
  const body = await response.json();
  if (body.errors && body.errors.length) {
    const error = body.errors[0];
    const code = (error.extensions || {}).code;
    if (code === "LIMIT_EXCEEDED") {
      throw new Error(T.limited.replace("{seconds}", response.headers.get("Retry-After") || "60"));
    }
    if ((error.extensions || {}).field === "claimCode") {
      throw new Error(error.message.includes("typo") ? T.code_typo : T.code_unknown);
    }
    throw new Error(code === "BAD_USER_INPUT" ? error.message : T.failed);
  }
  return body.data;
}

function field(label, control, hint) {
  return el("label", { class: "field" }, el("span", {}, label), control,
    hint ? el("small", {}, hint) : null);
}

function select(id, values) {
  return el("select", { id }, ...values.map((v) => el("option", { value: v }, T[v])));
}

function notice(box, text, kind) {
  box.replaceChildren(text ? el("p", { class: "notice " + (kind || "error"), role: "alert" }, text)
    : "");
}

function submitView() {
  const out = el("div", { id: "submit-result" });
  const text = el("textarea", { id: "text", rows: "6", maxlength: "4000" });
  const warn = el("p", { id: "numbers-warning", class: "notice warn", hidden: true },
    T.numbers_warning);
  const button = el("button", { id: "send", type: "submit" }, T.submit);
  const named = ["concernsName", "concernsShop", "concernsUscc", "concernsAddress"];
  let confirmed = false;
  text.addEventListener("input", () => { confirmed = false; button.textContent = T.submit; });
  const form = el("form", { id: "tip-form", onsubmit: async (event) => {
    event.preventDefault();
    const all = [text.value, ...named.map((n) => document.getElementById(n).value)].join(" ");
    if (!text.value.trim()) { notice(out, T.required); text.focus(); return; }
    if (hasNumbers(all) && !confirmed) { // flagged before anything is sent
      warn.hidden = false; confirmed = true; button.textContent = T.submit_anyway; return;
    }
    const tip = { category: document.getElementById("category").value,
      channel: document.getElementById("channel").value, text: text.value };
    for (const n of named) {
      const v = document.getElementById(n).value.trim();
      if (v) tip[n] = v;
    }
    button.disabled = true;
    notice(out, T.sending, "info");
    try {
      const data = await call(SUBMIT, { t: tip });
      form.hidden = true;
      showCode(out, data.submitTip.claimCode);
    } catch (error) {
      notice(out, error.message);
    } finally {
      button.disabled = false;
    }
  } },
  field(T.category, select("category", CATEGORIES)),
  field(T.channel, select("channel", CHANNELS)),
  el("fieldset", {}, el("legend", {}, T.concerns),
    ...named.map((n) => field(T[n], el("input", { id: n, maxlength: "200", autocomplete: "off" })))),
  field(T.text, text, T.text_hint), warn, button);
  return el("section", { id: "submit-view" }, el("p", { class: "anon" }, T.anon), form, out);
}

function showCode(box, code) {
  const copy = el("button", { type: "button", id: "copy", onclick: async () => {
    try { await navigator.clipboard.writeText(code); copy.textContent = T.copied; } catch { /**/ }
  } }, T.copy);
  box.replaceChildren(el("div", { class: "receipt", role: "status" },
    el("h2", {}, T.received), el("div", { class: "label" }, T.claim_code),
    el("div", { class: "claim-code", id: "claim-code" }, code), copy,
    el("p", { class: "notice warn" }, T.keep_code)));
}

function progressView(box, code, progress) {
  const messages = progress.messages.length
    ? el("ol", { class: "messages", id: "messages" }, ...progress.messages.map((m) =>
      el("li", { class: "m-" + m.sender }, el("b", {}, T[m.sender] + " · " + m.on), el("p", {},
        m.text))))
    : el("p", { id: "messages" }, T.no_messages);
  const answer = el("textarea", { id: "answer", rows: "3", maxlength: "4000" });
  const said = el("div");
  const answerForm = el("form", { onsubmit: async (event) => {
    event.preventDefault();
    if (!answer.value.trim()) { notice(said, T.required); return; }
    try {
      const data = await call(ANSWER, { c: code, x: answer.value });
      progressView(box, code, data.answerTip);
    } catch (error) { notice(said, error.message); }
  } }, field(T.answer, answer), el("button", { id: "send-answer", type: "submit" },
    T.send_answer), said);
  const rewards = progress.rewards.length
    ? el("ul", { class: "rewards", id: "rewards" }, ...progress.rewards.map((r) =>
      el("li", { "data-status": r.status }, el("b", {}, `${r.amountYuan} ${T.yuan}`), " · ",
        T[r.status], r.status === "APPROVED" ? claimForm(box, code, r) : null)))
    : el("p", { id: "rewards" }, T.no_rewards);
  box.replaceChildren(el("div", { class: "progress" },
    el("dl", { class: "facts" }, el("dt", {}, T.status),
      el("dd", { id: "status", "data-status": progress.status }, T[progress.status]),
      el("dt", {}, T.received_on), el("dd", {}, progress.receivedOn || "-")),
    el("h2", {}, T.messages), messages, answerForm, el("h2", {}, T.rewards), rewards));
}

function claimForm(box, code, reward) {
  const payout = el("input", { id: "payout", maxlength: "500", autocomplete: "off" });
  const said = el("div");
  return el("form", { class: "claim", onsubmit: async (event) => {
    event.preventDefault();
    if (!payout.value.trim()) { notice(said, T.required); return; }
    try {
      const data = await call(CLAIM, { c: code, r: reward.rewardId, p: payout.value });
      progressView(box, code, data.claimReward);
    } catch (error) { notice(said, error.message); }
  } }, field(T.payout, payout, T.payout_hint), el("button", { id: "claim", type: "submit" },
    T.claim), said);
}

function followView() {
  const input = el("input", { id: "code", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", placeholder: T.claim_hint });
  const out = el("div", { id: "follow-result" });
  const form = el("form", { onsubmit: async (event) => {
    event.preventDefault();
    const code = normalizedCode(input.value);
    if (!code) { notice(out, T.code_typo); return; } // no request for a typo
    try {
      const data = await call(STATUS, { c: code });
      progressView(out, code, data.tipStatus);
    } catch (error) { notice(out, error.message); }
  } }, field(T.claim_code, input), el("button", { id: "look", type: "submit" }, T.look));
  return el("section", { id: "follow-view" }, form, out);
}

function show(which) {
  for (const [name, view] of [["submit", submitView], ["follow", followView]]) {
    document.getElementById("tab-" + name).setAttribute("aria-selected", String(name === which));
    if (name === which) app.querySelector(".view").replaceChildren(view());
  }
}

app.append(
  el("nav", { class: "tabs", role: "tablist" },
    el("button", { id: "tab-submit", role: "tab", onclick: () => show("submit") }, T.tab_submit),
    el("button", { id: "tab-follow", role: "tab", onclick: () => show("follow") }, T.tab_follow)),
  el("div", { class: "view" }));
show(new URLSearchParams(window.location.search).get("view") === "follow" ? "follow" : "submit");
