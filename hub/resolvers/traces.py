"""traceCylinder and traceProduct: one statement each, assembled from the policy's fragments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.access import policy
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import trace_repo
from hub.graph.investigation_repo import read_result
from hub.graph.mapping import TYPES
from hub.resolvers.compiler import Compiler
from hub.resolvers.document import document
from hub.resolvers.food_chain import Chain
from hub.resolvers.traversal import Visible, compiler_for, returned, sub_fields

FLAG_KINDS = (
    "OVERDUE",
    "FILLED_WHILE_OVERDUE",
    "FILLED_OUTSIDE_OWNER",
    "DELIVERED_WITHOUT_VALID_PERMIT",
    "DELIVERED_TO_UNREGISTERED_HOUSEHOLD",
)
MAX_HOPS = 8
MAX_NODES = 500


def _when(entry: dict[str, Any]) -> tuple[bool, str, str]:
    return entry["date"] is None, entry["date"] or "", entry["time"] or ""


def _projector(
    c: Compiler, view: Visible, nodes: list[Any], path: str
) -> Callable[[str, str], str]:
    """(type, var) -> the selected fields of a Node-typed field, or "null" when none are."""
    view.check_fragments(nodes, path)

    def project(type_name: str, var: str) -> str:
        return c.project(type_name, var, nodes, typename=True) if nodes else "null"

    return project


async def trace_cylinder(info: Info, code: str) -> Any:
    c = compiler_for(info)  # access: root_access.trace("traceCylinder")
    view = Visible(c)
    sel = sub_fields(c, "CylinderTrace", document(info).field_nodes)
    entries: dict[str, str] = {}
    if "cylinder" in sel:
        entries["cylinder"] = c.project("Cylinder", "c", sel["cylinder"])
    if "location" in sel:
        c.require_type("Household", "CylinderTrace.location")
        entries["location"] = c.single(TYPES["Cylinder"].links["location"], "c", sel["location"])
    if "timeline" in sel:
        node = sub_fields(c, "TimelineEntry", sel["timeline"]).get("node", [])
        project = _projector(c, view, node, "TimelineEntry.node")
        entries["timeline"] = trace_repo.cylinder_timeline(view, project)
    if "flags" in sel:
        role = c.principal.role
        kinds = [k for k in FLAG_KINDS if policy.can_derive(role, "flag:" + k)]
        entries["flags"] = trace_repo.cylinder_flags(view, kinds)
    entries.setdefault("code", "c.code")
    cypher = trace_repo.cylinder_trace(view, entries)
    graph = info.context.graph
    params = {**c.params, "code": code, "today": graph.clock.today()}
    result = await read_result(graph, cypher, params)
    if result is not None:
        for key in ("timeline", "flags"):
            if key in result:
                result[key].sort(key=_when)
    return returned(info, result)


async def trace_product(info: Info, code: str, direction: str, max_hops: int, limit: int) -> Any:
    c = compiler_for(info)  # access: root_access.trace("traceProduct")
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadUserInput(f"maxHops must be between 1 and {MAX_HOPS}", field="maxHops")
    if not 1 <= limit <= MAX_NODES:
        raise BadUserInput(f"limit must be between 1 and {MAX_NODES}", field="limit")
    view = Visible(c)
    sel = sub_fields(c, "ProductTrace", document(info).field_nodes)
    head = {"product": c.project("Product", "p", sel["product"])} if "product" in sel else {}
    nodes = sub_fields(c, "Subgraph", sel.get("subgraph", [])).get("nodes", [])
    node = _projector(c, view, nodes, "ProductTrace.subgraph.nodes")
    wants_recall = "recall" in sel and policy.can_derive(c.principal.role, "recall")
    enterprise = sub_fields(c, "RecallEntry", sel["recall"]).get("enterprise", []) if (
        wants_recall
    ) else []  # fmt: skip

    def recipient(type_name: str, var: str) -> str:
        return c.project(type_name, var, enterprise) if enterprise else "null"

    cypher = trace_repo.product_trace(view, node, recipient, head)
    params = {**c.params, "code": code, "cap": limit}
    raw = await read_result(info.context.graph, cypher, params)
    if raw is None:
        return None
    chain = Chain(raw, direction, max_hops, limit)
    result = {
        "product": raw.get("product"),
        "subgraph": chain.subgraph(),
        "recall": chain.recall() if wants_recall else [],
    }
    return returned(info, result)
