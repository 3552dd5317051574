"""Reading one input item: shapes, identifiers, times and text, each bad field an ItemError.

Nothing here touches the graph; what a field refers to is checked later, in one read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from hub.clock import FUZHOU
from hub.identifiers import (
    KEY,
    check_mobile,
    check_plate,
    check_resident_id,
    check_service_phone,
    check_uscc,
)
from hub.ingest.codes import Code, ItemError
from hub.temporal import parse_moment

DISTRICT = re.compile(r"^\d{6}$", re.ASCII)
# Unicode's control characters (category Cc), exactly: U+0000-U+001F and U+007F-U+009F.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
NAME_MAX = 200
TEXT_MAX = 1000
SHORT_MAX = 64


@dataclass(frozen=True)
class Moment:
    """The moment a batch is judged at (the hub's clock, in Fuzhou), and how far ahead a
    client's clock may run."""

    now: datetime
    skew: timedelta

    @property
    def today(self) -> date:
        return self.now.date()  # `now` carries +08:00, so this is Fuzhou's day


class Fields:
    """The fields of one item; every `get`-style method records its own error and returns None."""

    def __init__(self, raw: dict[str, Any], moment: Moment, prefix: str = "") -> None:
        self.raw = raw
        self.moment = moment
        self.prefix = prefix
        self.errors: list[ItemError] = []

    def error(self, name: str | None, code: Code, message: str) -> None:
        self.errors.append(ItemError(self.prefix + name if name else None, code, message))

    def nested(self, name: str) -> Fields | None:
        value = self.raw.get(name)
        if value is None:
            self.error(name, Code.MISSING, f"{name} is required")
            return None
        sub = Fields(value, self.moment, self.prefix + name + ".")
        sub.errors = self.errors  # one list per item
        return sub

    def _present(self, name: str, required: bool) -> Any:
        value = self.raw.get(name)
        if value is None or value == "":
            if required:
                self.error(name, Code.MISSING, f"{name} is required")
            return None
        return value

    def text(self, name: str, max_len: int = NAME_MAX, required: bool = True) -> str | None:
        value = self._present(name, required)
        if value is None:
            return None
        text = str(value)
        if len(text) > max_len:
            self.error(name, Code.TOO_LONG, f"{name} has {len(text)} characters; at most {max_len}")
            return None
        if CONTROL.search(text):
            self.error(name, Code.INVALID_TEXT, f"{name} holds control characters")
            return None
        if text != text.strip():
            self.error(name, Code.INVALID_TEXT, f"{name} starts or ends with white space")
            return None
        return text

    def key(self, name: str, required: bool = True) -> str | None:
        value = self.text(name, SHORT_MAX, required)
        if value is not None and not KEY.match(value):
            self.error(
                name,
                Code.INVALID_IDENTIFIER,
                f"{name} is 1-64 letters, digits and . _ : - starting with a letter or digit",
            )
            return None
        return value

    def _checked(self, name: str, required: bool, check: Any, max_len: int = 32) -> str | None:
        value = self.text(name, max_len, required)
        if value is None:
            return None
        reason = check(value)
        if reason:
            self.error(name, Code.INVALID_IDENTIFIER, f"{name}: {reason}")
            return None
        return value

    def uscc(self, name: str, required: bool = True) -> str | None:
        return self._checked(name, required, check_uscc)

    def resident_id(self, name: str, required: bool = True) -> str | None:
        return self._checked(name, required, lambda v: check_resident_id(v, self.moment.today))

    def plate(self, name: str, required: bool = True) -> str | None:
        return self._checked(name, required, check_plate)

    def mobile(self, name: str, required: bool = True) -> str | None:
        return self._checked(name, required, check_mobile)

    def service_phone(self, name: str, required: bool = True) -> str | None:
        return self._checked(name, required, check_service_phone)

    def district(self, name: str = "district") -> str | None:
        value = self.text(name, 6)
        if value is not None and not DISTRICT.match(value):
            self.error(name, Code.INVALID_VALUE, f"{name} is a 6-digit GB/T 2260 code (350102)")
            return None
        return value

    def time(self, name: str = "time", required: bool = True) -> datetime | None:
        value = self.text(name, SHORT_MAX, required)
        if value is None:
            return None
        try:
            parsed = parse_moment(value)
        except ValueError as exc:
            self.error(name, Code.INVALID_TIME, f"{name}: {exc}")
            return None
        if parsed > self.moment.now + self.moment.skew:
            self.error(name, Code.INVALID_TIME, f"{name} is in the future")
            return None
        # Stored in Fuzhou's offset, whatever the client sent: an event's day is Fuzhou's day.
        return parsed.astimezone(FUZHOU)

    def date(self, name: str, required: bool = True, future_ok: bool = False) -> date | None:
        value = self.text(name, SHORT_MAX, required)
        if value is None:
            return None
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            self.error(name, Code.INVALID_TIME, f"{name} is an ISO 8601 date: 2026-11-28")
            return None
        if not future_ok and parsed > self.moment.today:
            self.error(name, Code.INVALID_TIME, f"{name} is in the future")
            return None
        return parsed

    def number(self, name: str, low: float, high: float, required: bool = True) -> float | None:
        value = self._present(name, required)
        if value is None:
            return None
        number = float(value)
        if not low <= number <= high:
            self.error(name, Code.INVALID_VALUE, f"{name} is between {low:g} and {high:g}")
            return None
        return number

    def choice(self, name: str, required: bool = True) -> str | None:
        """An enum field: strawberry has already refused values outside the enum."""
        value = self._present(name, required)
        if value is None:
            return None
        return str(value.value if isinstance(value, Enum) else value)

    def flag(self, name: str) -> bool | None:
        value = self._present(name, True)
        return None if value is None else bool(value)

    def keys(self, name: str, kind: Any, max_items: int = 50) -> list[str]:
        """A list of identifiers, each checked by `kind` (a Fields method name)."""
        values = self.raw.get(name) or []
        if len(values) > max_items:
            self.error(name, Code.INVALID_VALUE, f"{name} has at most {max_items} entries")
            return []
        out: list[str] = []
        for i, value in enumerate(values):
            sub = Fields({name: value}, self.moment, self.prefix)
            sub.errors = self.errors
            got = getattr(sub, kind)(name)
            if got is not None:
                out.append(got)
            elif self.errors and self.errors[-1].field == self.prefix + name:
                last = self.errors[-1]
                self.errors[-1] = ItemError(f"{last.field}[{i}]", last.code, last.message)
        return out
