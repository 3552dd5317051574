"""supervision(level, area, since, until): the figures of an area 多级监管, one statement each.

The heavy figures (ROLLED: every cylinder, household, delivery, filling and tested batch) are
read from the rollup (hub/supervision/rollup.py) where it holds the caller's rows exactly: for a
caller with no row rules on the types a figure counts, and for a district-bound one on the
figures whose rows are their area's (DISTRICT_EXACT); otherwise, and on a graph never rolled
up, they are counted live like the others. `asOf` says when the rollup was counted.

What each figure needs to read is declared in the policy (`DERIVED_NEEDS`, "supervision:<name>"):
a role that may not read every type a figure is made of gets null for it. Every row passes the
caller's row rules (a district-bound client counts its district only). A count that is about
households or people (households, deliveries, cylinders in homes, incidents) below the setting
`hub_supervision_min_cell` is shown as "< N" to every role but the police, and a share built on
such a count is withheld (docs/supervision.md).
"""

from __future__ import annotations

import asyncio
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from hub.access import policy
from hub.access.principal import Principal, Role
from hub.clock import FUZHOU
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import supervision_repo as repo
from hub.graph import supervision_rollup_repo as rollup_repo
from hub.graph.row_scopes import visible
from hub.resolvers import supervision_cells as cells_of

LEVELS = (repo.CITY, repo.DISTRICT, repo.STREET)
DISTRICT_CODE = re.compile(r"^3501\d{2}$")
MAX_STREET = 40
MAX_WINDOW_DAYS = 3 * 366
DEFAULT_MONTHS = 12
# Figures whose counts are about households or people (and so are suppressed below the cell).
PERSONAL = frozenset({"cylinders", "households", "deliveries", "incidents", "tips"})
FIELD = "supervision"
# Figures read from the rollup, and the cells each folds.
ROLLED: dict[str, tuple[str, ...]] = {
    "cylinders": ("cylinders",),
    "households": ("households",),
    "deliveries": ("deliveries", "unregistered"),
    "fillings": ("fillings",),
    "food": ("food",),
}
# Those whose rows a district-bound caller reads are its district's cells: its district's rows
# (and, for fillings, those of its district's cylinders: the cells keep the cylinder's
# district). A tested batch's figures depend on which shipments and sales of it the caller may
# see, so food is counted live for it.
DISTRICT_EXACT = frozenset({"cylinders", "households", "deliveries", "fillings"})


@dataclass(frozen=True)
class Request:
    """One supervision question, checked: the level, the area's district and street, the window."""

    level: str
    district: str | None
    street: str | None
    since: date
    until: date

    @property
    def area(self) -> str:
        if self.level == repo.CITY:
            return "3501"
        if self.level == repo.DISTRICT:
            return str(self.district)
        return f"{self.district}/{self.street}"


def _bad(message: str, field: str) -> BadUserInput:
    return BadUserInput(message, field=FIELD + "." + field)


def request(
    level: str, area: str | None, since: date | None, until: date | None, today: date
) -> Request:
    """The question, or BAD_USER_INPUT naming the argument."""
    district = street = None
    if level == repo.DISTRICT:
        if area is None or not DISTRICT_CODE.match(area):
            raise _bad("a DISTRICT area is a district code such as 350102", "area")
        district = area
    elif level == repo.STREET:
        parts = (area or "").split("/", 1)
        if len(parts) != 2 or not DISTRICT_CODE.match(parts[0]) or not parts[1].strip():
            raise _bad("a STREET area is a district code and a street, as 350102/东街街道", "area")
        if len(parts[1]) > MAX_STREET:
            raise _bad(f"a street name has at most {MAX_STREET} characters", "area")
        district, street = parts[0], parts[1]
    elif area not in (None, "3501"):
        raise _bad("the CITY level takes no area (or 3501, the city)", "area")
    end = until or today
    start = since or _months_back(end, DEFAULT_MONTHS - 1)
    if start > end:
        raise _bad("since is after until", "since")
    if (end - start).days > MAX_WINDOW_DAYS:
        raise _bad("the window is at most three years", "since")
    return Request(level, district, street, start, end)


