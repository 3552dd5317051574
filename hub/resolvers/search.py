"""search: the explorer's one box. Typed text is looked up in the full-text indexes of the
catalog's search fields (hub/catalog: `Prop(search=True)`; the indexes are the migrations') and
the hits come back grouped by type, each node projected through the Node interface like every
other read.

The policy decides which indexes are asked at all: a role searches a type only if it reads it,
and by a field only if it sees that field in full, never by a masked one (a housing user who
types a person's full name must not learn that the person whose name it sees as 张* is that one).
Every hit passes the type's row rules before the per-type limit, so rows out of scope take no
place in the answer.
"""

from __future__ import annotations

import re
from typing import Any

from hub.access import policy
from hub.catalog import API_TYPES
from hub.context import Info
from hub.errors import BadUserInput
from hub.graph import search_repo
from hub.graph.mapping import TYPES
from hub.resolvers.document import document
from hub.resolvers.traversal import Visible, compiler_for, returned, sub_fields

MAX_TEXT = 100
MAX_FIRST = 20

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A run of Chinese characters (each one token to the index's standard tokenizer) or of other
# letters and digits (one lower-cased token); everything else separates tokens.
_TOKEN = re.compile("([" + _CJK + "]+)|([^\\W_" + _CJK + "]+)")


def lucene_query(text: str) -> str | None:
    """The Lucene query for typed text: every token required, a run of Chinese characters as a
    phrase, the last token (letters and digits) as a prefix, for type-ahead. Tokens are letters,
    digits and Chinese characters only, so no Lucene syntax survives; None when nothing is left."""
    parts: list[str] = []
    matches = list(_TOKEN.finditer(text))
    for i, m in enumerate(matches):
        cjk, word = m.group(1), m.group(2)
        if cjk:
            parts.append('+"' + " ".join(cjk) + '"')
        else:
            last = i == len(matches) - 1
            parts.append("+" + word.lower() + ("*" if last else ""))
    return " ".join(parts) or None


def _types(types: list[str] | None) -> list[str]:
    if types is None:
        return list(TYPES)
    unknown = sorted(set(types) - set(TYPES))
    if unknown:
        raise BadUserInput(
            "types: node types of the graph, from " + ", ".join(TYPES), field="types"
        )
    return [t for t in TYPES if t in types]


async def search(info: Info, text: str, types: list[str] | None, first: int) -> Any:
    if len(text) > MAX_TEXT:
        raise BadUserInput(f"text: at most {MAX_TEXT} characters", field="text")
    query = lucene_query(text)
    if query is None:
        raise BadUserInput("text: type letters, digits or Chinese characters", field="text")
    if not 1 <= first <= MAX_FIRST:
        raise BadUserInput(f"first must be between 1 and {MAX_FIRST}", field="first")
    wanted = _types(types)
    c = compiler_for(info)
    view = Visible(c)
    nodes = sub_fields(c, "SearchGroup", document(info).field_nodes).get("nodes", [])
    role = info.context.principal.role
    groups = []
    for t in wanted:
        rule = view.rule(t, "node")
        props = policy.search_fields(role, API_TYPES[t])
        if rule is None or not props:
            continue  # a type the role may not read, or may not search: nothing, as if no hit
        projection = view.project_as(t, "n", nodes, "SearchGroup.nodes", first) if nodes else "{}"
        groups.append(search_repo.TypeSearch(t, TYPES[t].label, props, rule, projection))
    if not groups:
        return []
    params = {**c.params, "q": query, "first": first, "room": first + 1}
    statements = [search_repo.group(g) for g in groups]
    return returned(info, await info.context.graph.read(search_repo.search, statements, params))
