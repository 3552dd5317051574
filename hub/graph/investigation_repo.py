"""The statements of graph exploration: a neighbourhood grown level by level under a node cap,
and the shortest path over nodes the caller may see.

The policy arrives as Cypher fragments over a variable (`NodeView`) that
hub/resolvers/traversal.py builds with the read policy; relationship types come from the allow-list
of hub/graph/model.py; every value is a `$parameter`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, LiteralString, Protocol, cast

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from hub.graph.driver import Graph
from hub.graph.mapping import TYPES
from hub.graph.model import RELATIONSHIPS

REL_TYPES: tuple[str, ...] = tuple(sorted({r.type for r in RELATIONSHIPS}))


class NodeView(Protocol):
    def predicate(self, var: str, among: Iterable[str] | None = None) -> str: ...

    def global_id(self, var: str) -> str: ...


def rel_pattern(types: list[str]) -> str:
    """`:A|B|C` for allow-listed relationship types only."""
    unknown = set(types) - set(REL_TYPES)
    if unknown or not types:
        raise ValueError(f"not relationship types of the graph: {sorted(unknown)}")
    return ":" + "|".join(sorted(set(types)))


def time_window(since: str | None, until: str | None) -> tuple[str, dict[str, Any]]:
    """The predicate over the neighbour `x` that leaves out events outside [since, until), and its
    parameters; nodes without a time are not events and always pass."""
    window, params = "", {}
    if since is not None:
        window += " AND (x.time IS NULL OR x.time >= datetime($since))"
        params["since"] = since
    if until is not None:
        window += " AND (x.time IS NULL OR x.time < datetime($until))"
        params["until"] = until
    return window, params


def _start(var: str, type_name: str, param: str, view: NodeView) -> str:
    m = TYPES[type_name]
    return (
        "MATCH (" + var + ":" + m.label + " {" + m.global_key + ": $" + param + "}) WHERE "
        + view.predicate(var, [type_name])
    )  # fmt: skip


def _edges_among(view: NodeView, nodes: str, rels: str) -> str:
    """Every allowed relationship between two of the nodes in the list `nodes`, once each."""
    return (
        "COLLECT { UNWIND " + nodes + " AS a MATCH (a)-[r" + rels + "]->(b) WHERE b IN " + nodes
        + " RETURN {from_: " + view.global_id("a") + ", to: " + view.global_id("b")
        + ", type: type(r)} }"
    )  # fmt: skip


def _groups(types: list[str], keep: Callable[[Iterable[str] | None], str]) -> list[str]:
    """Subqueries from the frontier node `f`, each returning `xs`: at most `$room` new visible
    neighbours of one relationship type and direction among `types`, in the order Neo4j reads
    them (`keep(among)` is the predicate over the neighbour `x`, of one of the API types `among`
    or of any).

    A node's outgoing relationships are few (the graph's "many" side is always the start: a
    filling points at its station), so one match reads them all and groups them by type. The
    incoming ones get a match per type, because Neo4j keeps a dense node's relationships grouped
    by type and direction and a typed match reads only its own group; each stands behind the
    labels that can hold that end and carries the policy of only the types at the other, which
    keeps the statement small enough to plan in about a second."""
    chosen = sorted(set(types))
    found = [
        "MATCH (f)-[r" + rel_pattern(chosen) + "]->(x) WHERE " + keep(None)
        + " WITH type(r) AS t, collect(x)[..$room] AS xs RETURN xs"
    ]  # fmt: skip
    for rel_type in chosen:
        ends = {r.end for r in RELATIONSHIPS if r.type == rel_type}
        starts = sorted({r.start for r in RELATIONSHIPS if r.type == rel_type})
        labels = "" if "*" in ends else ":" + "|".join(sorted(TYPES[e].label for e in ends))
        found.append(
            "MATCH (f" + labels + ")<-[:" + rel_type + "]-(x) WHERE " + keep(starts)
            + " WITH x LIMIT $room RETURN collect(x) AS xs"
        )  # fmt: skip
    return found


@dataclass(frozen=True)
class Neighbourhood:
    """The statements of one neighbourhood (`grow` runs them): the start, a level's new
    neighbours, and the projection of what was kept with the edges among it. The level statement
    is one text whatever the start and the depth, so Neo4j plans it once per view and types: it
    is long (a match per relationship type, each with the policy of the types at its far end) and
    planning it costs far more than running it."""

    start: str  # $start -> start
    level: str  # $grown {seen, frontier}, $room -> found
    finish: str  # $grown {seen} -> result {nodes, edges}


def neighborhood(
    view: NodeView, type_name: str, types: list[str], extra_filter: str, projection: str
) -> Neighbourhood:
    """A level takes from each frontier node at most `$room` new visible neighbours of each
    relationship type and direction, while expanding (a station's hundred thousand fillings are
    not all read), and keeps `$room` of them round-robin: every group's first neighbour, then
    every group's second, ties by element id. So a truncated level still shows every kind of
    neighbour and is the same every time on the same store, and a level with room for all its
    neighbours has them all (a group with more than `$room` would truncate the level anyway).
    Only visible nodes are counted: the predicate is inside each group's match."""

    def keep(among: Iterable[str] | None) -> str:
        return "NOT elementId(x) IN $grown.seen AND " + view.predicate("x", among) + extra_filter

    groups = " UNION ALL ".join(_groups(types, keep))
    return Neighbourhood(
        start=_start("s", type_name, "start", view) + " RETURN elementId(s) AS start",
        level="RETURN COLLECT { UNWIND $grown.frontier AS id MATCH (f) WHERE elementId(f) = id"
        " CALL (f) { " + groups + " } UNWIND range(0, size(xs) - 1) AS i"
        " WITH xs[i] AS x, min(i) AS rank ORDER BY rank, elementId(x) LIMIT $room"
        " RETURN elementId(x) } AS found",
        finish="UNWIND $grown.seen AS id MATCH (n) WHERE elementId(n) = id WITH collect(n) AS seen"
        " RETURN {nodes: COLLECT { UNWIND seen AS n RETURN " + projection + " },"
        " edges: " + _edges_among(view, "seen", rel_pattern(types)) + "} AS result",
    )  # fmt: skip


