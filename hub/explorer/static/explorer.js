// The investigators' explorer: signs in (hub.js: authorization-code flow and PKCE), asks a
// purpose once per investigation, and sends it with every neighbourhood and path query.
"use strict";

const { CONFIG, T, el } = Hub;
const store = window.sessionStorage;
// A token that expires (10 minutes) sends the person to sign in again; the scene and the
// purpose stay in this tab's sessionStorage and come back after it.
const { signIn, finishSignIn, signOut, gql } = Hub.session(store, {
  onExpired: () => { saveScene(); store.removeItem("token"); signIn(); },
});
const app = document.getElementById("app");
const account = document.getElementById("account");

const COLORS = {
  Cylinder: "#d9480f", Household: "#2b8a3e", Person: "#5f3dc4", Vehicle: "#1864ab",
  Enterprise: "#495057", Delivery: "#e67700", Filling: "#c2255c", Inspection: "#0b7285",
  Incident: "#c92a2a", Product: "#5c940d", Shipment: "#862e9c", BatchTest: "#087f5b",
  Sale: "#a61e4d", Tip: "#343a40",
};

// Each type's shape on the canvas (its colour is COLORS); the legend shows both.
const SHAPES = {
  Enterprise: "hexagon", Cylinder: "barrel", Household: "round-rectangle", Person: "ellipse",
  Vehicle: "round-tag", Product: "diamond", Incident: "star", Tip: "vee",
};
const EVENT_SHAPE = "round-triangle";
// The fields a node's label is made of, first present first (people's names arrive masked
// unless the role sees them in full).
const LABEL_FIELDS = ["name", "plate", "code", "householdId", "traceCode", "incidentId", "time"];
const BUNDLE = 8; // more new neighbours of one type than this arrive as one group
const LOCAL_LAYOUT = 150; // past this many placed nodes, only the new ones are laid out

if (window.cytoscapeFcose) cytoscape.use(window.cytoscapeFcose);

let ROLE = null;
const readable = (type) => (CONFIG.readable[ROLE] || []).includes(type);

function nodeFragment() {
  return Object.keys(CONFIG.fields).filter(readable).map((type) => {
    const fields = LABEL_FIELDS.filter((f) => CONFIG.fields[type].includes(f));
    return fields.length ? `... on ${type} { ${fields.join(" ")} }` : "";
  }).join(" ");
}

// Dates and times in one format: 2026-07-20 and 2026-07-20 17:40 (the API's times are
// Fuzhou's, +08:00); stored enumerations and field names in the reader's language.
function when(value) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value || "");
  return m ? m[1] + " " + m[2] : value || "";
}
function shown(value) {
  if (Array.isArray(value)) return value.map(shown).join("、");
  const text = String(value);
  return CONFIG.labels.values[text] || when(text);
}
const fieldWord = (name) => CONFIG.labels.fields[name] || name;
const typeWord = (type) => T["type_" + type] || type;
const relWord = (type) => T["rel_" + type] || type;

// --- the investigation ------------------------------------------------------------------------

let cy = null;
const picked = { a: null, b: null };
const nodeData = new Map();

function status(message, kind) {
  const box = document.getElementById("status");
  box.textContent = message || "";
  box.className = kind || "";
}

function label(node) {
  const [type, key] = node.id.split(/:(.*)/s);
  const field = LABEL_FIELDS.find((f) => node[f]);
  const value = field === "time" ? node.time.slice(0, 10) : field ? node[field] : key;
  return typeWord(type) + "\n" + value;
}

function addEdges(edges) {
  for (const e of edges) {
    const id = e.from + ">" + e.type + ">" + e.to;
    if (!cy.getElementById(id).length && cy.getElementById(e.from).length
        && cy.getElementById(e.to).length) {
      cy.add({ group: "edges", data: { id, source: e.from, target: e.to, label: relWord(e.type),
        rel: e.type } });
    }
  }
}

