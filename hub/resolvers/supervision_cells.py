"""The rollup's cells folded into a figure's rows 监管汇总, as the live statements give them.

Each function takes the cells of one figure (hub/graph/supervision_rollup_repo.py: one per
district, its groups and their counts per day), the question (level, area, window) and the
clock's today, and returns the rows the figure's live statement in
hub/graph/supervision_repo.py returns over the graph as of the refresh: one per area, ordered by
area (the area-less row last), with the same counts and monthly cells, which `shape` then turns
into the API's figures. A group's days are summed once (prefix sums), so that what a question
asks (before today, within 30 days, each month of the window) is a few binary searches per
group, whatever the number of days: any window and any today are answered exactly from the same
cells.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

CITY, DISTRICT, STREET = "CITY", "DISTRICT", "STREET"
KEPT = ("SCRAPPED", "SEIZED")
EPOCH = date(1970, 1, 1).toordinal()


def day_number(day: date) -> int:
    """A day as the cells count it (days since 1970-01-01)."""
    return day.toordinal() - EPOCH


class Question:
    """Where and when: which groups belong to which area, and the window's months as day
    numbers."""

    def __init__(
        self, level: str, district: str | None, street: str | None, since: date, until: date
    ) -> None:
        self.level, self.district, self.street = level, district, street
        self.since, self.until = day_number(since), day_number(until)
        self.months: list[tuple[str, int, int]] = []  # (YYYY-MM, first, last) inside the window
        first = since
        while first <= until:
            following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
            last = min(until, following - timedelta(days=1))
            self.months.append((first.isoformat()[:7], day_number(first), day_number(last)))
            first = following

    def area(self, district: str, street: str | None) -> tuple[bool, str | None]:
        """Whether a group of (district, street) is in the question's area, and its row's key.
        A figure with no street passes None: its rows are the district's (at the district
        level, one row with no area) and a street has none."""
        d = district or None
        s = street or None
        if self.level == CITY:
            return True, d
        if d != self.district:
            return False, None
        if self.level == DISTRICT:
            return True, s
        return (street is not None and s == self.street), s


class Days:
    """One group's counts per day, summed: how many fell before, up to, or between days."""

    def __init__(self, days: list[int], counts: list[int]) -> None:
        pairs = sorted(zip(days, counts, strict=True))
        self.days = [d for d, _ in pairs]
        self.cum = [0, *accumulate(n for _, n in pairs)]

    @property
    def total(self) -> int:
        return self.cum[-1]

    def before(self, day: int) -> int:
        return self.cum[bisect_left(self.days, day)]

    def up_to(self, day: int) -> int:
        return self.cum[bisect_right(self.days, day)]

    def between(self, first: int, last: int) -> int:
        return self.up_to(last) - self.before(first)

    def per_month(self, q: Question) -> Iterator[tuple[str, int]]:
        """(month, count) for each month of the window with any."""
        for month, first, last in q.months:
            n = self.between(first, last)
            if n:
                yield month, n


def _groups(
    cells: list[dict[str, Any]], q: Question, keys: tuple[str, ...], *counts: str
) -> Iterator[tuple[str | None, tuple[Any, ...], list[Days]]]:
    """(area key, the group's `keys` values, its `Days` per count list) for each group of the
    cells in the question's area."""
    for cell in cells:
        streets = cell.get("gStreet")
        start = 0
        for g, size in enumerate(cell["gSize"]):
            end = start + size
            inside, key = q.area(cell["district"], streets[g] if streets is not None else None)
            if inside:
                meta = tuple(cell[k][g] for k in keys)
                days = cell["day"][start:end]
                yield key, meta, [Days(days, cell[c][start:end]) for c in counts]
            start = end


def _ordered(rows: dict[str | None, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows by area as Cypher's ORDER BY puts them: the area-less row last."""
    return [rows[k] | {"area": k} for k in sorted(rows, key=lambda a: (a is None, a or ""))]


def _months(per: dict[str, list[int]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [
        {"month": m, **dict(zip(names, v, strict=True))} for m, v in sorted(per.items()) if v[0]
    ]


def cylinders(
    cells: list[dict[str, Any]], q: Question, today: date, due_by: date
) -> list[dict[str, Any]]:
    t, due = day_number(today), day_number(due_by)
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0]))
    for key, (stored, nowhere), (days,) in _groups(cells, q, ("gStatus", "gNowhere"), "n"):
        row = rows.setdefault(key, dict.fromkeys(
            ("total", "inService", "due", "overdue", "scrapped", "seized", "unlocated"), 0
        ))  # fmt: skip
        total = days.total
        row["total"] += total
        if stored in KEPT:
            row[stored.lower()] += total
            continue
        if stored == "OVERDUE":
            row["overdue"] += total
        else:
            late, soon = days.before(t), days.up_to(due)
            row["overdue"] += late
            row["due"] += (total if stored == "DUE" else soon) - late
            row["inService"] += 0 if stored == "DUE" else total - soon
        row["unlocated"] += total if nowhere else 0
        for month, n in days.per_month(q):
            months[key][month][0] += n
    for key, row in rows.items():
        row["months"] = _months(months[key], ("count",))
    return _ordered(rows)


def households(cells: list[dict[str, Any]], q: Question) -> list[dict[str, Any]]:
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0]))
    for key, (registered,), (days,) in _groups(cells, q, ("gRegistered",), "n"):
        row = rows.setdefault(key, {"households": 0, "registered": 0})
        row["households"] += days.total
        row["registered"] += days.total if registered else 0
        for month, n in days.per_month(q):
            months[key][month][0] += n
    for key, row in rows.items():
        row["months"] = _months(months[key], ("count",))
    return _ordered(rows)