Rows = Callable[[str, dict[str, Any]], Awaitable[list[Any]]]


async def grow(
    read: Rows, statements: Neighbourhood, params: dict[str, Any], depth: int, cap: int
) -> dict[str, Any] | None:
    """The nodes within `depth` hops of the start through visible nodes only, grown level by
    level, at most `cap` in all (`truncated` says a level had more), the edges among them, and
    each node's projection; None when the start is not visible. A level reads one neighbour more
    than there is room for, which is what tells it was truncated."""
    rows = await read(statements.start, params)
    if not rows:
        return None
    seen: list[str] = [rows[0]["start"]]
    frontier = seen
    truncated = False
    for _ in range(depth):
        if not frontier:
            break
        room = cap - len(seen)
        # The lists inside a map: Neo4j plans a statement anew for each size range of a list
        # parameter (seconds for the level statement), not for the lists of a map parameter.
        grown = {"seen": seen, "frontier": frontier}
        level = {**params, "grown": grown, "room": room + 1}
        found: list[str] = (await read(statements.level, level))[0]["found"]
        truncated = truncated or len(found) > room
        frontier = found[:room]
        seen = seen + frontier
    [row] = await read(statements.finish, {**params, "grown": {"seen": seen}})
    return {**row["result"], "truncated": truncated}


def shortest_path(
    view: NodeView, from_type: str, to_type: str, rels: str, max_hops: int, projection: str,
    avoid: bool = False,
) -> str:  # fmt: skip
    """One shortest path of at most `max_hops` hops (either direction) from `$from` to `$to`
    whose every node is visible and, with `avoid`, none between the ends has a label in
    `$avoid`; no row when there is none."""
    hops = str(int(max_hops))
    # Inside the one all-nodes predicate, so the search still prunes hop by hop (a separate
    # predicate over a slice of the path makes Neo4j fall back to an exhaustive search).
    avoiding = " AND (x = a OR x = b OR NOT any(l IN labels(x) WHERE l IN $avoid))" if avoid else ""
    # shortestPath() with an all-nodes predicate: Neo4j 5.26's SHORTEST with the same predicate
    # inside the pattern fails to plan once a row rule holds an EXISTS subquery.
    return (
        _start("a", from_type, "from", view) + " " + _start("b", to_type, "to", view)
        + " MATCH p = shortestPath((a)-[" + rels + "*0.." + hops + "]-(b))"
        " WHERE all(x IN nodes(p) WHERE " + view.predicate("x") + avoiding + ")"
        " RETURN {nodes: COLLECT { UNWIND nodes(p) AS n RETURN " + projection + " },"
        " edges: COLLECT { UNWIND relationships(p) AS r WITH startNode(r) AS u, endNode(r) AS v,"
        " type(r) AS t RETURN {from_: " + view.global_id("u") + ", to: " + view.global_id("v")
        + ", type: t} }, truncated: false} AS result LIMIT 1"
    )  # fmt: skip


async def read_rows(graph: Graph, cypher: str, params: dict[str, Any]) -> list[Any]:
    """The statement's records in one round trip (an auto-commit read: RUN and PULL together, no
    BEGIN or COMMIT); a failure the driver would retry runs again as a managed read, which
    retries."""
    try:
        return await graph.statement("investigation", cypher, params, write=False)
    except (TransientError, ServiceUnavailable, SessionExpired):
        return await graph.read(_records, cypher, params)


async def _records(tx: AsyncManagedTransaction, cypher: str, params: dict[str, Any]) -> list[Any]:
    result = await tx.run(cast(LiteralString, cypher), params)  # type: ignore[redundant-cast]
    return [record async for record in result]


async def read_result(graph: Graph, cypher: str, params: dict[str, Any]) -> Any:
    """The `result` column of the statement's one row, or None when it has no row, in one round
    trip (read_rows)."""
    records = await read_rows(graph, cypher, params)
    return records[0]["result"] if records else None