function addNode(n, near) {
  const at = near && near.length ? near.position() : { x: 0, y: 0 };
  const jitter = () => (Math.random() - 0.5) * 80;
  cy.add({ group: "nodes", data: { id: n.id, label: label(n), type: n.__typename,
    time: n.time || null }, position: { x: at.x + jitter(), y: at.y + jitter() } });
  nodeData.set(n.id, n);
}

// New nodes join next to `around`; more than BUNDLE new neighbours of one type around it wait
// in one group node, opened by a tap. Nodes already placed do not move (fcose, fixed nodes).
function addSubgraph(sub, around) {
  const placed = cy.nodes().filter((n) => !n.hasClass("bundle"));
  // A node expanded before it is on the canvas (a search hit, a link) joins first, so that its
  // many neighbours of one type still arrive as a group around it, not as a star of 200.
  if (around && !cy.getElementById(around).length) {
    const self = sub.nodes.find((n) => n.id === around);
    if (self) addNode(self, null); else around = null;
  }
  const anchor = around ? cy.getElementById(around) : null;
  const fresh = sub.nodes.filter((n) => !cy.getElementById(n.id).length);
  const byType = new Map();
  for (const n of fresh) byType.set(n.__typename, [...(byType.get(n.__typename) || []), n]);
  for (const [type, nodes] of byType) {
    if (around && nodes.length > BUNDLE) {
      const id = "bundle:" + around + ":" + type;
      if (!cy.getElementById(id).length) {
        cy.add({ group: "nodes", classes: "bundle", data: { id, type, label: typeWord(type)
          + " × " + nodes.length, members: nodes, edges: sub.edges },
          position: { x: anchor.position().x + 70, y: anchor.position().y + 50 } });
        cy.add({ group: "edges", classes: "bundle-edge", data: { id: id + ">", source: around,
          target: id, label: T.bundle } });
      }
    } else {
      for (const n of nodes) addNode(n, anchor);
    }
  }
  for (const n of sub.nodes) if (cy.getElementById(n.id).length) nodeData.set(n.id, n);
  addEdges(sub.edges);
  arrange(placed);
  renderNodeList();
  if (sub.truncated) status(T.truncated, "warn");
  return sub.nodes.map((n) => n.id);
}

function openBundle(bundle) {
  const anchor = cy.getElementById(bundle.id().split(":").slice(1, -1).join(":"));
  const placed = cy.nodes().filter((n) => !n.hasClass("bundle"));
  const { members, edges } = bundle.data();
  bundle.remove();
  for (const n of members) if (!cy.getElementById(n.id).length) addNode(n, anchor);
  addEdges(edges);
  arrange(placed);
  renderNodeList();
}

// --- the scene: kept in sessionStorage, so a language switch or a new sign-in finds it again --

function scene() {
  const nodes = cy.nodes().filter((n) => !n.hasClass("bundle")).map((n) => ({
    id: n.id(), type: n.data("type"), label: n.data("label"), time: n.data("time") || undefined,
    position: { ...n.position() }, pinned: n.locked() }));
  const edges = cy.edges().filter((e) => !e.hasClass("bundle-edge")).map((e) => ({
    from: e.data("source"), to: e.data("target"), type: e.data("rel") }));
  return { nodes, edges };
}

function saveScene() {
  if (cy) store.setItem("scene", JSON.stringify(scene()));
}

function restoreScene(saved) {
  cy.elements().remove();
  for (const n of saved.nodes || []) {
    const node = cy.add({ group: "nodes", data: { id: n.id, label: n.label, type: n.type,
      time: n.time || null }, position: n.position });
    if (n.pinned) { node.lock(); node.addClass("pinned"); }
  }
  addEdges(saved.edges || []);
  // Labels follow the language of the page now shown.
  for (const n of cy.nodes()) {
    const [type, ...rest] = n.data("label").split("\n");
    n.data("label", typeWord(n.data("type")) + "\n" + rest.join("\n"));
  }
  cy.fit(undefined, 30);
  renderNodeList();
}

// --- cases: the scene saved for the department, reopened, shared inside it ------------------

