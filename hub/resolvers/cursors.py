"""Cursors are global ids ("Cylinder:FZ0000000001"): stable, and meaningless outside their list."""

from __future__ import annotations

from hub.errors import BadUserInput
from hub.graph.mapping import TYPES


def global_id(type_name: str, key: str) -> str:
    return type_name + ":" + key


def parse_global_id(value: str) -> tuple[str, str] | None:
    """(type, key) of a global id, or None when it names no type of the graph."""
    type_name, sep, key = value.partition(":")
    if not sep or not key or type_name not in TYPES:
        return None
    return type_name, key


def decode_cursor(cursor: str, type_name: str, path: str) -> str:
    parsed = parse_global_id(cursor)
    if parsed is None or parsed[0] != type_name:
        raise BadUserInput(f"{path}: `after` is not a cursor of this list", field=path)
    return parsed[1]
