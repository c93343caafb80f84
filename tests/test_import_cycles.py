"""No import cycle between the modules of qa/ (issue 23: one owner for each concept).

Every import counts, also one inside a function or under `if TYPE_CHECKING:`: hiding an import
in a function does not remove the dependency. A module depends on the module that owns the
imported name (`from qa.store import FileRecord` -> qa.store, `from qa.store.base import
FileRecord` -> qa.store.base); a package does not depend on its parent package by being inside
it. This is the notion of the project's shared tool (../shared/tools/import_cycles.py), written
out here so that the test runs on a clean clone.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def module_graph(root: Path) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports (module- and function-level alike)."""
    base = root.name
    modules = {".".join(p.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__"): p
               for p in root.rglob("*.py")}

    def owner(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                deps |= {owner(alias.name) for alias in node.names if alias.name.split(".")[0] == base}
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(parts + ([module] if module else []))
                if module.split(".")[0] == base:
                    deps |= {owner(f"{module}.{alias.name}") or owner(module) for alias in node.names}
        graph[name] = {d for d in deps if d and d != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def describe(graph: dict[str, set[str]], group: list[str]) -> str:
    edges = "; ".join(f"{a} -> {', '.join(sorted(b for b in graph[a] if b in group))}" for a in group)
    return f"{' <-> '.join(group)} ({edges})"


def test_qa_has_no_import_cycle():
    graph = module_graph(REPO / "qa")
    assert len(graph) > 50  # the package was found
    found = cycles(graph)
    assert not found, "import cycles in qa/:\n" + "\n".join(describe(graph, g) for g in found)


def test_the_check_finds_a_cycle_through_a_function_level_and_a_relative_import(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("from pkg.sub import thing\n")
    (package / "sub" / "__init__.py").write_text("def thing():\n    from ..helpers import helper\n")
    (package / "helpers.py").write_text("import os\nfrom pkg import sub\n")
    (package / "alone.py").write_text("from pkg.helpers import helper\nimport pkg.sub\n")
    graph = module_graph(package)
    assert graph["pkg.sub"] == {"pkg.helpers"} and graph["pkg.helpers"] == {"pkg.sub"}
    assert cycles(graph) == [["pkg.helpers", "pkg.sub"]]
    assert describe(graph, ["pkg.helpers", "pkg.sub"]) == \
        "pkg.helpers <-> pkg.sub (pkg.helpers -> pkg.sub; pkg.sub -> pkg.helpers)"
