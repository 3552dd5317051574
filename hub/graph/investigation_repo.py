"""The statements of graph exploration: a neighbourhood grown level by level under a node cap,
and the shortest path over nodes the caller may see.

The policy arrives as Cypher fragments over a variable (`NodeView`) that
hub/resolvers/traversal.py builds with the read policy; relationship types come from the allow-list
of hub/graph/model.py; every value is a `$parameter`.
"""

from __future__ import annotations

from typing import Any, LiteralString, Protocol, cast

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from hub.graph.driver import Graph
from hub.graph.mapping import TYPES
from hub.graph.model import RELATIONSHIPS

REL_TYPES: tuple[str, ...] = tuple(sorted({r.type for r in RELATIONSHIPS}))


class NodeView(Protocol):
    def predicate(self, var: str) -> str: ...

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
        + view.predicate(var)
    )  # fmt: skip


def _edges_among(view: NodeView, nodes: str, rels: str) -> str:
    """Every allowed relationship between two of the nodes in the list `nodes`, once each."""
    return (
        "COLLECT { UNWIND " + nodes + " AS a MATCH (a)-[r" + rels + "]->(b) WHERE b IN " + nodes
        + " RETURN {from_: " + view.global_id("a") + ", to: " + view.global_id("b")
        + ", type: type(r)} }"
    )  # fmt: skip


def neighborhood(
    view: NodeView,
    type_name: str,
    rels: str,
    depth: int,
    extra_filter: str,
    projection: str,
) -> str:
    """The nodes within `depth` hops of the start (`$start`) through visible nodes only, grown
    level by level, at most `$cap` in all (`truncated` says a level had more), the edges among
    them, and each node's projection (`projection`, over `n`).

    Parameters: `$start`, `$cap`, `$room` (= cap + 1), and those of the fragments."""
    levels = []
    for _ in range(depth):
        levels.append(
            " CALL (seen, frontier) { UNWIND frontier AS f MATCH (f)-[" + rels + "]-(x)"
            " WHERE NOT x IN seen AND " + view.predicate("x") + extra_filter
            # Ordered before the cap, so the same question gets the same (truncated) answer;
            # by element id (creation order, types interleaved) rather than by type name.
            + " WITH DISTINCT x ORDER BY elementId(x) LIMIT $room"
            " RETURN collect(x) AS found }"
            " WITH seen + found[..($cap - size(seen))] AS seen,"
            " found[..($cap - size(seen))] AS frontier,"
            " truncated OR size(seen) + size(found) > $cap AS truncated"
        )  # fmt: skip
    return (
        _start("s", type_name, "start", view)
        + " WITH [s] AS seen, [s] AS frontier, false AS truncated"
        + "".join(levels)
        + " RETURN {nodes: COLLECT { UNWIND seen AS n RETURN " + projection + " },"
        + " edges: " + _edges_among(view, "seen", rels) + ", truncated: truncated} AS result"
    )  # fmt: skip


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


async def result_of(tx: AsyncManagedTransaction, cypher: str, params: dict[str, Any]) -> Any:
    """The `result` column of the statement's one row, or None when it has no row."""
    # Assembled from allow-listed names and policy fragments only; values are parameters.
    result = await tx.run(cast(LiteralString, cypher), params)  # type: ignore[redundant-cast]
    record = await result.single(strict=False)
    await result.consume()
    return None if record is None else record["result"]


async def read_result(graph: Graph, cypher: str, params: dict[str, Any]) -> Any:
    """result_of in one round trip (an auto-commit read: RUN and PULL together, no BEGIN or
    COMMIT); a failure the driver would retry runs again as a managed read, which retries."""
    try:
        records = await graph.statement("investigation", cypher, params, write=False)
    except (TransientError, ServiceUnavailable, SessionExpired):
        return await graph.read(result_of, cypher, params)
    return records[0]["result"] if records else None