def deliveries(
    cells: list[dict[str, Any]], homes: list[dict[str, Any]], q: Question
) -> list[dict[str, Any]]:
    """`homes`: the cells of the households stamped deliveries reached, for how many."""
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )
    for key, (unreg,), (days,) in _groups(cells, q, ("gUnregistered",), "n"):
        n = days.between(q.since, q.until)
        if not n:
            continue
        row = rows.setdefault(key, {"deliveries": 0, "toUnregistered": 0})
        row["deliveries"] += n
        row["toUnregistered"] += n if unreg else 0
        for month, m in days.per_month(q):
            months[key][month][0] += m
            months[key][month][1] += m if unreg else 0
    reached: dict[str | None, set[str]] = defaultdict(set)
    for cell in homes:
        for street, home, day in zip(cell["street"], cell["home"], cell["day"], strict=True):
            inside, key = q.area(cell["district"], street)
            if inside and q.since <= day <= q.until:
                reached[key].add(home)
    for key, row in rows.items():
        row["unregisteredHouseholds"] = len(reached[key])
        row["months"] = _months(months[key], ("count", "toUnregistered"))
    return _ordered(rows)


def fillings(
    cells: list[dict[str, Any]], q: Question, cylinders_of: str | None = None
) -> list[dict[str, Any]]:
    """`cylinders_of`: a district-bound caller's district, whose cylinders' fillings only it
    counts."""
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0, 0])
    )
    names = ("fillings", "whileOverdue", "outsideOwner")
    for key, (of,), parts in _groups(cells, q, ("gCylinder",), "n", "whileOverdue", "outsideOwner"):
        if cylinders_of is not None and of != cylinders_of:
            continue
        counts = [d.between(q.since, q.until) for d in parts]
        if not counts[0]:
            continue
        row = rows.setdefault(key, dict.fromkeys(names, 0))
        for name, n in zip(names, counts, strict=True):
            row[name] += n
        for month, first, last in q.months:
            for i, d in enumerate(parts):
                months[key][month][i] += d.between(first, last)
    for key, row in rows.items():
        row["months"] = _months(months[key], ("count", "whileOverdue", "outsideOwner"))
    return _ordered(rows)


def food(cells: list[dict[str, Any]], q: Question) -> list[dict[str, Any]]:
    """A batch counts once per area and month of its tests in the window: failed if any of
    them failed, a recall if any failed test's market shipped it on after."""
    rows: dict[str | None, dict[str, Any]] = {}
    months: dict[str | None, dict[str, list[int]]] = defaultdict(
        lambda: defaultdict(lambda: [0, 0])
    )

    def count(
        key: str | None, month: str, n: int, failed: bool, recalled: bool, traced: bool
    ) -> None:
        row = rows.setdefault(key, {"tested": 0, "failed": 0, "traced": 0, "recalls": 0})
        row["tested"] += n
        row["failed"] += n if failed else 0
        row["recalls"] += n if recalled else 0
        row["traced"] += n if traced else 0
        months[key][month][0] += n
        months[key][month][1] += n if failed else 0

    flags = ("gFailed", "gRecalled", "gTraced")
    for key, (failed, recalled, traced), (days,) in _groups(cells, q, flags, "n"):
        for month, n in days.per_month(q):
            count(key, month, n, failed, recalled, traced)
    batches: dict[tuple[str | None, str, str], list[bool]] = {}
    for cell in cells:
        inside, key = q.area(cell["district"], None)
        if not inside:
            continue
        for batch, traced, day, failed, recalled in zip(
            cell["mBatch"], cell["mTraced"], cell["mDay"], cell["mFailed"], cell["mRecalled"],
            strict=True,
        ):  # fmt: skip
            within = next((m for m, a, b in q.months if a <= day <= b), None)
            if within is not None:
                seen = batches.setdefault((key, within, batch), [False, False, traced])
                seen[0], seen[1] = seen[0] or failed, seen[1] or recalled
    for (key, month, _), (failed, recalled, traced) in batches.items():
        count(key, month, 1, failed, recalled, traced)
    for key, row in rows.items():
        row["months"] = _months(months[key], ("count", "failed"))
    return _ordered(rows)
