"""The layout holds: small modules, no import cycle, every deliberate error a package class.

Read from the source with ``ast``, so the test sees what a reader of the code sees.
"""

from __future__ import annotations

import ast
import builtins
import graphlib
from pathlib import Path

import pytest

import autograd_lite.errors

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd_lite", "nn")
MAX_LINES = 400
# Raised for the standard library's own protocols, or as internal signals the engine turns
# into a package error before anyone sees them.
ALLOWED = {"NotImplementedError", "SystemExit", "StopIteration"}
INTERNAL_SIGNALS = {"autograd_lite/ops.py"}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path) -> set[str]:
    """The package modules ``name`` imports anywhere in its file, except for type checking."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in node.body
        for n in ast.walk(child)
    }
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets.add(base)
            targets |= {f"{base}.{alias.name}" for alias in node.names}
    return targets


def test_no_module_is_over_400_lines():
    long = {
        name: n
        for name, path in modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_the_package_imports_form_no_cycle():
    known = modules()
    graph = {
        # a module importing its own package (``from . import x``) is how a package is read,
        # not a cycle; every other import of a package module is an edge
        name: {
            t
            for t in _imports(name, path)
            if t in known and t != name and not name.startswith(t + ".")
        }
        for name, path in known.items()
    }
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail("import cycle: " + " -> ".join(exc.args[1]))


def test_the_walk_would_see_a_cycle():
    """The walk above resolves relative imports: a known pair must show up as an edge."""
    known = modules()
    assert "autograd_lite.engine" in _imports("autograd_lite.trace", known["autograd_lite.trace"])
    assert "nn.module" in _imports("nn.layers", known["nn.layers"])


def test_every_error_raised_on_purpose_is_a_package_class():
    package_errors = {
        name
        for name, obj in vars(autograd_lite.errors).items()
        if isinstance(obj, type) and issubclass(obj, autograd_lite.errors.AutogradError)
    }
    builtin_errors = {
        name
        for name, obj in vars(builtins).items()
        if isinstance(obj, type) and issubclass(obj, BaseException)
    }
    offenders = []
    for path in modules().values():
        relative = path.relative_to(ROOT).as_posix()
        if relative in INTERNAL_SIGNALS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                called = func.id if isinstance(func, ast.Name) else ast.unparse(func)
                if called in builtin_errors and called not in ALLOWED:
                    offenders.append(f"{relative}:{node.lineno} raises {called}")
    assert not offenders, "\n".join(offenders)
    assert {"GraphChangedError", "ModelFileError", "DotNotFoundError"} <= package_errors
