"""nn is built on autograd_lite's public names only, and autograd_lite never imports nn."""

import ast
import subprocess
import sys
from pathlib import Path

import autograd_lite
import nn

ROOT = Path(__file__).resolve().parent.parent


def imports(package):
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                yield path, node.module, [alias.name for alias in node.names]
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name, []


def library_imports():
    """nn's library modules; the worked-example catalogue (nn/examples) is checked by its own tests."""
    for path, module, names in imports("nn"):
        if "examples" not in path.relative_to(ROOT).parts:
            yield path, module, names


def test_nn_uses_only_public_names_of_autograd_lite():
    used = set()
    for path, module, names in library_imports():
        if module.split(".")[0] != "autograd_lite":
            continue
        assert module == "autograd_lite", f"{path.name} imports the private module {module}"
        for name in names:
            assert name in autograd_lite.__all__, (
                f"{path.name} imports {name}, not in autograd_lite.__all__"
            )
            used.add(name)
    assert {"Value", "dot", "softmax", "vsum", "no_grad"} <= used


def test_autograd_lite_never_imports_nn():
    for path, module, _ in imports("autograd_lite"):
        assert module.split(".")[0] != "nn", f"{path.name} imports {module}"
    code = "import sys, autograd_lite; sys.exit('nn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT).returncode == 0


# PyTorch is an optional extra, imported inside the functions that need it (never by
# `import nn`: tests/test_torch_bridge.py checks that, and that no module does it at import)
OPTIONAL = {"torch_bridge.py": {"torch"}}


def test_nn_needs_only_the_standard_library_and_tqdm():
    allowed = set(sys.stdlib_module_names) | {"autograd_lite", "tqdm", "nn"}
    for path, module, _ in library_imports():
        optional = OPTIONAL.get(path.name, set())
        assert module.split(".")[0] in allowed | optional, f"{path.name} imports {module}"


def test_the_public_names_exist():
    for name in nn.__all__:
        assert hasattr(nn, name), name
    for name in [
        "MLP",
        "Layer",
        "Neuron",
        "Module",
        "SGD",
        "RMSprop",
        "Adam",
        "fit",
        "save",
        "load",
    ]:
        assert name in nn.__all__
