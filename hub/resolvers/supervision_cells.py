"""The rollup's cells folded into a figure's rows 监管汇总, as the live statements give them.

Each function takes the cells of one figure (hub/graph/supervision_rollup_repo.py: one per
district, parallel lists), the question (level, area, window) and the clock's today, and returns
the rows the figure's live statement in hub/graph/supervision_repo.py returns over the graph as
of the refresh: one per area, ordered by area (the area-less row last), with the same counts and
monthly cells, which `shape` then turns into the API's figures. A window's days and "today"
come from the question, so any window and any day are answered exactly from the same cells.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from typing import Any

CITY, DISTRICT, STREET = "CITY", "DISTRICT", "STREET"
KEPT = ("SCRAPPED", "SEIZED")


class Question:
    """Where and when: which cells' entries belong to which area, and which days count."""

    def __init__(
        self, level: str, district: str | None, street: str | None, since: date, until: date
    ) -> None:
        self.level, self.district, self.street = level, district, street
        self.since, self.until = since, until

    def area(self, district: str, street: str | None) -> tuple[bool, str | None]:
        """Whether an entry of (district, street) is in the question's area, and its row's
        key. A figure whose entries have no street passes None: its rows are the district's
        (at the district level, one row with no area) and a street has none."""
        d = district or None
        s = street or None
        if self.level == CITY:
            return True, d
        if d != self.district:
            return False, None
        if self.level == DISTRICT:
            return True, s
        return (street is not None and s == self.street), s

    def within(self, day: date) -> bool:
        return self.since <= day <= self.until


def _entries(cells: list[dict[str, Any]], q: Question, *lists: str) -> Iterator[tuple[Any, ...]]:
    """(area key, the entry's values of `lists`...) for each entry of the cells in the area."""
    for cell in cells:
        streets = cell.get("street")
        columns = [cell[name] for name in lists]
        for i in range(len(columns[0]) if columns else 0):
            inside, key = q.area(cell["district"], streets[i] if streets is not None else None)
            if inside:
                yield (key, *(c[i] for c in columns))


def _month(day: date) -> str:
    return day.isoformat()[:7]


def _ordered(rows: dict[str | None, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by area as Cypher's ORDER BY puts them: the area-less row last."""
    return [rows[k] | {"area": k} for k in sorted(rows, key=lambda a: (a is None, a or ""))]


def cylinders(
    cells: list[dict[str, Any]], q: Question, today: date, due_by: date
) -> list[dict[str, Any]]:
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, stored, nowhere, day, n in _entries(cells, q, "status", "nowhere", "day", "n"):
        if stored in KEPT:
            st = stored
        elif stored == "OVERDUE" or day < today:
            st = "overdue"
        elif stored == "DUE" or day <= due_by:
            st = "due"
        else:
            st = "inService"
        row = rows.setdefault(key, dict.fromkeys(
            ("total", "inService", "due", "overdue", "SCRAPPED", "SEIZED", "unlocated"), 0
        ))  # fmt: skip
        row["total"] += n
        row[st] += n
        if stored not in KEPT:
            row["unlocated"] += n if nowhere else 0
            if q.within(day):
                months[key][_month(day)] += n
    for key, row in rows.items():
        row["scrapped"], row["seized"] = row.pop("SCRAPPED"), row.pop("SEIZED")
        row["months"] = [{"month": m, "count": c} for m, c in sorted(months[key].items())]
    return _ordered(rows)


def households(cells: list[dict[str, Any]], q: Question) -> list[dict[str, Any]]:
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, registered, day, n in _entries(cells, q, "registered", "day", "n"):
        row = rows.setdefault(key, {"households": 0, "registered": 0})
        row["households"] += n
        row["registered"] += n if registered else 0
        if q.within(day):
            months[key][_month(day)] += n
    for key, row in rows.items():
        row["months"] = [{"month": m, "count": c} for m, c in sorted(months[key].items())]
    return _ordered(rows)


def deliveries(
    cells: list[dict[str, Any]], homes: list[dict[str, Any]], q: Question
) -> list[dict[str, Any]]:
    """`homes`: the cells of the households stamped deliveries reached, for how many."""
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for key, day, unreg, n in _entries(cells, q, "day", "unreg", "n"):
        if not q.within(day):
            continue
        row = rows.setdefault(key, {"deliveries": 0, "toUnregistered": 0})
        row["deliveries"] += n
        row["toUnregistered"] += n if unreg else 0
        cell = months[key][_month(day)]
        cell[0] += n
        cell[1] += n if unreg else 0
    reached: dict[str | None, set[str]] = defaultdict(set)
    for key, home, day in _entries(homes, q, "home", "day"):
        if q.within(day):
            reached[key].add(home)
    for key, row in rows.items():
        row["unregisteredHouseholds"] = len(reached[key])
        row["months"] = [
            {"month": m, "count": c[0], "toUnregistered": c[1]}
            for m, c in sorted(months[key].items())
        ]
    return _ordered(rows)


def fillings(cells: list[dict[str, Any]], q: Question) -> list[dict[str, Any]]:
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    for key, day, n, wo, oo in _entries(cells, q, "day", "n", "whileOverdue", "outsideOwner"):
        if not q.within(day):
            continue
        row = rows.setdefault(key, {"fillings": 0, "whileOverdue": 0, "outsideOwner": 0})
        row["fillings"] += n
        row["whileOverdue"] += wo
        row["outsideOwner"] += oo
        cell = months[key][_month(day)]
        cell[0] += n
        cell[1] += wo
        cell[2] += oo
    for key, row in rows.items():
        row["months"] = [
            {"month": m, "count": c[0], "whileOverdue": c[1], "outsideOwner": c[2]}
            for m, c in sorted(months[key].items())
        ]
    return _ordered(rows)


def food(cells: list[dict[str, Any]], q: Question) -> list[dict[str, Any]]:
    """A batch counts once per area and month of its tests in the window: failed if any of
    them failed, a recall if any failed test's market shipped it on after."""
    groups: dict[tuple[str | None, str, str], list[bool]] = {}
    for key, day, batch, failed, recalled, traced in _entries(
        cells, q, "day", "batch", "failed", "recalled", "traced"
    ):
        if not q.within(day):
            continue
        g = groups.setdefault((key, _month(day), batch), [False, False, traced])
        g[0] = g[0] or failed
        g[1] = g[1] or recalled
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for (key, month, _), (failed, recalled, traced) in groups.items():
        row = rows.setdefault(key, {"tested": 0, "failed": 0, "traced": 0, "recalls": 0})
        row["tested"] += 1
        row["failed"] += int(failed)
        row["recalls"] += int(recalled)
        row["traced"] += int(traced)
        cell = months[key][month]
        cell[0] += 1
        cell[1] += int(failed)
    for key, row in rows.items():
        row["months"] = [
            {"month": m, "count": c[0], "failed": c[1]} for m, c in sorted(months[key].items())
        ]
    return _ordered(rows)
