"""The root fields that read entities: one by key, a page of a label, or any node by global id."""

from __future__ import annotations

from typing import Any, LiteralString, cast

from neo4j import AsyncManagedTransaction

from hub.auth.principal import Scope
from hub.context import Info
from hub.errors import Forbidden
from hub.graph.mapping import TYPES, Link
from hub.resolvers.compiler import Compiler, Limits
from hub.resolvers.cursors import parse_global_id


async def _result(tx: AsyncManagedTransaction, cypher: str, params: dict[str, Any]) -> Any:
    # The statement is assembled by the compiler from allow-listed names only; values are params.
    result = await tx.run(cast(LiteralString, cypher), params)  # type: ignore[redundant-cast]
    record = await result.single(strict=True)
    return record["result"]


def _compiler(info: Info) -> Compiler:
    ctx = info.context
    if not ctx.principal.is_public and not ctx.principal.has(Scope.GRAPH_READ):
        raise Forbidden(
            f"{info.field_name} needs the {Scope.GRAPH_READ.value} scope", field=info.field_name
        )
    return Compiler(info._raw_info, ctx.principal, Limits(max_page=ctx.settings.hub_max_page))


async def run(info: Info, compiler: Compiler, expression: str) -> Any:
    cypher = "RETURN " + expression + " AS result"
    result = await info.context.graph.read(_result, cypher, compiler.params)
    info.context.audit.note_rows(result)  # the people and households returned, for the log
    return result


async def one(info: Info, type_name: str, key: str) -> Any:
    """The row of `type_name` with natural key `key`, or None (also when out of scope)."""
    c = _compiler(info)
    c.require_type(type_name, info.field_name)
    expr = c.one(type_name, key, info._raw_info.field_nodes)
    return await run(info, c, expr)


async def node(info: Info, global_id: str) -> Any:
    """Any row by global id. A type the role may not read answers like a row that is not there."""
    parsed = parse_global_id(global_id)
    c = _compiler(info)
    if parsed is None or not c.readable(parsed[0]):
        return None
    type_name, key = parsed
    expr = c.one(type_name, key, info._raw_info.field_nodes, typename=True, by_global_key=True)
    return await run(info, c, expr)


async def page(info: Info, type_name: str, args: dict[str, Any]) -> Any:
    """A page of every row of `type_name` that passes the filters and the row rules."""
    c = _compiler(info)
    c.require_type(type_name, info.field_name)
    order = args.get("orderBy") or {}
    sort_field = getattr(order.get("field"), "value", None) or TYPES[type_name].key
    descending = getattr(order.get("direction"), "value", "ASC") == "DESC"
    expr = c.connection(
        Link(None, "", "out", type_name, many=True),  # every row: no pattern
        None,
        info._raw_info.field_nodes,
        args,
        info.field_name,
        order=(sort_field, descending),
    )
    return await run(info, c, expr)
