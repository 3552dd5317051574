// The supervision page: signs in (hub.js), asks supervision(level, area) and shows a tile per
// area, a monthly chart (Apache ECharts), the figures' table and the worst ten, each table with
// a CSV export. A tile drills down: the city to a district, a district to a street.
"use strict";

const { CONFIG, T, el } = Hub;
const store = window.sessionStorage;
const { signIn, finishSignIn, signOut, gql } = Hub.session(store);
const app = document.getElementById("app");
const account = document.getElementById("account");

const CELL = "{ value text suppressed }";
const SERIES = "series { name points { month count { value } } }";
const RANKED = "{ id uscc name district score parts { key value } }";
const QUERY = `query($level: SupervisionLevel!, $area: String) {
  supervision(level: $level, area: $area) {
    level area since until minCell withheld asOf
    cylinders { area total ${CELL} unlocated ${CELL} onTimeShare onTimeShareText }
    households { area households ${CELL} registeredShare registeredShareText ${SERIES} }
    deliveries { area toUnregistered ${CELL} ${SERIES} }
    fillings { area whileOverdue ${CELL} outsideOwner ${CELL} ${SERIES} }
    incidents { area total ${CELL} ${SERIES} }
    alerts { area total ${CELL} byRule { key count ${CELL} } ${SERIES} }
    tips { area total ${CELL} byCategory { key count ${CELL} } }
    food { area tested ${CELL} failedShare failedShareText tracedShare tracedShareText recalls ${CELL} ${SERIES} }
    worstStations ${RANKED}
    worstDistributors ${RANKED}
    worstMarkets ${RANKED}
  }
}`;

// Columns of the figures table: [key, label, how to read a row of the merged areas].
const COLUMNS = [
  ["households", T.households, (r) => cell(r.households, "households")],
  ["registeredShare", T.registered_share, (r) => share(r.households, "registeredShare")],
  ["cylinders", T.cylinders, (r) => cell(r.cylinders, "total")],
  ["onTimeShare", T.on_time_share, (r) => share(r.cylinders, "onTimeShare")],
  ["unlocated", T.unlocated, (r) => cell(r.cylinders, "unlocated")],
  ["toUnregistered", T.to_unregistered, (r) => cell(r.deliveries, "toUnregistered")],
  ["whileOverdue", T.while_overdue, (r) => cell(r.fillings, "whileOverdue")],
  ["outsideOwner", T.outside_owner, (r) => cell(r.fillings, "outsideOwner")],
  ["incidents", T.incidents, (r) => cell(r.incidents, "total")],
  ["alerts", T.alerts, (r) => cell(r.alerts, "total")],
  ["tips", T.tips, (r) => cell(r.tips, "total")],
  ["tested", T.tested, (r) => cell(r.food, "tested")],
  ["failedShare", T.failed_share, (r) => share(r.food, "failedShare")],
  ["tracedShare", T.traced_share, (r) => share(r.food, "tracedShare")],
  ["recalls", T.recalls, (r) => cell(r.food, "recalls")],
];
const FIGURES = ["cylinders", "households", "deliveries", "fillings", "incidents", "alerts", "tips", "food"];
const TRENDS = [
  ["households", "registrations"], ["deliveries", "toUnregistered"],
  ["fillings", "whileOverdue"], ["incidents", "incidents"], ["alerts", "alerts"], ["food", "failed"],
];

function cell(row, key) { return row && row[key] ? row[key].text : "—"; }
// A share as the hub words it: exact, or the bound a small cell allows ("≥ 98.8%").
function share(row, key) { return row && row[key + "Text"] ? row[key + "Text"] : "—"; }

function placeName(level, area) {
  if (level === "CITY") return CONFIG.districts[area] || area;
  return area === null ? T.no_street : area;
}

// The merged rows: one per area, each figure's row under its name.
function merge(s) {
  const byArea = new Map();
  for (const f of FIGURES) {
    for (const row of s[f] || []) {
      const key = row.area === null ? "" : row.area;
      if (!byArea.has(key)) byArea.set(key, { area: row.area });
      byArea.get(key)[f] = row;
    }
  }
  return [...byArea.values()].sort((a, b) => String(a.area).localeCompare(String(b.area)));
}

