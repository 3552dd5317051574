"""The statement of the explorer's search: full-text queries over the indexes of the fields the
caller may search by, one group of nodes per type.

Which (type, property) pairs are asked, the row rules over each hit and the projection of the
nodes come from hub/resolvers/search.py (the policy); index names are the migrations'; the typed
text is one `$parameter` (`$q`, a Lucene query written by hub/resolvers/search.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.graph.migrations import search_index


@dataclass(frozen=True)
class TypeSearch:
    """Search the rows of `type_name` (`label`) by `props`; `rule` is the row rule over `node`
    ("true" when none); `projection` the selected fields of `n`."""

    type_name: str
    label: str
    props: tuple[str, ...]
    rule: str
    projection: str


def _hits(label: str, prop: str, rule: str) -> str:
    # The row rule runs on every hit before the limit: a row out of scope takes no place in
    # the answer, so how many a caller finds says nothing about rows it may not see.
    return (
        "CALL db.index.fulltext.queryNodes('" + search_index(label, prop) + "', $q)"
        " YIELD node, score WHERE node:" + label + " AND " + rule
        + " RETURN node, score LIMIT $room"
    )  # fmt: skip


def group(s: TypeSearch) -> str:
    """The best hits of one type (`result`: type, nodes, more). Parameters: `$q`, `$first`,
    `$room` (= first + 1) and those of the rule. One statement per type: a single statement
    over every type takes the planner longer than the transaction may last once row rules
    hold subqueries."""
    hits = " UNION ALL ".join(_hits(s.label, p, s.rule) for p in s.props)
    return (
        "CALL () { " + hits + " }"
        " WITH node, max(score) AS score ORDER BY score DESC, elementId(node) LIMIT $room"
        " WITH collect(node) AS found"
        " RETURN {type: '" + s.type_name + "', more: size(found) > $first,"
        " nodes: COLLECT { UNWIND found[..$first] AS n RETURN " + s.projection + " }} AS result"
    )  # fmt: skip


async def search(
    tx: AsyncManagedTransaction, statements: Sequence[str], params: dict[str, Any]
) -> list[Any]:
    """The groups with at least one hit, in the order of the statements, in one transaction."""
    out = []
    for statement in statements:
        # Assembled from the catalog's names and policy fragments only; values are parameters.
        result = await tx.run(cast(LiteralString, statement), params)  # type: ignore[redundant-cast]
        record = await result.single(strict=False)
        await result.consume()
        if record is not None and record["result"]["nodes"]:
            out.append(record["result"])
    return out
