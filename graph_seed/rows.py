"""What the generator produces: chunks of node rows and relationship rows, in model names.

A chunk's nodes are loaded before its relationships; a relationship row is the pair of natural
keys of its ends. Every label and type is checked against hub/graph/model.py as it is added.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph_seed.world import RECORDED_BY
from hub.graph.migrations import NATURAL_KEYS
from hub.graph.model import LABELS, PROPERTIES, RELATIONSHIPS

Row = dict[str, Any]
RelKey = tuple[str, str, str]  # (start label, type, end label)

_REL_TYPES = {(r.start, r.type, r.end) for r in RELATIONSHIPS}


def rel_allowed(start: str, rel_type: str, end: str) -> bool:
    if (start, rel_type, end) in _REL_TYPES:
        return True
    return end in LABELS and (start, rel_type, "*") in _REL_TYPES


@dataclass
class Chunk:
    """A slice of the world: nodes per label and relationships per (start, type, end)."""

    name: str
    nodes: dict[str, list[Row]] = field(default_factory=dict)
    rels: dict[RelKey, list[tuple[str, str]]] = field(default_factory=dict)

    def node(self, label: str, recorded: datetime, **props: Any) -> str:
        """Adds a node and returns its natural key."""
        allowed = PROPERTIES[label]
        unknown = set(props) - set(allowed)
        assert not unknown, f"{label} has no properties {sorted(unknown)} in the model"
        props["recordedBy"] = RECORDED_BY
        props["recordedAt"] = recorded
        self.nodes.setdefault(label, []).append(props)
        key: str = props[NATURAL_KEYS[label]]
        return key

    def rel(self, start: str, rel_type: str, end: str, a: str, b: str) -> None:
        assert rel_allowed(start, rel_type, end), f"({start})-[:{rel_type}]->({end})"
        self.rels.setdefault((start, rel_type, end), []).append((a, b))

    def row_count(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.rels.values()))

    def digest(self, h: Any) -> None:
        """Feeds every row, in order, to a hashlib hash (the byte-for-byte determinism test)."""
        for label in sorted(self.nodes):
            for row in self.nodes[label]:
                h.update(repr((label, sorted(row.items()))).encode())
        for key in sorted(self.rels):
            h.update(repr((key, self.rels[key])).encode())


def new_digest() -> Any:
    return hashlib.sha256()
