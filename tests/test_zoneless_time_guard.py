"""No Cypher of the hub asks the database for today or now: Neo4j's zone-less `date()` and
`datetime()` answer in the server's zone (UTC), which is yesterday in Fuzhou until 08:00.
Every string literal of hub/, graph_seed/ and tests/ is scanned (docstrings aside)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("hub", "graph_seed", "tests")
# date(), datetime(), localdatetime(), localtime(), time(), and their .transaction(),
# .statement() and .realtime() clocks, called with no argument (no zone, no value).
ZONELESS = re.compile(
    r"(?<![\w.])(?:date|datetime|localdatetime|localtime|time)"
    r"(?:\.(?:transaction|statement|realtime))?\(\s*\)",
    re.IGNORECASE,
)


def _docstrings(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def zoneless_calls(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal in `source` that calls a zone-less clock."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            match = ZONELESS.search(node.value)
            if match:
                found.append((node.lineno, match.group(0)))
    return found


def _sources() -> list[Path]:
    here = Path(__file__).resolve()  # its examples below are zone-less on purpose
    return sorted(
        p
        for top in SCANNED
        for p in (ROOT / top).rglob("*.py")
        if "node_modules" not in p.parts and p.resolve() != here
    )


def test_no_cypher_in_the_tree_calls_a_zone_less_clock() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _sources()
        for line, text in zoneless_calls(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "pass the hub's clock as $today / $now instead:\n" + "\n".join(
        offenders
    )


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (c) WHERE c.nextInspection < date() RETURN c",
        "SET n.at = datetime()",
        "RETURN localdatetime( )",
        "RETURN datetime.transaction()",
        "RETURN DATE()",
    ],
)
def test_the_guard_catches_a_zone_less_call(statement: str) -> None:
    assert zoneless_calls(f"QUERY = {statement!r}\n") != []


@pytest.mark.parametrize(
    "statement",
    [
        "MATCH (c) WHERE c.nextInspection < $today RETURN c",
        "RETURN date(e.time), datetime(row.time), date({timezone: 'Asia/Shanghai'})",
        "RETURN toString(date(datetime($now)))",
    ],
)
def test_the_guard_lets_zoned_and_converting_calls_pass(statement: str) -> None:
    assert zoneless_calls(f"QUERY = {statement!r}\n") == []


def test_docstrings_may_explain_the_rule() -> None:
    assert zoneless_calls('"""Never call date() here."""\nX = 1\n') == []