async function saveCase() {
  const title = document.getElementById("case-title").value.trim();
  if (!title) { status(T.case_needs_title, "warn"); return; }
  try {
    const data = await gql(
      `mutation($in: CaseInput!) { saveCase(input: $in) { caseId title } }`,
      { in: { caseId: store.getItem("case") || null, title, purpose: store.getItem("purpose"),
        notes: document.getElementById("case-notes").value, scene: JSON.stringify(scene()) } });
    store.setItem("case", data.saveCase.caseId);
    status(T.case_saved + data.saveCase.caseId);
    await listCases();
  } catch (err) { status(T.error + err.message, "error"); }
}

async function listCases() {
  const list = document.getElementById("case-list");
  try {
    const data = await gql("{ cases { caseId title purpose updatedAt updatedBy } }", {});
    list.replaceChildren(...data.cases.map((c) => el("li", {},
      el("a", { href: "#", class: "case", "data-id": c.caseId,
        onclick: (ev) => { ev.preventDefault(); openCase(c.caseId); } }, c.title),
      " ", el("small", {}, when(c.updatedAt) + " · " + c.updatedBy))));
  } catch (err) { list.replaceChildren(el("li", { class: "error" }, T.error + err.message)); }
}

async function openCase(caseId) {
  try {
    const data = await gql(
      "query($id: String!) { case(caseId: $id) { caseId title purpose notes scene } }",
      { id: caseId });
    const c = data.case;
    if (!c) { status(T.not_found, "warn"); return; }
    store.setItem("purpose", c.purpose);
    store.setItem("case", c.caseId);
    store.setItem("scene", c.scene);
    store.setItem("case-title", c.title);
    store.setItem("case-notes", c.notes);
    store.removeItem("slice");
    investigation();
  } catch (err) { status(T.error + err.message, "error"); }
}

// --- export: the canvas as PNG, its nodes and edges as CSV -----------------------------------

