"""Investigation: a cylinder's life, a food batch's chain, neighbourhoods and paths.

Every node in these answers is a graph type read through the Node interface, so its fields obey
the same policy as everywhere else (hub/resolvers/traversal.py). Neighbourhoods and paths need the
`investigate` scope and a stated `purpose`, which goes into the audit log.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from hub.access.root_access import EXPLORE, trace
from hub.context import Info
from hub.resolvers import neighborhood, traces
from hub.schema.graph import Cylinder, Enterprise, Household, Node, Product
from hub.schema.permissions import allow
from hub.schema.scalars import Date, DateTime


@strawberry.type(description="A relationship between two nodes of a subgraph 关系.")
class GraphEdge:
    from_: strawberry.ID = strawberry.field(name="from", description="Global id of its start")
    to: strawberry.ID = strawberry.field(description="Global id of its end")
    type: str = strawberry.field(description="Relationship type, e.g. OWNED_BY")


@strawberry.type(description="Nodes and the relationships among them 关系图.")
class Subgraph:
    nodes: list[Node] = strawberry.field(description="Only nodes the caller may read")
    edges: list[GraphEdge]
    truncated: bool = strawberry.field(description="A node cap was hit: there is more")


@strawberry.enum(description="A step in a cylinder's life 气瓶履历")
class TimelineKind(Enum):
    MADE = strawberry.enum_value("MADE", description="制造")
    REGISTERED = strawberry.enum_value("REGISTERED", description="登记建档")
    INSPECTED = strawberry.enum_value("INSPECTED", description="定期检验")
    FILLED = strawberry.enum_value("FILLED", description="充装")
    DELIVERED = strawberry.enum_value("DELIVERED", description="配送")
    INCIDENT = strawberry.enum_value("INCIDENT", description="事故")
    STATUS = strawberry.enum_value("STATUS", description="状态变更 (overdue, scrapped, seized)")


@strawberry.enum(description="Something an investigator acts on 预警标记")
class FlagKind(Enum):
    OVERDUE = strawberry.enum_value("OVERDUE", description="超期未检")
    FILLED_WHILE_OVERDUE = strawberry.enum_value(
        "FILLED_WHILE_OVERDUE", description="超期未检仍充装"
    )
    FILLED_OUTSIDE_OWNER = strawberry.enum_value(
        "FILLED_OUTSIDE_OWNER", description="非产权单位充装 (filled outside its owner's system)"
    )
    DELIVERED_WITHOUT_VALID_PERMIT = strawberry.enum_value(
        "DELIVERED_WITHOUT_VALID_PERMIT", description="无有效危险货物运输许可车辆配送"
    )
    DELIVERED_TO_UNREGISTERED_HOUSEHOLD = strawberry.enum_value(
        "DELIVERED_TO_UNREGISTERED_HOUSEHOLD", description="向未实名登记用户配送"
    )


@strawberry.type(description="One step of a cylinder's life, oldest first.")
class TimelineEntry:
    kind: TimelineKind
    date: Date | None
    time: DateTime | None = strawberry.field(description="For events: when it happened")
    status: str | None = strawberry.field(description="For STATUS: the status entered")
    node: Node | None = strawberry.field(
        description="The record: the event, or the maker / owner for MADE / REGISTERED"
    )


@strawberry.type(description="A flag raised on a cylinder, with the event that raised it.")
class CylinderFlag:
    kind: FlagKind
    date: Date | None
    time: DateTime | None
    event: strawberry.ID | None = strawberry.field(description="Global id of the event, if any")


@strawberry.type(description="A cylinder's whole life 气瓶全生命周期追溯")
class CylinderTrace:
    cylinder: Cylinder
    location: Household | None = strawberry.field(description="Where it stands now 当前位置")
    timeline: list[TimelineEntry]
    flags: list[CylinderFlag] = strawberry.field(
        description="Only flags made of data the caller may read"
    )


@strawberry.enum(description="Which way to follow a food batch 追溯方向")
class TraceDirection(Enum):
    UPSTREAM = strawberry.enum_value("UPSTREAM", description="溯源: producer, origin, tests")
    DOWNSTREAM = strawberry.enum_value("DOWNSTREAM", description="追踪: shipments, sales")
    BOTH = "BOTH"


@strawberry.type(description="An enterprise that received the batch 召回清单")
class RecallEntry:
    enterprise: Enterprise
    quantityKg: float = strawberry.field(description="Received in all")
    soldKg: float = strawberry.field(description="Sold on with the code")
    shipments: int
    firstReceived: DateTime | None
    lastReceived: DateTime | None
    hop: int = strawberry.field(description="Shipments from the producer to it")


@strawberry.type(description="A food batch's chain 一品一码追溯")
class ProductTrace:
    product: Product
    subgraph: Subgraph
    recall: list[RecallEntry] = strawberry.field(
        description="Every enterprise the batch reached within maxHops, first received first"
    )


@strawberry.type
class InvestigationQuery:
    @strawberry.field(
        extensions=allow(trace("traceCylinder")),
        description="A cylinder's life, current location and flags 气瓶追溯.",
    )
    async def traceCylinder(self, info: Info, code: str) -> CylinderTrace | None:
        return await traces.trace_cylinder(info, code)  # type: ignore[no-any-return]

    @strawberry.field(
        extensions=allow(trace("traceProduct")),
        description="A food batch's chain by trace code 一品一码追溯.",
    )
    async def traceProduct(
        self, info: Info, traceCode: str, direction: TraceDirection = TraceDirection.BOTH,
        maxHops: int = 4, limit: int = 200,
    ) -> ProductTrace | None:  # fmt: skip
        return await traces.trace_product(  # type: ignore[no-any-return]
            info, traceCode, direction.value, maxHops, limit
        )

    @strawberry.field(
        extensions=allow(EXPLORE),
        description="Everything within `depth` (at most 3) hops of a node 关系网络; needs the "
        "investigate scope and a purpose (case number or reason), which is audited.",
    )
    async def neighborhood(
        self, info: Info, id: strawberry.ID, purpose: str, depth: int = 1,
        types: list[str] | None = None, since: DateTime | None = None,
        until: DateTime | None = None, limit: int = 100,
    ) -> Subgraph | None:  # fmt: skip
        return await neighborhood.neighborhood(  # type: ignore[no-any-return]
            info, id, purpose, depth, types, since, until, limit
        )

    @strawberry.field(
        extensions=allow(EXPLORE),
        description="A shortest chain (at most 8 hops) between two nodes 最短关联路径, through "
        "nodes the caller may read only; needs the investigate scope and a purpose.",
    )
    async def shortestPath(
        self, info: Info, from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID, purpose: str, maxHops: int = 6,
        avoid: Annotated[list[str] | None, strawberry.argument(
            description="Types no node between the two ends may have, e.g. [\"Enterprise\"]"
        )] = None,
    ) -> Subgraph | None:  # fmt: skip
        return await neighborhood.shortest_path(  # type: ignore[no-any-return]
            info, from_, to, purpose, maxHops, avoid
        )
