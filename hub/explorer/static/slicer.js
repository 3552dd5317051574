// The timeline under the canvas (like Bloom's slicer): a histogram of the events in the scene
// by day, and a range of two handles; events outside the range are hidden, and with them their
// edges. Days are Fuzhou's (the API's times carry +08:00). Loaded before explorer.js, whose
// names (cy, T, el, when) it uses when called.
"use strict";

const Slicer = (() => {
  const EVENTS = new Set(["Filling", "Delivery", "Inspection", "Shipment", "BatchTest", "Sale",
    "Incident", "Alert"]);
  const BINS = 30;
  const DAY = 86400000;
  // The chosen range as days since the epoch (null: the whole span, following new events); kept
  // in this tab's sessionStorage (explorer.js's store), so a language switch keeps it.
  let range = null;
  let domain = null;

  const dayOf = (time) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(time || "");
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : null;
  };
  const dateOf = (day) => new Date(day * DAY).toISOString().slice(0, 10);
  const isEvent = (n) => EVENTS.has(n.data("type")) && dayOf(n.data("time")) !== null;

  const events = () => cy.nodes().filter(isEvent);

  function build() {
    range = JSON.parse(store.getItem("slice") || "null");
    const box = el("section", { id: "slicer", class: "slicer", hidden: "hidden",
      "aria-label": T.slicer },
      el("div", { class: "slicer-head" }, el("h2", {}, T.slicer), " ",
        el("span", { id: "slicer-range" }), " ",
        el("span", { id: "slicer-count", class: "count" }), " ",
        el("button", { id: "slicer-reset", type: "button", onclick: reset }, T.slicer_all)),
      el("div", { id: "slicer-bars", class: "bars", "aria-hidden": "true" }),
      el("div", { class: "handles" },
        el("input", { id: "slicer-from", type: "range", min: "0", max: "0", value: "0",
          "aria-label": T.since, oninput: moved }),
        el("input", { id: "slicer-to", type: "range", min: "0", max: "0", value: "0",
          "aria-label": T.until, oninput: moved })));
    return box;
  }

  function moved(ev) {
    const from = document.getElementById("slicer-from");
    const to = document.getElementById("slicer-to");
    let lo = +from.value;
    let hi = +to.value;
    if (lo > hi) { if (ev && ev.target === from) hi = lo; else lo = hi; }
    range = lo === domain.min && hi === domain.max ? null : { lo, hi };
    store.setItem("slice", JSON.stringify(range));
    apply();
  }

  function reset() {
    range = null;
    store.removeItem("slice");
    refresh();
  }

  // After every change of the scene: the span of its events, the bars, the handles, the filter.
  function refresh() {
    const box = document.getElementById("slicer");
    if (!box || !cy) return;
    const days = events().map((n) => dayOf(n.data("time")));
    box.hidden = days.length === 0;
    if (!days.length) { domain = null; cy.nodes(".sliced").removeClass("sliced"); return; }
    domain = { min: Math.min(...days), max: Math.max(...days) };
    if (range) {
      range = { lo: Math.max(domain.min, Math.min(range.lo, domain.max)),
        hi: Math.min(domain.max, Math.max(range.hi, domain.min)) };
    }
    for (const id of ["slicer-from", "slicer-to"]) {
      const input = document.getElementById(id);
      input.min = String(domain.min);
      input.max = String(domain.max);
    }
    apply();
  }

  function apply() {
    if (!domain) return;
    const lo = range ? range.lo : domain.min;
    const hi = range ? range.hi : domain.max;
    document.getElementById("slicer-from").value = String(lo);
    document.getElementById("slicer-to").value = String(hi);
    const all = events();
    let shown = 0;
    cy.batch(() => {
      for (const n of all) {
        const day = dayOf(n.data("time"));
        const inside = day >= lo && day <= hi;
        n.toggleClass("sliced", !inside);
        if (inside) shown += 1;
      }
    });
    for (const li of document.querySelectorAll("#node-list li")) {
      const a = li.querySelector("a");
      li.classList.toggle("sliced", cy.getElementById(a.getAttribute("data-id")).hasClass("sliced"));
    }
    document.getElementById("slicer-range").textContent = when(dateOf(lo)) + " — " + when(dateOf(hi));
    const count = document.getElementById("slicer-count");
    count.textContent = T.slicer_count.replace("{shown}", shown).replace("{total}", all.length);
    count.dataset.shown = String(shown);
    count.dataset.total = String(all.length);
    bars(all, lo, hi);
  }

  // One bar per stretch of days, its height the events in it; bars in the range are coloured.
  function bars(all, lo, hi) {
    const span = domain.max - domain.min + 1;
    const width = Math.max(1, Math.ceil(span / BINS));
    const counts = new Array(Math.ceil(span / width)).fill(0);
    for (const n of all) counts[Math.floor((dayOf(n.data("time")) - domain.min) / width)] += 1;
    const top = Math.max(...counts);
    document.getElementById("slicer-bars").replaceChildren(...counts.map((c, i) => {
      const start = domain.min + i * width;
      const inside = start + width - 1 >= lo && start <= hi;
      const bar = el("span", { class: inside ? "bar in" : "bar",
        title: when(dateOf(start)) + (width > 1 ? " — " + when(dateOf(start + width - 1)) : "")
          + ": " + c });
      bar.style.height = (c ? 8 + (92 * c) / top : 0) + "%";
      return bar;
    }));
  }

  return { build, refresh, reset, isEvent };
})();
