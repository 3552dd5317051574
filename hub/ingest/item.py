"""An item of a batch on its way through the pipeline, and the graph state it is judged against."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from hub.access.principal import Principal
from hub.access.write_policy import Write
from hub.ingest.codes import Code, ItemError
from hub.ingest.fields import Fields, Moment


@dataclass(frozen=True)
class Ref:
    """A record an item names: checked for existence and visibility in the batch's one read."""

    field: str
    label: str
    key: str


@dataclass
class Draft:
    """What an item would write: the node's key and properties (graph names and types), its
    relationships (link name -> target keys) and the references to check."""

    key: str
    props: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)
    refs: list[Ref] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # sub-records (a household's person)

    def content_hash(self) -> str:
        """The item's content, as compared on replay: the same key with another hash conflicts."""
        content = {"key": self.key, "props": self.props, "links": self.links, "extra": self.extra}
        return hashlib.sha256(_CONTENT.encode(content).encode()).hexdigest()


def _plain(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# json.dumps(content, sort_keys=True, default=_plain, ensure_ascii=False), the hashes stored since
# the first write, without building an encoder for every item of a batch.
_CONTENT = json.JSONEncoder(sort_keys=True, default=_plain, ensure_ascii=False)


@dataclass
class Item:
    index: int
    draft: Draft | None
    errors: list[ItemError]
    hash: str = ""
    replayed: bool = False
    global_key: str | None = None  # where the global id is not the natural key (Person's pid)

    def fail(self, field_name: str | None, code: Code, message: str) -> None:
        self.errors.append(ItemError(field_name, code, message))

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Seen:
    """A referenced record as the writer may see it."""

    exists: bool
    visible: bool
    state: dict[str, Any]


@dataclass(frozen=True)
class Existing:
    """A node already stored under an item's key."""

    hash: str | None
    status: str | None


@dataclass
class State:
    refs: dict[tuple[str, str], Seen]
    existing: dict[str, Existing]
    me: dict[str, Any] | None  # the token's own enterprise, when it is one and registered

    def seen(self, label: str, key: str) -> Seen:
        return self.refs.get((label, key), Seen(False, False, {}))


Prepare = Callable[[Fields, Principal], Draft | None]
Rules = Callable[[Item, State, Principal, Moment], None]


@dataclass(frozen=True)
class Spec:
    write: Write
    label: str  # the label the item writes (or updates)
    key_field: str  # the input field that holds the key, for errors
    prepare: Prepare
    rules: Rules | None = None
    updates: bool = False  # changes an existing node (its key is a reference) instead of creating
    # A reference the item names that does not exist: its own code (the closed-loop rules').
    unregistered: dict[str, Code] = field(default_factory=dict)