function csv(rows) {
  const quote = (v) => '"' + String(v === null || v === undefined ? "" : v).replace(/"/g, '""') + '"';
  return "\ufeff" + rows.map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
}

function exportButton(name, rows) {
  return el("button", {
    class: "export", "data-table": name,
    onclick: () => {
      const url = URL.createObjectURL(new Blob([csv(rows)], { type: "text/csv;charset=utf-8" }));
      const a = el("a", { href: url, download: name + ".csv" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    },
  }, T.export);
}

function crumbs(state) {
  const parts = [el("a", { href: "#", onclick: (e) => { e.preventDefault(); show({ level: "CITY" }); } },
    T.city)];
  if (state.district) {
    parts.push(" › ", el("a", {
      href: "#", onclick: (e) => { e.preventDefault(); show({ level: "DISTRICT", district: state.district }); },
    }, CONFIG.districts[state.district] || state.district));
  }
  if (state.street) parts.push(" › ", state.street);
  return el("nav", { id: "crumbs" }, ...parts);
}

function drill(state, area) {
  if (state.level === "CITY") return { level: "DISTRICT", district: area };
  if (state.level === "DISTRICT" && area !== null) {
    return { level: "STREET", district: state.district, street: area };
  }
  return null;
}

// Tiles worst first: the lowest real-name registration rate leads (a withheld rate goes last).
function worstFirst(rows) {
  const rate = (r) => {
    const h = r.households;
    if (!h) return 2;
    if (h.registeredShare !== null) return h.registeredShare;
    const bound = /([\d.]+)%/.exec(h.registeredShareText || "");
    return bound ? Number(bound[1]) / 100 : 2;
  };
  return [...rows].sort((a, b) => rate(a) - rate(b));
}

function tiles(state, rows) {
  return el("section", { id: "tiles", title: T.worst_first }, ...worstFirst(rows).map((r) => {
    const next = drill(state, r.area);
    return el("button", {
      class: "tile", "data-area": r.area === null ? "" : r.area, disabled: next ? null : "disabled",
      onclick: next ? () => show(next) : null,
    },
    el("strong", {}, placeName(state.level, r.area)),
    el("span", { class: "big" }, share(r.households, "registeredShare")),
    el("small", {}, T.registered_share),
    el("span", {}, T.on_time_share + " " + share(r.cylinders, "onTimeShare")),
    el("span", {}, T.to_unregistered + " " + cell(r.deliveries, "toUnregistered")),
    el("span", {}, T.while_overdue + " " + cell(r.fillings, "whileOverdue")));
  }));
}

function trend(s) {
  const months = new Set();
  const lines = [];
  for (const [figure, name] of TRENDS) {
    const totals = new Map();
    for (const row of s[figure] || []) {
      for (const series of row.series.filter((x) => x.name === name)) {
        for (const p of series.points) {
          months.add(p.month);
          const v = p.count.value;
          totals.set(p.month, v === null || totals.get(p.month) === null ? null : (totals.get(p.month) || 0) + v);
        }
      }
    }
    if (s[figure]) lines.push({ name: T["series_" + name], totals });
  }
  const axis = [...months].sort();
  const box = el("div", { id: "chart" });
  const section = el("section", {}, el("h2", {}, T.trend), box);
  requestAnimationFrame(() => {
    const chart = echarts.init(box);
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 48, bottom: 28 },
      xAxis: { type: "category", data: axis },
      yAxis: { type: "value", minInterval: 1 },
      series: lines.map((l) => ({
        name: l.name, type: "line", connectNulls: false,
        data: axis.map((m) => (l.totals.has(m) ? l.totals.get(m) : 0)),
      })),
    });
    window.addEventListener("resize", () => chart.resize());
  });
  return section;
}

