"""The hub's layers are docs/architecture.md's table, and the imports keep to it: none runs up a
layer, none closes a cycle, and every module of hub/ has a place in the table."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUB = ROOT / "hub"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def layers() -> list[tuple[str, list[str]]]:
    """The table of docs/architecture.md's "Layers", top first: each layer's name and the paths
    of its `where` column (a folder ends with a slash)."""
    text = ARCHITECTURE.read_text().split("## Layers", 1)[1]
    out: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and "`hub/" in cells[1]:
            out.append((cells[0], re.findall(r"`(hub/[^`]*)`", cells[1])))
        elif out and not line.startswith("|"):
            break
    return out


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module(p): p for p in sorted(HUB.rglob("*.py"))}


def layer_of(module: str, table: list[tuple[str, list[str]]]) -> int | None:
    """The rank of a module's layer (0 at the top), None when the table does not place it."""
    for rank, (_, paths) in enumerate(table):
        for path in paths:
            if path.endswith("/"):
                prefix = path.rstrip("/").replace("/", ".")
                if module == prefix or module.startswith(prefix + "."):
                    return rank
            elif _module(ROOT / path) == module:
                return rank
    return None


def _resolve(name: str) -> str | None:
    """The module of hub/ an imported name lives in (the name itself, or the package holding it)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imports(module: str) -> Iterator[tuple[str, int]]:
    """The modules of hub/ that `module` imports, anywhere in it (at the top, in functions, under
    TYPE_CHECKING), with the line."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _resolve(alias.name) if alias.name.startswith("hub") else None
                if target and target != module:
                    yield target, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if base != "hub" and not base.startswith("hub."):
                continue
            for alias in node.names:
                full = base + "." + alias.name
                target = full if full in MODULES else _resolve(base)
                if target and target != module:
                    yield target, node.lineno


EDGES: dict[str, list[tuple[str, int]]] = {m: list(imports(m)) for m in MODULES}
GRAPH: dict[str, set[str]] = {m: {t for t, _ in edges} for m, edges in EDGES.items()}


def test_the_architecture_page_lists_the_layers_top_down() -> None:
    names = [name for name, _ in layers()]
    assert names[0] == "wiring"
    assert names[-1] == "base"
    assert names.index("resolvers") < names.index("access") < names.index("graph access")
    assert names.index("graph access") < names.index("catalog")


def test_every_module_of_the_hub_has_a_layer() -> None:
    table = layers()
    assert [m for m in MODULES if layer_of(m, table) is None] == []


def _upward() -> list[str]:
    table = layers()
    names = [name for name, _ in table]
    out = []
    for module, edges in EDGES.items():
        rank = layer_of(module, table)
        assert rank is not None, module
        for target, line in edges:
            to = layer_of(target, table)
            assert to is not None, target
            if to < rank:
                out.append(f"{module}:{line} ({names[rank]}) imports {target} ({names[to]})")
    return out


def test_no_import_runs_up_a_layer() -> None:
    assert _upward() == []


def test_an_import_up_a_layer_is_named() -> None:
    EDGES["hub.access.policy"].append(("hub.resolvers.compiler", 1))
    try:
        assert _upward() == [
            "hub.access.policy:1 (access) imports hub.resolvers.compiler (resolvers)"
        ]
    finally:
        EDGES["hub.access.policy"].pop()


def _cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle() -> None:
    assert _cycles() == []


def test_the_cycle_finder_finds_one() -> None:
    GRAPH["hub.catalog.roles"].add("hub.catalog")
    try:
        assert any("hub.catalog" in c and "hub.catalog.roles" in c for c in _cycles())
    finally:
        GRAPH["hub.catalog.roles"].discard("hub.catalog")
