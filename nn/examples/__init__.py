"""The seed articles' worked examples, reproduced value by value, printed numbers beside ours.

The catalogue lives in ``nn`` rather than in ``autograd_lite`` because most examples
are networks built with ``nn``, and the engine must never import ``nn``. The command
line reaches it through the ``autograd_lite.commands`` entry point (``nn.examples.cli``).

Each example is a module with ``TITLE``, ``SOURCE`` and ``run() -> ExampleResult``;
modules are imported only when asked for, so listing the catalogue stays cheap.
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import autograd_lite
from autograd_lite import NotFoundError, ShadowedModuleError

from .report import ExampleResult, Quantity, agreement

if TYPE_CHECKING:
    from .checker.result import CheckResult

NN_API = ("Module", "MLP", "SGD", "fit")
"""Names the examples use from ``nn``: a module called ``nn`` without them is not ours."""


def check_nn() -> None:
    """``nn`` must be this project's package, beside ``autograd_lite``, with its API.

    A local ``nn.py`` or folder, or PyPI's unrelated ``nn`` installed over ours, would
    otherwise fail later as ``AttributeError: module 'nn' has no attribute ...``.
    """
    nn = sys.modules[__name__.rpartition(".")[0]]
    where = getattr(nn, "__file__", None)
    expected = Path(autograd_lite.__file__).resolve().parent.parent / "nn" / "__init__.py"
    if (
        where is not None
        and Path(where).resolve() == expected
        and all(hasattr(nn, name) for name in NN_API)
    ):
        return
    found = where or getattr(nn, "__path__", None) or repr(nn)
    raise ShadowedModuleError(
        f"the module 'nn' that Python imports is {found}, not autograd-lite's nn "
        f"(expected {expected}, beside autograd_lite). A file or folder named nn in the "
        "current directory or on PYTHONPATH shadows it: rename it. If PyPI's unrelated 'nn' "
        "package was installed over ours: pip uninstall nn, then reinstall autograd-lite."
    )


check_nn()

CATALOGUE: dict[str, str] = {
    "gad-neuron": "gad_neuron",
    "gad-two-input": "gad_two_input",
    "gad-mlp": "gad_mlp",
    "prakash-333": "prakash_333",
    "brownlee-contrived": "brownlee_contrived",
    "brownlee-seeds": "brownlee_seeds",
    "sood-line": "sood_line",
    "jagtap-batch": "jagtap_batch",
}
"""Example name -> its module in this package, in the order of the catalogue."""


def names() -> list[str]:
    return list(CATALOGUE)


def module(name: str) -> ModuleType:
    """The module of example ``name``; a clear error for an unknown name."""
    if name not in CATALOGUE:
        raise NotFoundError(f"no example named {name!r}; the examples are: {', '.join(CATALOGUE)}")
    return import_module(f"{__name__}.{CATALOGUE[name]}")


def check(source: str | Path | dict) -> CheckResult:
    """Check a worked-example file (a TOML path, or a dict of its shape): ``checker.check``.

    Imported when first called, so listing the catalogue stays cheap.
    """
    from .checker import check as check_file

    return check_file(source)


def run(name: str, **options: object) -> ExampleResult:
    """Compute example ``name`` and return its result (quantities, trace, graph)."""
    return module(name).run(**options)


__all__ = [
    "CATALOGUE",
    "ExampleResult",
    "Quantity",
    "agreement",
    "check",
    "check_nn",
    "module",
    "names",
    "run",
]