function figuresTable(state, rows) {
  const head = [T.area, ...COLUMNS.map((c) => c[1])];
  const body = rows.map((r) => [placeName(state.level, r.area), ...COLUMNS.map((c) => c[2](r))]);
  return el("section", {},
    el("h2", {}, T.table, " ", exportButton("figures", [head, ...body])),
    el("div", { class: "scroll" }, el("table", { id: "figures" },
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
      el("tbody", {}, ...body.map((r) => el("tr", {}, ...r.map((v) => el("td", {}, v))))))));
}

function worstTable(name, title, ranked) {
  if (!ranked) return null;
  const head = [T.name, "USCC", T.district, T.score, T.parts];
  const parts = (e) => e.parts.map((p) => p.key + " " + p.value).join(", ");
  const rows = ranked.map((e) => [e.name, e.uscc, CONFIG.districts[e.district] || e.district, e.score, parts(e)]);
  return el("section", {},
    el("h2", {}, title, " ", exportButton(name, [head, ...rows])),
    ranked.length === 0 ? el("p", {}, T.none) : el("div", { class: "scroll" }, el("table", { id: name },
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
      el("tbody", {}, ...ranked.map((e, i) => el("tr", {},
        el("td", {}, el("a", {
          class: "open", href: "/explorer?lang=" + CONFIG.lang + "&id=" + encodeURIComponent(e.id),
          title: T.open, target: "_blank", rel: "noopener",
        }, e.name || e.uscc)),
        ...rows[i].slice(1).map((v) => el("td", {}, v))))))));
}

// The figures are read in one large statement: on a loaded server, or the first time the graph
// plans it, it can outrun the request's deadline (503). It is a read: asked once more at once,
// then offered again with a button.
async function ask(query, variables) {
  try {
    return await gql(query, variables);
  } catch (err) {
    if (!err.retry) throw err;
    return gql(query, variables);
  }
}

async function show(state) {
  app.replaceChildren(el("p", {}, T.loading));
  let s;
  try {
    const area = state.level === "CITY" ? null
      : state.level === "DISTRICT" ? state.district : state.district + "/" + state.street;
    s = (await ask(QUERY, { level: state.level, area })).supervision;
  } catch (err) {
    const again = el("button", { id: "retry", onclick: () => show(state) }, T.retry);
    app.replaceChildren(el("p", { class: "error" }, T.error + err.message),
      ...(err.retry ? [again] : []));
    return;
  }
  const rows = merge(s);
  app.replaceChildren(...[
    crumbs(state),
    el("p", { class: "note" }, T.window + s.since + " – " + s.until + " · "
      + T.min_cell.replaceAll("{n}", s.minCell)),
    s.asOf ? el("p", { class: "note", id: "as-of" },
      T.as_of.replaceAll("{t}", s.asOf.slice(0, 16).replace("T", " "))) : null,
    s.withheld.length ? el("p", { class: "note" }, T.withheld + s.withheld.join(", ")) : null,
    el("p", { class: "note" }, T.worst_first),
    tiles(state, rows),
    trend(s),
    figuresTable(state, rows),
    worstTable("worst-stations", T.worst_stations, s.worstStations),
    worstTable("worst-distributors", T.worst_distributors, s.worstDistributors),
    worstTable("worst-markets", T.worst_markets, s.worstMarkets),
  ].filter((part) => part !== null));
  app.dataset.level = state.level;
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  if (!CONFIG.clientId) { app.replaceChildren(el("p", { class: "error" }, T.no_client)); return; }
  try {
    if (params.has("code")) await finishSignIn(params);
  } catch (err) { app.replaceChildren(el("p", { class: "error" }, T.error + err.message)); }
  if (!store.getItem("token")) {
    app.replaceChildren(el("button", { id: "sign-in", onclick: signIn }, T.sign_in));
    return;
  }
  const me = (await gql("{ me { subject role district } }", {})).me;
  account.replaceChildren(T.signed_in_as + me.subject + " (" + me.role + ") ",
    el("button", { id: "sign-out", onclick: signOut }, T.sign_out));
  show(me.district ? { level: "DISTRICT", district: me.district } : { level: "CITY" });
}

main();
