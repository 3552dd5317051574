// Two views opened from a node, under the canvas: a cylinder's timeline (traceCylinder: every
// step oldest first, who and where, its flags highlighted) and a food batch's chain (producer ->
// market-entry tests -> shipments -> markets -> shops and their sales, a shipment after a failed
// test flagged). Dates in the page's one format (when); words from T and the labels table. Loaded
// before explorer.js, whose names (gql, T, el, when, shown, fieldWord, typeWord, readable,
// focus, COLORS) it uses when called.
"use strict";

const Views = (() => {
  const link = (node, text, cls) => el("a", { href: "#", class: cls || "node-link",
    "data-id": node.id, onclick: (ev) => { ev.preventDefault(); focus(node.id); } },
  text || node.name || node.plate || node.householdId || node.id);

  function open(kind, title, ...body) {
    const box = document.getElementById("view");
    box.hidden = false;
    box.className = "view " + kind;
    box.replaceChildren(el("div", { class: "view-head" }, el("h2", {}, title),
      el("button", { id: "close-view", type: "button",
        onclick: () => { box.hidden = true; box.replaceChildren(); } }, T.close)), ...body);
    box.scrollIntoView({ block: "nearest" });
    return box;
  }

  // A view's query is a large one: the first time, the graph plans it, which on a loaded server
  // can outrun the request's deadline (503). It is a read, so it is asked once more.
  async function ask(query, variables) {
    try {
      return await gql(query, variables);
    } catch (err) {
      if (!err.retry) throw err;
      return gql(query, variables);
    }
  }

  function failed(err) {
    open("failed", T.error, el("p", { class: "error" }, T.error + err.message));
  }

  // --- the cylinder's timeline ----------------------------------------------------------------

  function cylinderParties() {
    const parts = [];
    const firm = readable("Enterprise") ? "{ id name }" : null;
    const delivery = [];
    if (firm) delivery.push("supplier " + firm);
    if (readable("Vehicle")) delivery.push("vehicle { id plate permitExpiry }");
    if (readable("Household")) delivery.push("household { id householdId address status }");
    if (readable("Person")) delivery.push("driver { name } escort { name }");
    if (delivery.length) parts.push("... on Delivery { " + delivery.join(" ") + " }");
    const filling = [];
    if (firm) filling.push("station " + firm);
    if (readable("Person")) filling.push("filler { name }");
    if (readable("Filling")) filling.push("quantityKg");
    if (filling.length) parts.push("... on Filling { " + filling.join(" ") + " }");
    if (readable("Inspection")) {
      parts.push("... on Inspection { result nextDue " + (firm ? "agency " + firm : "") + " }");
    }
    if (readable("Incident")) parts.push("... on Incident { kind severity location }");
    if (firm) parts.push("... on Enterprise { name }");
    return parts.join(" ");
  }

  function entryParties(n) {
    const out = [];
    const party = (word, node, text) => { if (node) out.push(el("span", { class: "party-of" },
      word + " ", link(node, text, "party"))); };
    const said = (word, value) => { if (value) out.push(el("span", {}, word + " " + value)); };
    party(T.station, n.station);
    said(T.filler, n.filler && n.filler.name);
    if (n.quantityKg) said(fieldWord("quantityKg"), n.quantityKg);
    party(T.supplier, n.supplier);
    party(T.vehicle, n.vehicle, n.vehicle && n.vehicle.plate);
    party(T.household, n.household, n.household && n.household.householdId);
    if (n.household && n.household.address) said("", n.household.address);
    said(T.driver, n.driver && n.driver.name);
    said(T.escort, n.escort && n.escort.name);
    party(T.agency, n.agency);
    if (n.result) out.push(el("span", { class: n.result === "FAIL" ? "flag" : "" },
      fieldWord("result") + " " + shown(n.result)));
    if (n.nextDue) said(fieldWord("nextDue"), when(n.nextDue));
    if (n.__typename === "Incident") {
      said("", [n.kind, n.severity, n.location].filter(Boolean).map(shown).join(" · "));
    }
    if (n.__typename === "Enterprise" && n.name) party("", n, n.name);
    return out;
  }

  async function cylinder(code) {
    let data;
    try {
      data = await ask(
        `query($c: String!) { traceCylinder(code: $c) {
           cylinder { id code status model lastInspection nextInspection }
           location { id householdId address }
           timeline { kind date time status node { __typename id ${cylinderParties()} } }
           flags { kind date event } } }`, { c: code });
    } catch (err) { failed(err); return; }
    const result = data.traceCylinder;
    if (!result) { open("cylinder-view", T.trace + " " + code, el("p", {}, T.not_found)); return; }
    const flagged = new Map();
    for (const f of result.flags) {
      if (f.event) flagged.set(f.event, [...(flagged.get(f.event) || []), f.kind]);
    }
    const c = result.cylinder;
    const summary = el("dl", { class: "summary" },
      el("dt", {}, fieldWord("status")), el("dd", { class: c.status === "OVERDUE" ? "flag" : "" },
        shown(c.status || "")),
      el("dt", {}, fieldWord("model")), el("dd", {}, c.model || ""),
      el("dt", {}, fieldWord("lastInspection")), el("dd", {}, when(c.lastInspection)),
      el("dt", {}, fieldWord("nextInspection")), el("dd", {}, when(c.nextInspection)),
      el("dt", {}, T.located_at), el("dd", {}, result.location
        ? link(result.location, result.location.householdId + " " + (result.location.address || ""))
        : "—"));
    const cylinderFlags = result.flags.filter((f) => !f.event)
      .map((f) => el("li", { class: "flag" }, "⚠ " + T[f.kind] + " " + when(f.time || f.date)));
    const list = el("ol", { class: "timeline" });
    for (const entry of result.timeline) {
      const n = entry.node;
      const type = n ? n.__typename : null;
      const item = el("li", { class: "entry", "data-kind": entry.kind },
        el("time", {}, when(entry.time || entry.date)),
        el("strong", { class: "kind" }, T[entry.kind] || entry.kind),
        entry.status ? " " + shown(entry.status) : "");
      item.style.setProperty("--dot", COLORS[type] || "#868e96");
      if (n) {
        const parties = entryParties(n);
        if (parties.length) item.append(el("div", { class: "parties" }, ...parties));
        if (type !== "Enterprise") item.append(" ", link(n, n.id.split(/:(.*)/s)[1], "event"));
        for (const kind of flagged.get(n.id) || []) {
          item.classList.add("flagged");
          item.append(el("div", { class: "flag" }, "⚠ " + T[kind]));
        }
      }
      list.append(item);
    }
    const count = T.view_count.replace("{entries}", result.timeline.length)
      .replace("{flags}", result.flags.length);
    open("cylinder-view", T.trace + " · " + code, summary,
      el("p", { class: "view-count" }, count),
      cylinderFlags.length ? el("ul", { class: "cylinder-flags" }, ...cylinderFlags) : "", list);
  }

  // --- the food batch's chain -------------------------------------------------------------------

  function productQuery() {
    const firm = readable("Enterprise") ? "{ id name kind district }" : "{ id }";
    const parts = ["traceCode name category origin producedOn quantityKg"];
    if (readable("Enterprise")) parts.push("producer " + firm);
    if (readable("BatchTest")) {
      parts.push(`tests(first: 50) { edges { node { id time method result market ${firm} } } }`);
    }
    if (readable("Shipment")) {
      parts.push(`shipments(first: 100) { edges { node { id time quantityKg sender ${firm}
        receiver ${firm} } } }`);
    }
    if (readable("Sale")) {
      parts.push(`sales(first: 100) { totalCount edges { node { id time quantityKg
        seller ${firm} } } }`);
    }
    return `query($t: String!) { product(traceCode: $t) { ${parts.join(" ")} } }`;
  }

  const nodes = (conn) => (conn ? conn.edges.map((e) => e.node) : []);
  const MARKETS = new Set(["WHOLESALE_MARKET", "FARMERS_MARKET"]);

  function stage(key, title, ...items) {
    return el("section", { class: "stage", "data-stage": key }, el("h3", {}, title),
      items.length ? el("ul", {}, ...items) : el("p", { class: "none" }, "—"));
  }

  async function product(traceCode) {
    let p;
    try {
      p = (await ask(productQuery(), { t: traceCode })).product;
    } catch (err) { failed(err); return; }
    if (!p) { open("product-view", T.chain + " " + traceCode, el("p", {}, T.not_found)); return; }
    const tests = nodes(p.tests).sort((a, b) => (a.time || "").localeCompare(b.time || ""));
    const shipments = nodes(p.shipments).sort((a, b) => (a.time || "").localeCompare(b.time || ""));
    const sales = nodes(p.sales);
    const firstFail = tests.find((t) => t.result === "FAIL");
    const afterFail = (e) => firstFail && e.time && e.time > firstFail.time;
    const named = (e) => (e ? link(e, e.name || e.id.split(/:(.*)/s)[1]) : "—");

    const testItems = tests.map((t) => el("li", { class: t.result === "FAIL" ? "flagged" : "",
      "data-id": t.id }, el("time", {}, when(t.time)), " ", named(t.market), " ",
    el("strong", { class: t.result === "FAIL" ? "flag" : "" }, shown(t.result || "")),
    t.method ? " · " + t.method : ""));
    const shipItems = shipments.map((s) => {
      const item = el("li", { "data-id": s.id }, el("time", {}, when(s.time)), " ",
        named(s.sender), " → ", named(s.receiver),
        s.quantityKg ? " · " + s.quantityKg + " kg" : "");
      if (afterFail(s)) {
        item.classList.add("flagged");
        item.append(el("div", { class: "flag" }, "⚠ " + T.shipped_after_fail));
      }
      return item;
    });
    // Markets: where it was received and tested; shops: where it went on to and was sold.
    const reached = new Map();
    for (const s of shipments) if (s.receiver) reached.set(s.receiver.id, s.receiver);
    for (const t of tests) if (t.market) reached.set(t.market.id, t.market);
    const sold = new Map();
    for (const x of sales) {
      if (!x.seller) continue;
      const row = sold.get(x.seller.id) || { firm: x.seller, kg: 0, count: 0, last: "" };
      row.kg += x.quantityKg || 0;
      row.count += 1;
      row.last = x.time > row.last ? x.time : row.last;
      sold.set(x.seller.id, row);
      reached.set(x.seller.id, x.seller);
    }
    const firms = [...reached.values()];
    const markets = firms.filter((e) => MARKETS.has(e.kind));
    const shops = firms.filter((e) => !MARKETS.has(e.kind) && (!p.producer || e.id !== p.producer.id));
    const firmItem = (e) => {
      const row = sold.get(e.id);
      return el("li", { "data-id": e.id }, named(e), e.kind ? " · " + shown(e.kind) : "",
        row ? el("div", { class: "sold" }, T.sold.replace("{count}", row.count)
          .replace("{kg}", Math.round(row.kg * 10) / 10).replace("{last}", when(row.last))) : "");
    };
    const head = el("dl", { class: "summary" },
      el("dt", {}, fieldWord("name")), el("dd", {}, p.name || ""),
      el("dt", {}, fieldWord("category")), el("dd", {}, shown(p.category || "")),
      el("dt", {}, fieldWord("origin")), el("dd", {}, p.origin || ""),
      el("dt", {}, fieldWord("producedOn")), el("dd", {}, when(p.producedOn)),
      el("dt", {}, fieldWord("quantityKg")), el("dd", {}, String(p.quantityKg ?? "")));
    const chain = el("div", { class: "chain" },
      stage("producer", T.stage_producer, ...(p.producer ? [el("li", { "data-id": p.producer.id },
        named(p.producer), p.producer.district ? " · " + p.producer.district : "")] : [])),
      stage("tests", T.stage_tests, ...testItems),
      stage("shipments", T.stage_shipments, ...shipItems),
      stage("markets", T.stage_markets, ...markets.map(firmItem)),
      stage("shops", T.stage_shops, ...shops.map(firmItem)));
    const flags = [];
    if (firstFail) flags.push(el("li", { class: "flag" }, "⚠ " + T.test_failed + " " + when(firstFail.time)));
    const late = shipments.filter(afterFail).length;
    if (late) flags.push(el("li", { class: "flag" }, "⚠ " + T.shipped_after_fail + " × " + late));
    open("product-view", T.chain + " · " + (p.name || "") + " " + p.traceCode, head,
      flags.length ? el("ul", { class: "product-flags" }, ...flags) : "", chain);
  }

  return { cylinder, product };
})();
