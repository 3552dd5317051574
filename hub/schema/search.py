"""search: the explorer's one box over names, codes, plates, addresses, USCCs and household ids
(hub/resolvers/search.py)."""

from __future__ import annotations

import strawberry

from hub.access.root_access import READ
from hub.context import Info
from hub.resolvers import search
from hub.schema.graph import Node
from hub.schema.permissions import allow


@strawberry.type(description="The hits of one type 检索结果, best first.")
class SearchGroup:
    type: str = strawberry.field(description="The node type, e.g. Cylinder")
    nodes: list[Node]
    more: bool = strawberry.field(description="There are more hits of this type than `first`")


@strawberry.type
class SearchQuery:
    @strawberry.field(
        extensions=allow(READ),
        description="Find nodes by name, code, plate, address, USCC or household id 综合检索: "
        "every word typed must match, the last as a prefix; only by fields the caller sees in "
        "full, and only rows it may read. Groups by type, at most `first` nodes each.",
    )
    async def search(
        self, info: Info, text: str, types: list[str] | None = None, first: int = 8
    ) -> list[SearchGroup]:
        return await search.search(info, text, types, first)  # type: ignore[no-any-return]