function download(name, blob) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function csvCell(value) {
  const text = String(value ?? "");
  return /[",\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
}

function exportCsv() {
  const { nodes, edges } = scene();
  const rows = [["kind", "id", "type", "label", "from", "to"],
    ...nodes.map((n) => ["node", n.id, n.type, n.label.replace("\n", " "), "", ""]),
    ...edges.map((e) => ["edge", "", e.type, relWord(e.type), e.from, e.to])];
  const text = "\ufeff" + rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
  download("scene.csv", new Blob([text], { type: "text/csv;charset=utf-8" }));
}

function exportPng() {
  download("scene.png", cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
}

// Layout and expand times are performance measures ("explorer:layout", "explorer:expand"), which
// bench/explorer_scene.py reads back.
function arrange(placed) {
  performance.mark("explorer:layout-start");
  const started = performance.now();
  const kept = placed.filter((n) => n.cy() && !n.removed());
  const fresh = cy.nodes().difference(kept);
  // In a large scene only the new nodes are laid out, beside their placed neighbours (held
  // still): a layout of the whole scene on every expand grows with the scene (several seconds
  // at 500 nodes; bench/explorer_scene.py measures it).
  const local = kept.length > LOCAL_LAYOUT && fresh.length > 0;
  const around = local ? fresh.neighborhood().nodes().intersection(kept) : kept;
  const moved = fresh.union(around);
  const eles = local ? moved.union(moved.edgesWith(moved)) : cy.elements();
  const fixed = around.map((n) => ({ nodeId: n.id(), position: { ...n.position() } }));
  const options = window.cytoscapeFcose
    ? { name: "fcose", animate: false, randomize: !local && fixed.length === 0,
        nodeDimensionsIncludeLabels: true, fixedNodeConstraint: fixed.length ? fixed : undefined,
        idealEdgeLength: 90, fit: !local }
    : { name: "cose", animate: false };
  if (fresh.length || !kept.length) eles.layout(options).run();
  window.lastLayoutMs = performance.now() - started;
  performance.measure("explorer:layout", "explorer:layout-start");
  saveScene();
}

// The expand options: the relationship types ticked (all: no filter) and the time window,
// dates in Fuzhou's day.
function expandOptions() {
  const boxes = [...document.querySelectorAll("#rel-types input")];
  const ticked = boxes.filter((b) => b.checked).map((b) => b.value);
  const day = (id, end) => {
    const v = document.getElementById(id).value;
    return v ? v + (end ? "T23:59:59.999+08:00" : "T00:00:00+08:00") : null;
  };
  return { types: ticked.length === boxes.length ? null : ticked, since: day("since"),
    until: day("until", true) };
}

async function neighbourhood(id) {
  const { types, since, until } = expandOptions();
  const data = await gql(
    `query($id: ID!, $p: String!, $types: [String!], $since: DateTime, $until: DateTime) {
       neighborhood(id: $id, purpose: $p, depth: 1, limit: 200, types: $types, since: $since,
         until: $until) {
       truncated nodes { __typename id ${nodeFragment()} } edges { from to type } } }`,
    { id, p: store.getItem("purpose"), types, since, until },
  );
  return data.neighborhood;
}

// --- search: one box, type-ahead over names, codes, plates, addresses, USCCs and ids ----------

// What a hit shows: a name, code or plate the caller may read (people's names arrive masked
// unless the role sees them in full).
const HIT_FIELDS = {
  Cylinder: "code", Vehicle: "plate", Enterprise: "name uscc", Household: "householdId address",
  Product: "name traceCode", Person: "name", Incident: "incidentId location",
};

function hitFragment() {
  return Object.entries(HIT_FIELDS).filter(([type]) => readable(type))
    .map(([type, fields]) => `... on ${type} { ${fields} }`).join(" ");
}

function hitLabel(n) {
  const key = n.id.split(/:(.*)/s)[1];
  const parts = [n.name, n.code, n.plate, n.householdId, n.incidentId, n.traceCode].filter(Boolean);
  const extra = [n.uscc, n.address, n.location].filter((v) => v && !parts.includes(v));
  return [parts[0] || key, ...parts.slice(1), ...extra].join(" · ");
}

let typed = 0;
async function typeAhead() {
  const value = document.getElementById("q").value.trim();
  const box = document.getElementById("hits");
  const mine = ++typed;
  if (value.length < 2) { box.replaceChildren(); return; }
  await new Promise((done) => setTimeout(done, 200));
  if (mine !== typed) return; // a newer keystroke asks instead
  try {
    const data = await gql(
      `query($t: String!) { search(text: $t, first: 6) { type more
         nodes { __typename id ${hitFragment()} } } }`, { t: value });
    if (mine !== typed) return;
    box.replaceChildren(...(data.search.length ? [] : [el("p", { class: "warn" }, T.not_found)]),
      ...data.search.map((g) => el("section", { class: "hit-group", "data-type": g.type },
        el("h3", {}, T["type_" + g.type] || g.type, g.more ? " …" : ""),
        el("ul", {}, ...g.nodes.map((n) => el("li", {},
          el("a", { href: "#", class: "hit", "data-id": n.id,
            onclick: (ev) => { ev.preventDefault(); box.replaceChildren(); focus(n.id); } },
            hitLabel(n))))))));
  } catch (err) { box.replaceChildren(el("p", { class: "error" }, T.error + err.message)); }
}

async function search(event) {
  event.preventDefault();
  await typeAhead();
  const first = document.querySelector("#hits a.hit");
  if (first) first.click();
}

async function select(id) {
  cy.elements().removeClass("selected");
  cy.getElementById(id).addClass("selected");
  const type = id.split(":")[0];
  const fields = CONFIG.fields[type].join(" ");
  const details = document.getElementById("details");
  details.replaceChildren(el("h2", {}, T.details));
  try {
    const data = await gql(`query($id: ID!) { node(id: $id) { ... on ${type} { ${fields} } } }`,
      { id });
    const table = el("table", { id: "fields" });
    for (const [k, v] of Object.entries(data.node || {})) {
      if (v === null || (typeof v === "object" && !Array.isArray(v))) continue;
      const text = shown(v);
      const cell = el("td", { "data-field": k }, text);
      if (/\*{2,}|^.\*$/.test(String(v))) {
        cell.classList.add("is-masked");
        cell.append(el("span", { class: "masked" }, " (" + T.masked + ")"));
      }
      table.append(el("tr", {}, el("th", { title: k }, fieldWord(k)), cell));
    }
    details.append(table);
  } catch (err) { details.append(el("p", { class: "error" }, T.error + err.message)); }
  const actions = el("div", { class: "actions" },
    el("button", { id: "expand", onclick: () => expand(id) }, T.expand),
    el("button", { id: "pick-a", onclick: () => pick("a", id) }, T.pick_a),
    el("button", { id: "pick-b", onclick: () => pick("b", id) }, T.pick_b),
    el("button", { id: "pin", onclick: () => {
      const n = cy.getElementById(id);
      if (n.locked()) n.unlock(); else n.lock();
      n.toggleClass("pinned", n.locked());
    } }, cy.getElementById(id).locked() ? T.unpin : T.pin),
    el("button", { id: "hide", onclick: () => {
      cy.getElementById(id).remove(); renderNodeList(); saveScene();
    } },
      T.hide));
  // The views opened from a node: a cylinder's timeline, a food batch's chain.
  const key = id.split(/:(.*)/s)[1];
  if (type === "Cylinder" && readable("Cylinder")) {
    actions.append(el("button", { id: "trace", onclick: () => Views.cylinder(key) }, T.trace));
  }
  if (type === "Product" && readable("Product")) {
    actions.append(el("button", { id: "chain", onclick: () => Views.product(key) }, T.chain));
  }
  details.append(actions);
}

async function expand(id) {
  try {
    performance.mark("explorer:expand-start");
    const started = performance.now();
    const sub = await neighbourhood(id);
    if (sub) addSubgraph(sub, id);
    window.lastExpandMs = performance.now() - started;
    performance.measure("explorer:expand", "explorer:expand-start");
  } catch (err) { status(T.error + err.message, "error"); }
}

function pick(which, id) {
  picked[which] = id;
  document.getElementById("path-" + which).textContent = id;
}

async function findPath() {
  if (!picked.a || !picked.b) return;
  try {
    const data = await gql(
      `query($a: ID!, $b: ID!, $p: String!, $avoid: [String!]) { shortestPath(from: $a, to: $b,
         maxHops: 8, purpose: $p, avoid: $avoid) {
         nodes { __typename id ${nodeFragment()} } edges { from to type } } }`,
      { a: picked.a, b: picked.b, p: store.getItem("purpose"),
        avoid: [...document.querySelectorAll("#path-avoid input:checked")].map((i) => i.value) },
    );
    cy.elements().removeClass("path");
    const path = data.shortestPath;
    const result = document.getElementById("path-result");
    if (!path) { result.textContent = T.no_path; return; }
    addSubgraph(path);
    for (const n of path.nodes) cy.getElementById(n.id).addClass("path");
    for (const e of path.edges) cy.getElementById(e.from + ">" + e.type + ">" + e.to).addClass("path");
    // The hop list: each node by its label, each hop by its relationship and direction.
    const hops = [];
    path.nodes.forEach((n, i) => {
      hops.push(el("li", { class: "stop", "data-id": n.id }, label(n).replace("\n", " ")));
      const next = path.nodes[i + 1];
      if (!next) return;
      const e = path.edges.find((x) => (x.from === n.id && x.to === next.id)
        || (x.from === next.id && x.to === n.id));
      if (e) hops.push(el("li", { class: "hop" }, (e.from === n.id ? "↓ " : "↑ ") + relWord(e.type)));
    });
    result.replaceChildren(el("ul", { id: "path-nodes" }, ...hops));
  } catch (err) { status(T.error + err.message, "error"); }
}

async function focus(id) {
  if (!cy.getElementById(id).length) await expand(id);
  await select(id);
}

function renderLegend() {
  const types = [...new Set(cy.nodes().map((n) => n.data("type")))].sort();
  document.getElementById("legend").replaceChildren(...types.map((t) => el("li", {},
    el("span", { class: "swatch", style: null, "data-type": t }), typeWord(t))));
  for (const sw of document.querySelectorAll("#legend .swatch")) {
    const t = sw.getAttribute("data-type");
    sw.style.background = COLORS[t] || "#868e96";
    sw.style.borderRadius = SHAPES[t] === "ellipse" ? "50%" : SHAPES[t] ? "2px" : "0";
    sw.title = SHAPES[t] || EVENT_SHAPE;
  }
}

function renderNodeList() {
  renderLegend();
  const list = document.getElementById("node-list");
  list.replaceChildren(...cy.nodes().filter((n) => !n.hasClass("bundle")).map((n) => el("li", {},
    el("a", { href: "#", "data-id": n.id(), onclick: (ev) => { ev.preventDefault(); select(n.id()); } },
      n.data("label").replace("\n", " ")), " ", el("code", {}, n.id()))));
  Slicer.refresh();
}

function investigation() {
  const purpose = store.getItem("purpose");
  if (!purpose) {
    const form = el("form", { id: "purpose-form", onsubmit: (ev) => {
      ev.preventDefault();
      const value = document.getElementById("purpose").value.trim();
      if (value) { store.setItem("purpose", value); investigation(); }
    } },
    el("label", { for: "purpose" }, T.purpose_label),
    el("input", { id: "purpose", required: "required", maxlength: "200" }),
    el("button", { type: "submit" }, T.purpose_start));
    app.replaceChildren(form);
    return;
  }
  app.replaceChildren(
    el("p", { id: "purpose-now" }, T.purpose_now + purpose + " ",
      el("button", { onclick: () => {
        for (const k of ["purpose", "scene", "case", "case-title", "case-notes", "slice"]) {
          store.removeItem(k);
        }
        investigation();
      } }, T.purpose_new)),
    el("form", { id: "search", role: "search", onsubmit: search },
      el("label", { for: "q" }, T.search_label),
      el("input", { id: "q", type: "search", autocomplete: "off", maxlength: "100",
        placeholder: T.search_hint, oninput: typeAhead }),
      el("button", { type: "submit" }, T.search)),
    el("div", { id: "hits" }),
    el("p", { id: "status" }),
    el("div", { class: "layout" },
      el("div", { class: "canvas" },
        el("div", { class: "controls" },
          el("button", { id: "fit", onclick: () => cy.fit(undefined, 30) }, T.fit),
          el("button", { id: "zoom-in", onclick: () => cy.zoom(cy.zoom() * 1.25) }, "+"),
          el("button", { id: "zoom-out", onclick: () => cy.zoom(cy.zoom() / 1.25) }, "−"),
          el("button", { id: "export-png", onclick: exportPng }, T.export_png),
          el("button", { id: "export-csv", onclick: exportCsv }, T.export_csv)),
        el("div", { id: "graph" }),
        Slicer.build(),
        el("section", { class: "legend" }, el("h2", {}, T.legend), el("ul", { id: "legend" }))),
      el("aside", {},
        el("section", { id: "details" }),
        el("details", { id: "expand-options" }, el("summary", {}, T.expand_options),
          el("fieldset", { id: "rel-types" }, el("legend", {}, T.relationships),
            ...CONFIG.relationships.map((r) => el("label", {},
              el("input", { type: "checkbox", value: r, checked: "checked" }), relWord(r)))),
          el("label", {}, T.since + " ", el("input", { id: "since", type: "date" })),
          el("label", {}, " " + T.until + " ", el("input", { id: "until", type: "date" }))),
        el("section", { id: "path" },
          el("p", {}, T.from + ": ", el("code", { id: "path-a" }, "-")),
          el("p", {}, T.to + ": ", el("code", { id: "path-b" }, "-")),
          el("details", { id: "path-avoid" }, el("summary", {}, T.avoid_types),
            ...Object.keys(CONFIG.fields).filter(readable).sort().map((t) => el("label", {},
              el("input", { type: "checkbox", value: t }), typeWord(t)))),
          el("button", { id: "find-path", onclick: findPath }, T.find_path),
          el("div", { id: "path-result" })),
        el("section", { id: "cases" }, el("h2", {}, T.cases),
          el("input", { id: "case-title", placeholder: T.case_title, maxlength: "100",
            value: store.getItem("case-title") || "" }),
          el("textarea", { id: "case-notes", placeholder: T.case_notes, maxlength: "4000" },
            store.getItem("case-notes") || ""),
          el("button", { id: "save-case", onclick: saveCase }, T.save_case),
          el("ul", { id: "case-list" })),
        el("section", {}, el("h2", {}, T.nodes), el("ul", { id: "node-list" })))),
    el("section", { id: "view", hidden: "hidden" }));
  cy = cytoscape({
    container: document.getElementById("graph"),
    style: [
      { selector: "node", style: { label: "data(label)", "text-wrap": "wrap", "font-size": 8,
        "text-valign": "bottom", "text-margin-y": 3, "text-max-width": 90,
        "background-color": (n) => COLORS[n.data("type")] || "#868e96",
        shape: (n) => SHAPES[n.data("type")] || EVENT_SHAPE, width: 22, height: 22 } },
      { selector: "edge", style: { label: "data(label)", "font-size": 6, width: 1,
        "curve-style": "bezier", "target-arrow-shape": "triangle", "text-rotation": "autorotate",
        "text-background-color": "#fff", "text-background-opacity": 0.85,
        "text-background-padding": 1, color: "#495057", "line-color": "#adb5bd",
        "target-arrow-color": "#adb5bd" } },
      { selector: ".bundle", style: { width: 34, height: 34, "border-width": 2,
        "border-style": "dashed", "border-color": "#212529", "font-weight": "bold" } },
      { selector: ".bundle-edge", style: { "line-style": "dashed" } },
      { selector: ".pinned", style: { "border-width": 2, "border-color": "#1971c2" } },
      { selector: ".selected", style: { "border-width": 3, "border-color": "#000" } },
      { selector: ".sliced", style: { display: "none" } },
      { selector: ".path", style: { "line-color": "#f03e3e", "target-arrow-color": "#f03e3e",
        width: 3, "border-width": 3, "border-color": "#f03e3e" } },
    ],
  });
  cy.on("dragfree", "node", saveScene);
  const saved = store.getItem("scene");
  if (saved) restoreScene(JSON.parse(saved));
  listCases();
  cy.on("tap", "node", (ev) => {
    if (ev.target.hasClass("bundle")) openBundle(ev.target); else select(ev.target.id());
  });
  // A link from another page (/explorer?id=Enterprise:...) opens that node once the purpose is
  // given; the id waits in sessionStorage through the sign-in and the purpose form.
  const open = store.getItem("open");
  if (open) { store.removeItem("open"); focus(open); }
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  if (params.has("id")) store.setItem("open", params.get("id").slice(0, 200));
  if (!CONFIG.clientId) { app.replaceChildren(el("p", { class: "error" }, T.no_client)); return; }
  try {
    if (params.has("code")) await finishSignIn(params);
  } catch (err) { app.replaceChildren(el("p", { class: "error" }, T.error + err.message)); }
  if (!store.getItem("token")) {
    app.replaceChildren(el("button", { id: "sign-in", onclick: signIn }, T.sign_in));
    return;
  }
  const me = (await gql("{ me { subject role } }", {})).me;
  ROLE = me.role;
  account.replaceChildren(T.signed_in_as + me.subject + " (" + me.role + ") ",
    el("button", { id: "sign-out", onclick: signOut }, T.sign_out));
  investigation();
}

main();
