"""neighborhood and shortestPath: graph exploration for investigators.

Both need the `investigate` scope (besides `graph:read`) and a stated purpose, put on the request
for the audit entry: `request.state.purpose`, and the context's audit trail where it is wired.
Both walk visible nodes only (hub/resolvers/traversal.py), under a node cap and the transaction
timeout.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from neo4j.exceptions import Neo4jError

from hub.context import Info
from hub.errors import BadUserInput, LimitExceeded
from hub.graph import investigation_repo as repo
from hub.graph.mapping import TYPES
from hub.resolvers.compiler import Compiler
from hub.resolvers.cursors import parse_global_id
from hub.resolvers.document import document
from hub.resolvers.traversal import Visible, compiler_for, returned, sub_fields

MAX_DEPTH = 3
MAX_HOPS = 8
MAX_NODES = 500
MAX_PURPOSE = 200


def _explorer(info: Info, purpose: str) -> Compiler:
    """The compiler of an exploration, once its caller states a purpose (the scopes it needs are
    declared on the field: hub/access/root_access.py EXPLORE)."""
    field = info.field_name
    stated = " ".join(purpose.split())
    if not stated or len(stated) > MAX_PURPOSE:
        raise BadUserInput(
            f"{field}: state a purpose (a case number or reason, at most {MAX_PURPOSE} characters)",
            field="purpose",
        )
    info.context.request.state.purpose = stated
    trail = getattr(info.context, "audit", None)
    if trail is not None:
        trail.state_purpose(stated)
    return compiler_for(info)


def _visible_start(view: Visible, global_id: str) -> tuple[str, str] | None:
    parsed = parse_global_id(global_id)
    return parsed if parsed is not None and view.can_see(parsed[0]) else None


def _types(types: list[str] | None) -> list[str]:
    """The relationship types asked for (all by default), each one of the graph's."""
    chosen = list(types) if types is not None else list(repo.REL_TYPES)
    try:
        repo.rel_pattern(chosen)
    except ValueError:
        raise BadUserInput(
            "types: relationship types of the graph, from " + ", ".join(repo.REL_TYPES),
            field="types",
        ) from None
    return chosen


def _projection(c: Compiler, view: Visible, info: Info, rows: int) -> str:
    nodes = sub_fields(c, "Subgraph", document(info).field_nodes).get("nodes", [])
    if not nodes:
        return "{}"
    return view.project_bounded("n", nodes, "Subgraph.nodes", rows)


async def _read(info: Info, cypher: str, params: dict[str, Any]) -> Any:
    return returned(info, await _timed(info, repo.read_result(info.context.graph, cypher, params)))


async def _timed(info: Info, work: Awaitable[Any]) -> Any:
    """The work's answer; a statement past the transaction timeout is LIMIT_EXCEEDED."""
    try:
        return await work
    except Neo4jError as exc:
        if "TransactionTimedOut" in (exc.code or ""):
            raise LimitExceeded(
                f"{info.field_name} took too long; lower the depth, the limit or the hops",
                field=info.field_name,
            ) from None
        raise


async def neighborhood(
    info: Info,
    global_id: str,
    purpose: str,
    depth: int,
    types: list[str] | None,
    since: str | None,
    until: str | None,
    limit: int,
) -> Any:
    c = _explorer(info, purpose)
    if not 1 <= depth <= MAX_DEPTH:
        raise BadUserInput(f"depth must be between 1 and {MAX_DEPTH}", field="depth")
    if not 1 <= limit <= MAX_NODES:
        raise BadUserInput(f"limit must be between 1 and {MAX_NODES}", field="limit")
    chosen = _types(types)
    view = Visible(c)
    start = _visible_start(view, global_id)
    projection = _projection(c, view, info, limit)
    if start is None:
        return None
    window, window_params = repo.time_window(since, until)
    statements = repo.neighborhood(view, start[0], chosen, window, projection)
    # After the statements: writing them names their parameters (a writer's claims, $claimant).
    params = {**c.params, "start": start[1], **window_params}

    async def read(cypher: str, p: dict[str, Any]) -> list[Any]:
        return await repo.read_rows(info.context.graph, cypher, p)

    grown = repo.grow(read, statements, params, depth, limit)
    return returned(info, await _timed(info, grown))


async def shortest_path(
    info: Info, from_id: str, to_id: str, purpose: str, max_hops: int, avoid: list[str] | None
) -> Any:
    c = _explorer(info, purpose)
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadUserInput(f"maxHops must be between 1 and {MAX_HOPS}", field="maxHops")
    unknown = sorted(set(avoid or []) - set(TYPES))
    if unknown:
        raise BadUserInput("avoid: types of the graph, not " + ", ".join(unknown), field="avoid")
    view = Visible(c)
    start, end = _visible_start(view, from_id), _visible_start(view, to_id)
    projection = _projection(c, view, info, max_hops + 1)
    if start is None or end is None:
        return None
    rels = repo.rel_pattern(list(repo.REL_TYPES))
    labels = sorted({TYPES[t].label for t in avoid or []})
    cypher = repo.shortest_path(view, start[0], end[0], rels, max_hops, projection, bool(labels))
    params = {**c.params, "from": start[1], "to": end[1], "avoid": labels}
    return await _read(info, cypher, params)
