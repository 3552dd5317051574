"""Cylinder facts the rules compute with (docs/domain.md): models, inspection periods, scrap."""

from __future__ import annotations

import re
from datetime import date, timedelta

# model -> (volume L, fill kg, tare kg)
MODELS: dict[str, tuple[float, float, float]] = {
    "YSP4.7": (4.7, 1.9, 4.2),
    "YSP12": (12.0, 5.0, 7.5),
    "YSP26.2": (26.2, 11.0, 13.0),
    "YSP35.5": (35.5, 14.9, 16.5),
    "YSP118": (118.0, 49.5, 47.0),
}
MODEL_SHAPE = re.compile(r"^YSP\d{1,3}(\.\d)?$", re.ASCII)
GB5842_FROM = date(2007, 2, 1)  # made from then on: 8-year design life + one 4-year extension
NOMINAL_PRESSURE_MPA = 2.1
DUE_SOON = timedelta(days=30)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def inspection_years(model: str) -> int:
    return 3 if model == "YSP118" else 4


def scrap_date(made: date) -> date:
    return add_years(made, 12 if made >= GB5842_FROM else 15)


def status_for(today: date, next_inspection: date, scrap: date) -> str:
    if scrap <= today:
        return "SCRAPPED"
    if next_inspection < today:
        return "OVERDUE"
    if next_inspection <= today + DUE_SOON:
        return "DUE"
    return "IN_SERVICE"
