"""Cypher is written in two places only: the graph-access package (hub/graph/) and the read
compiler (docs/architecture.md). Every other module of hub/ says what it wants in data (the
catalog's scopes and masks, the policy's answers) and leaves the Cypher to them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

HUB = Path(__file__).resolve().parent.parent / "hub"

# The read compiler: the statement of a root field, its filters, its traversals, its masks.
COMPILER = frozenset(
    {
        "resolvers/compiler.py",
        "resolvers/filters.py",
        "resolvers/traversal.py",
        "resolvers/masks.py",
    }
)

CYPHER = re.compile(
    r"\b(?:OPTIONAL\s+MATCH|MATCH|MERGE|CREATE)\s*\("  # a clause over a pattern
    r"|\b(?:UNWIND|RETURN|WITH\s+DISTINCT)\s"
    r"|\bDETACH\s+DELETE\b"
    r"|\b(?:EXISTS|COUNT|COLLECT|CALL)\s*\{"  # subqueries
    r"|-\[|\]->|<-\["  # relationship patterns
    r"|\(\w*:\w+(?:\|\w+)*\s*[{)]"  # node patterns: (:Label {...}), (n:Label)
    r"|\$scope(?:Enterprise|District)\b"  # the bindings' parameters
    r"|\bCASE\s+WHEN\b|\bIS\s+(?:NOT\s+)?NULL\b"  # expressions: the masks'
    r"|\b(?:coalesce|toString|toLower|left|right|size|head)\("
    r"|\b_n_\."  # a row placeholder
)


def looks_like_cypher(text: str) -> bool:
    return CYPHER.search(text) is not None


def _docstrings(tree: ast.Module) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def cypher_strings(path: Path) -> list[str]:
    """The string constants of a module that look like Cypher (docstrings aside)."""
    tree = ast.parse(path.read_text(), str(path))
    docs = _docstrings(tree)
    name = path.relative_to(HUB.parent) if path.is_relative_to(HUB.parent) else path.name
    return [
        f"{name}:{node.lineno}: {node.value[:80]!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docs
        and looks_like_cypher(node.value)
    ]


def _outside_cypher_homes() -> list[Path]:
    return [
        p
        for p in sorted(HUB.rglob("*.py"))
        if p.relative_to(HUB).parts[0] != "graph" and p.relative_to(HUB).as_posix() not in COMPILER
    ]


def test_no_module_outside_the_graph_package_and_the_compiler_writes_cypher() -> None:
    found = [hit for path in _outside_cypher_homes() for hit in cypher_strings(path)]
    assert found == [], "Cypher outside hub/graph/ and the compiler:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n:Cylinder {code: $code}) RETURN n",
        "EXISTS { (_n_)-[:OWNED_BY]->(:Enterprise {uscc: $scopeEnterprise}) }",
        "_n_.uscc = $scopeEnterprise",
        "NOT EXISTS { (_n_)-[:LOCATED_AT]->() }",
        "<-[:OF]-",
        "UNWIND $rows AS row MERGE (e:Alert {id: row.id})",
        "MATCH (n) DETACH DELETE n",
        "COLLECT { MATCH (a) RETURN a }",
        "left(_v_, 6) + '********' + right(_v_, 4)",
        "CASE WHEN ",
        "coalesce(_n_.textMasked, '')",
    ],
)
def test_the_guard_knows_cypher_when_it_sees_it(text: str) -> None:
    assert looks_like_cypher(text)


@pytest.mark.parametrize(
    "text",
    [
        "-OWNED_BY-> Enterprise[uscc = bound enterprise]",  # the policy document's notation
        '"police" in departments',
        "the rows a role may read; return them newest first",
        "masked (id_number)",
    ],
)
def test_the_guard_leaves_words_and_the_scope_notation_alone(text: str) -> None:
    assert not looks_like_cypher(text)


def test_the_guard_finds_a_predicate_put_back_in_the_access_package(tmp_path: Path) -> None:
    module = tmp_path / "policy.py"
    module.write_text(
        '"""A docstring may say MATCH (n) RETURN n."""\n'
        'BY_ENTERPRISE = {"Cylinder": "EXISTS { (_n_)-[:OWNED_BY]->(:Enterprise) }"}\n'
    )
    hits = cypher_strings(module)
    assert len(hits) == 1
    assert hits[0].startswith("policy.py:2:")
