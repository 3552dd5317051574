"""A firing: one rule, about some records, at one time. Built from what the hub already holds
(the judged items of a write batch, a written incident, a row of the scan), and written by
hub/graph/alert_repo.py, which turns it into a new alert or one more occurrence of an open one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub.access.write_policy import Write
from hub.graph.alert_repo import ABOUT_LABELS
from hub.linkage.rules import REFUSALS, RULES_BY_ID


@dataclass(frozen=True)
class Firing:
    rule: str
    # (label, key): the one thing the rule is about, for the dedup; a label outside ABOUT_LABELS
    # (an OAuth client) only keys the dedup, with no ABOUT link.
    subject: tuple[str, str]
    time: datetime
    about: dict[str, list[str]] = field(default_factory=dict)  # label -> keys, the subject too
    enterprise: str | None = None  # the enterprise a notice is addressed to
    district: str | None = None  # else the district of what it is about
    summary: str = ""  # no personal data: codes, dates, plates
    attach: bool = False  # add the cylinders' owner, last filling and last delivery
    qualifier: str = ""  # a second key of the dedup (the batch a merchant is recalled for)

    def row(self) -> dict[str, Any]:
        rule = RULES_BY_ID[self.rule]
        about: dict[str, list[str]] = {label: [] for label in ABOUT_LABELS} | {
            k: sorted(set(v)) for k, v in self.about.items()
        }
        if self.subject[0] in about:
            about[self.subject[0]] = sorted(set(about[self.subject[0]]) | {self.subject[1]})
        return {
            "rule": rule.id,
            "name": rule.zh,
            "severity": rule.severity.value,
            "departments": sorted(r.value for r in rule.departments),
            "openKey": rule.id
            + "|"
            + self.subject[0]
            + ":"
            + self.subject[1]
            + ("|" + self.qualifier if self.qualifier else ""),
            "time": self.time.isoformat(),
            "enterprise": self.enterprise if rule.addressee == "subject" else None,
            "district": self.district,
            "summary": self.summary,
            "about": about,
            "attach": self.attach,
        }


@dataclass(frozen=True)
class Refusal:
    """One refused item as the linkage sees it: its error codes and fields, the records it names
    that exist (field -> (label, key)), and the writer's enterprise."""

    codes: list[tuple[str | None, str]]
    named: dict[str, tuple[str, str]]
    writer: str | None
    summary: str


def from_refusals(write: Write, refusals: list[Refusal], now: datetime) -> list[Firing]:
    """The firings of a batch's refused items: one per rule an item's errors fire."""
    out: list[Firing] = []
    for refusal in refusals:
        fired: set[str] = set()
        for field_name, code in refusal.codes:
            rule = REFUSALS.get((write, code))
            if rule is None or rule in fired or field_name not in refusal.named:
                continue
            fired.add(rule)
            about: dict[str, list[str]] = {}
            for label, key in refusal.named.values():
                about.setdefault(label, []).append(key)
            if refusal.writer:
                about.setdefault("Enterprise", []).append(refusal.writer)
            out.append(Firing(rule, refusal.named[field_name], now, about, summary=refusal.summary))
    return out
