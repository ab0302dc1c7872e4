"""``Module``: what every network part shares: named parameters, gradients, state, saving."""

from __future__ import annotations

import os
from collections.abc import Mapping

from autograd_lite import ArgumentError, ArgumentTypeError, Value

from . import _model_file
from ._checks import finite_real


class Module:
    """A part of a network that owns parameters (``Value`` leaves) under stable names.

    Subclasses provide ``named_parameters()`` and ``architecture()``; everything else
    here is derived from those two.
    """

    def named_parameters(self) -> list[tuple[str, Value]]:
        """``(name, parameter)`` pairs in a fixed order, e.g. ``("layers.0.neurons.2.w.1", w)``."""
        raise NotImplementedError

    def architecture(self) -> dict:
        """The constructor arguments that rebuild this module's shape (saved by ``save``)."""
        raise NotImplementedError

    def parameters(self) -> list[Value]:
        """The parameters in ``named_parameters``' order (subclasses skip building the names)."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0: leaves accumulate across ``backward()`` calls."""
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name: a plain dict of floats, safe to keep or compare."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float]) -> None:
        """Set every parameter from ``state``; check all of it first, so a bad one changes nothing.

        ``state`` must name exactly this module's parameters (see ``named_parameters``),
        each a finite real number.
        """
        if not isinstance(state, Mapping):
            raise ArgumentTypeError(
                f"load_state_dict takes a mapping of names to numbers, got {type(state).__name__}"
            )
        named = self.named_parameters()
        check_names(set(state), [name for name, _ in named], "state_dict")
        values = [finite_real(state[name], f"state_dict[{name!r}]") for name, _ in named]
        for (_, p), x in zip(named, values):
            p.data = x

    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture and every parameter as JSON, atomically (see ``nn.save``)."""
        _model_file.save(self, path)


def check_names(given: set[str], expected: list[str], what: str) -> None:
    """Raise an ``ArgumentError`` listing missing and unexpected parameter names."""
    missing = [name for name in expected if name not in given]
    unexpected = sorted(given.difference(expected))
    if not missing and not unexpected:
        return
    problems = []
    if missing:
        problems.append(f"missing {_some(missing)}")
    if unexpected:
        problems.append(f"unexpected {_some(unexpected)}")
    raise ArgumentError(
        f"{what} does not match the model: {'; '.join(problems)} "
        f"(the model has {len(expected)} parameters, {what} has {len(given)} entries)"
    )


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more
