"""The root fields that read entities: one by key, a page of a label, or any node by global id."""

from __future__ import annotations

from typing import Any, LiteralString, cast

from graphql import FieldNode
from neo4j import AsyncManagedTransaction
from neo4j.exceptions import (
    ResultNotSingleError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from hub.context import Info
from hub.graph.driver import Graph
from hub.graph.mapping import TYPES, Link
from hub.resolvers.compiler import Compiler, Limits, statement
from hub.resolvers.cursors import parse_global_id
from hub.resolvers.document import document


async def _result(tx: AsyncManagedTransaction, cypher: str, params: dict[str, Any]) -> Any:
    # The statement is assembled by the compiler from allow-listed names only; values are params.
    result = await tx.run(cast(LiteralString, cypher), params)  # type: ignore[redundant-cast]
    record = await result.single(strict=True)
    return record["result"]


async def _read(graph: Graph, cypher: str, params: dict[str, Any]) -> Any:
    """The one statement of a root field in one round trip (an auto-commit read: RUN and PULL
    together, no BEGIN or COMMIT); a failure the driver would retry runs again as a managed read,
    which retries."""
    try:
        records = await graph.statement("read", cypher, params, write=False)
    except (TransientError, ServiceUnavailable, SessionExpired):
        return await graph.read(_result, cypher, params)
    if len(records) != 1:
        raise ResultNotSingleError(f"expected one record, got {len(records)}")
    return records[0]["result"]


def _compiler(info: Info) -> Compiler:
    """Who may call these fields is declared on them (hub/access/root_access.py READ)."""
    ctx = info.context
    return Compiler(document(info), ctx.principal, Limits(max_page=ctx.settings.hub_max_page))


async def run(info: Info, compiler: Compiler, expression: str) -> Any:
    result = await _read(info.context.graph, statement(expression), compiler.params)
    info.context.audit.note_rows(result)  # the people and households returned, for the log
    return result


# The expressions: what each root field compiles to, without running it (the unit tests
# compare them with snapshots).


def one_expression(
    c: Compiler, type_name: str, key: str, nodes: list[FieldNode], field: str
) -> str:
    c.require_type(type_name, field)
    # A key the role sees masked is no lookup for it: guesses would undo the mask.
    c.require_full(type_name, TYPES[type_name].key, field, "look rows up")
    return c.one(type_name, key, nodes)


def node_expression(c: Compiler, global_id: str, nodes: list[FieldNode]) -> str | None:
    """None where the id is malformed or names a type the role may not read."""
    parsed = parse_global_id(global_id)
    if parsed is None or not c.readable(parsed[0]):
        return None
    type_name, key = parsed
    return c.one(type_name, key, nodes, typename=True, by_global_key=True)


def page_expression(
    c: Compiler, type_name: str, args: dict[str, Any], nodes: list[FieldNode], field: str
) -> str:
    c.require_type(type_name, field)
    order = args.get("orderBy") or {}
    sort_field = getattr(order.get("field"), "value", None) or TYPES[type_name].key
    descending = getattr(order.get("direction"), "value", "ASC") == "DESC"
    every_row = Link(None, "", "out", type_name, many=True)  # no pattern: every row of the label
    return c.connection(every_row, None, nodes, args, field, order=(sort_field, descending))


async def one(info: Info, type_name: str, key: str) -> Any:
    """The row of `type_name` with natural key `key`, or None (also when out of scope)."""
    c = _compiler(info)
    nodes = document(info).field_nodes
    return await run(info, c, one_expression(c, type_name, key, nodes, info.field_name))


async def node(info: Info, global_id: str) -> Any:
    """Any row by global id. A type the role may not read answers like a row that is not there."""
    c = _compiler(info)
    expr = node_expression(c, global_id, document(info).field_nodes)
    return None if expr is None else await run(info, c, expr)


async def page(info: Info, type_name: str, args: dict[str, Any]) -> Any:
    """A page of every row of `type_name` that passes the filters and the row rules."""
    c = _compiler(info)
    nodes = document(info).field_nodes
    return await run(info, c, page_expression(c, type_name, args, nodes, info.field_name))