def _months_back(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _params(principal: Principal, req: Request, today: date) -> dict[str, Any]:
    start = datetime.combine(req.since, time(), FUZHOU)
    end = datetime.combine(req.until + timedelta(days=1), time(), FUZHOU)
    return {
        "today": today,
        "dueBy": today + timedelta(days=repo.DUE_WITHIN_DAYS),
        "since": req.since,
        "until": req.until,
        "sinceT": start,
        "untilT": end,
        "district": req.district,
        "street": req.street,
        "scopeEnterprise": principal.enterprise,
        "scopeDistrict": principal.district,
        "worstLimit": repo.WORST_LIMIT,
    }


class _View:
    """The caller's row predicates, spliced into the statements."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def scope(self, type_name: str, var: str) -> str:
        return "(" + visible(policy.visible_scopes(self.principal, type_name), var) + ")"


def statement(name: str, level: str, principal: Principal) -> str:
    view = _View(principal)
    area = repo.Area(level)
    builders = {
        "cylinders": lambda: repo.cylinders(area, view.scope),
        "households": lambda: repo.households(area, view.scope),
        "deliveries": lambda: repo.deliveries(area, view.scope),
        "fillings": lambda: repo.fillings(area, view.scope),
        "incidents": lambda: repo.incidents(area, view.scope),
        "alerts": lambda: repo.alerts(area, view.scope),
        "tips": lambda: repo.tips(area, view.scope),
        "food": lambda: repo.food(area, view.scope),
        "stations": lambda: repo.worst_stations(area, view.scope),
        "distributors": lambda: repo.worst_distributors(area, view.scope),
        "markets": lambda: repo.worst_markets(area, view.scope),
    }
    return builders[name]()


class Cells:
    """Turns the database's counts into cells: "< N" below the threshold where it applies."""

    def __init__(self, principal: Principal, min_cell: int, figure: str) -> None:
        self.min = min_cell
        self.on = figure in PERSONAL and principal.role is not Role.POLICE

    def small(self, n: int) -> bool:
        return self.on and n < self.min

    def count(self, n: int) -> dict[str, Any]:
        if self.small(n):
            return {"value": None, "text": f"< {self.min}", "suppressed": True}
        return {"value": n, "text": str(n), "suppressed": False}

    def share(self, part: int, whole: int) -> float | None:
        if whole == 0 or self.small(part) or self.small(whole - part):
            return None
        return round(part / whole, 4)

    def share_text(self, part: int, whole: int) -> str:
        """The share as a reader may see it: exact ("97.5%"), or where a small cell would follow
        from it, only the bound that cell's "< N" already gives ("≥ 98.8%", "≤ 1.2%"); "—"
        with no whole or when both sides are small."""
        if whole == 0 or (self.small(part) and self.small(whole - part)):
            return "—"
        if self.small(whole - part):
            low = (whole - (self.min - 1)) / whole
            return f"≥ {math.floor(low * 1000) / 10:.1f}%"
        if self.small(part):
            high = (self.min - 1) / whole
            return f"≤ {math.ceil(high * 1000) / 10:.1f}%"
        return f"{part / whole * 100:.1f}%"

    def series(self, months: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
        """One series per `names` entry (series name -> the month cell's key), months in order."""
        ordered = sorted((m for m in months if m.get("month")), key=lambda m: m["month"])
        return [
            {
                "name": name,
                "points": [{"month": m["month"], "count": self.count(m[key])} for m in ordered],
            }
            for name, key in names.items()
        ]


def _keyed(cells: Cells, totals: dict[str, int]) -> list[dict[str, Any]]:
    return [{"key": k, "count": cells.count(n)} for k, n in sorted(totals.items())]


def shape(name: str, rows: list[dict[str, Any]], cells: Cells) -> list[dict[str, Any]]:
    """The rows of figure `name` as the API gives them."""
    out: list[dict[str, Any]] = []
    for r in rows:
        row: dict[str, Any]
        c = cells.count
        if name == "cylinders":
            live = r["inService"] + r["due"] + r["overdue"]
            row = {k: c(r[k]) for k in ("total", "inService", "due", "overdue", "scrapped",
                                        "seized", "unlocated")}  # fmt: skip
            row["onTimeShare"] = cells.share(r["inService"] + r["due"], live)
            row["onTimeShareText"] = cells.share_text(r["inService"] + r["due"], live)
            row["series"] = cells.series(r["months"], {"fellDue": "count"})
        elif name == "households":
            row = {"households": c(r["households"]), "registered": c(r["registered"])}
            row["unregistered"] = c(r["households"] - r["registered"])
            row["registeredShare"] = cells.share(r["registered"], r["households"])
            row["registeredShareText"] = cells.share_text(r["registered"], r["households"])
            row["series"] = cells.series(r["months"], {"registrations": "count"})
        elif name == "deliveries":
            row = {k: c(r[k]) for k in ("deliveries", "toUnregistered", "unregisteredHouseholds")}
            row["series"] = cells.series(
                r["months"], {"deliveries": "count", "toUnregistered": "toUnregistered"}
            )
        elif name == "fillings":
            row = {k: c(r[k]) for k in ("fillings", "whileOverdue", "outsideOwner")}
            row["series"] = cells.series(
                r["months"],
                {"fillings": "count", "whileOverdue": "whileOverdue",
                 "outsideOwner": "outsideOwner"},
            )  # fmt: skip
        elif name == "incidents":
            kinds: dict[str, int] = {}
            severities: dict[str, int] = {}
            months: dict[str, int] = {}
            for cell in r["cells"]:
                kinds[cell["kind"] or "?"] = kinds.get(cell["kind"] or "?", 0) + cell["count"]
                sev = cell["severity"] or "?"
                severities[sev] = severities.get(sev, 0) + cell["count"]
                months[cell["month"]] = months.get(cell["month"], 0) + cell["count"]
            row = {
                "total": c(sum(kinds.values())),
                "byKind": _keyed(cells, kinds),
                "bySeverity": _keyed(cells, severities),
                "series": cells.series(
                    [{"month": m, "count": n} for m, n in months.items()], {"incidents": "count"}
                ),
            }
        elif name in ("alerts", "tips"):
            keys: dict[str, int] = {}
            per_month: dict[str, int] = {}
            for cell in r["cells"]:
                key = cell["key"] or "?"
                keys[key] = keys.get(key, 0) + cell["count"]
                per_month[cell["month"]] = per_month.get(cell["month"], 0) + cell["count"]
            row = {
                "total": c(sum(keys.values())),
                ("byRule" if name == "alerts" else "byCategory"): _keyed(cells, keys),
                "series": cells.series(
                    [{"month": m, "count": n} for m, n in per_month.items()], {name: "count"}
                ),
            }
        else:  # food
            row = {k: c(r[k]) for k in ("tested", "failed", "traced", "recalls")}
            row["failedShare"] = cells.share(r["failed"], r["tested"])
            row["failedShareText"] = cells.share_text(r["failed"], r["tested"])
            row["tracedShare"] = cells.share(r["traced"], r["tested"])
            row["tracedShareText"] = cells.share_text(r["traced"], r["tested"])
            row["series"] = cells.series(r["months"], {"tested": "count", "failed": "failed"})
        row["area"] = r["area"]
        out.append(row)
    return out


def worst(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        r | {"parts": [{"key": k, "value": v} for k, v in sorted(r["parts"].items())]} for r in rows
    ]


def withheld(role: Role) -> list[str]:
    return [n for n in FIGURES if not policy.can_derive(role, "supervision:" + n)]


FIGURES = (
    "cylinders", "households", "deliveries", "fillings", "incidents", "alerts", "tips", "food",
    "stations", "distributors", "markets",
)  # fmt: skip


def rolled_up(principal: Principal, name: str) -> bool:
    """Whether the rollup holds exactly the rows of figure `name` the caller may count."""
    if name not in ROLLED or principal.enterprise:
        return False
    needs = policy.DERIVED_NEEDS["supervision:" + name]
    scopes = {t: policy.row_scopes(principal, t) for t in needs}
    if all(s == () for s in scopes.values()):
        return True
    return (
        name in DISTRICT_EXACT
        and principal.district is not None
        and all(s == (policy.BY_DISTRICT[t],) for t, s in scopes.items())
    )


async def rollup(info: Info, root: dict[str, Any]) -> dict[str, Any] | None:
    """The rollup this request answers from (read once per request), or None."""
    task: asyncio.Future[dict[str, Any] | None] | None = root.get("rollup")
    if task is None:
        runtime = getattr(info.context.request.app.state, "runtime", None)
        if runtime is None:
            return None
        wait = info.context.settings.hub_request_deadline_s / 2
        task = root["rollup"] = asyncio.ensure_future(runtime.supervision.current(wait))
    return await task


async def _folded(
    info: Info, req: Request, name: str, gen: str, today: date
) -> list[dict[str, Any]]:
    """Figure `name`'s rows from the rollup's cells (hub/resolvers/supervision_cells.py)."""
    principal = info.context.principal
    district = principal.district
    if district is not None and req.level != repo.CITY and req.district != district:
        return []  # another district's: as if it did not exist
    found = await info.context.graph.read(
        rollup_repo.cells, gen, ROLLED[name], district or req.district
    )
    return fold(name, [row["cell"] for row in found], req, today, district)


def fold(
    name: str,
    found: list[dict[str, Any]],
    req: Request,
    today: date,
    bound_to: str | None = None,
) -> list[dict[str, Any]]:
    """Figure `name`'s rows, as its live statement gives them, from the rollup's cells."""
    by_figure: dict[str, list[dict[str, Any]]] = {f: [] for f in ROLLED[name]}
    for cell in found:
        by_figure[cell["figure"]].append(cell)
    q = cells_of.Question(req.level, req.district, req.street, req.since, req.until)
    if name == "cylinders":
        due_by = today + timedelta(days=repo.DUE_WITHIN_DAYS)
        return cells_of.cylinders(by_figure["cylinders"], q, today, due_by)
    if name == "deliveries":
        return cells_of.deliveries(by_figure["deliveries"], by_figure["unregistered"], q)
    if name == "fillings":
        return cells_of.fillings(by_figure["fillings"], q, bound_to)
    folds = {"households": cells_of.households, "food": cells_of.food}
    return folds[name](by_figure[name], q)


async def figure(info: Info, root: dict[str, Any], name: str) -> list[dict[str, Any]] | None:
    """One figure of the question in `root`: null when the role may not be given it."""
    ctx = info.context
    principal = ctx.principal
    if not policy.can_derive(principal.role, "supervision:" + name):
        return None
    req: Request = root["request"]
    today = ctx.graph.clock.today()
    current = await rollup(info, root) if rolled_up(principal, name) else None
    if current is not None:
        rows = await _folded(info, req, name, current["gen"], today)
    else:
        params = _params(principal, req, today)
        rows = await ctx.graph.read(repo.run, statement(name, req.level, principal), params)
    if name in ("stations", "distributors", "markets"):
        return worst(rows)
    return shape(name, rows, Cells(principal, ctx.settings.hub_supervision_min_cell, name))


def supervision(
    info: Info, level: str, area: str | None, since: date | None, until: date | None
) -> dict[str, Any]:
    ctx = info.context
    req = request(level, area, since, until, ctx.graph.clock.today())
    return {
        "request": req,
        "level": req.level,
        "area": req.area,
        "since": req.since,
        "until": req.until,
        "minCell": ctx.settings.hub_supervision_min_cell,
        "withheld": withheld(ctx.principal.role),
        "rollup": None,  # read by the first figure that needs it (`rollup`)
    }


async def as_of(info: Info, root: dict[str, Any]) -> str | None:
    """When the rolled-up figures this caller gets were counted; None when none of them came
    from the rollup (they were counted live for this request)."""
    principal = info.context.principal
    if not any(
        rolled_up(principal, n) and policy.can_derive(principal.role, "supervision:" + n)
        for n in ROLLED
    ):
        return None
    current = await rollup(info, root)
    return None if current is None else current["asOf"].iso_format()
