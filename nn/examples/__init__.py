"""The seed articles' worked examples, reproduced value by value, printed numbers beside ours.

The catalogue lives in ``nn`` rather than in ``autograd_lite`` because most examples
are networks built with ``nn``, and the engine must never import ``nn``. The command
line reaches it through the ``autograd_lite.commands`` entry point (``nn.examples.cli``).

Each example is a module with ``TITLE``, ``SOURCE`` and ``run() -> ExampleResult``;
modules are imported only when asked for, so listing the catalogue stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from autograd_lite import NotFoundError

from .report import ExampleResult, Quantity, agreement

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


def run(name: str, **options: object) -> ExampleResult:
    """Compute example ``name`` and return its result (quantities, trace, graph)."""
    return module(name).run(**options)


__all__ = ["CATALOGUE", "ExampleResult", "Quantity", "agreement", "module", "names", "run"]
