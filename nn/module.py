"""``Module``: what every network part shares: named parameters, gradients, state, saving."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from autograd_lite import Value


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
        each a finite int or float.
        """
        if not isinstance(state, Mapping):
            raise TypeError(
                f"load_state_dict takes a mapping of names to numbers, got {type(state).__name__}"
            )
        named = self.named_parameters()
        check_names(set(state), [name for name, _ in named], "state_dict")
        for name, _ in named:
            check_number(state[name], f"state_dict[{name!r}]")
        for name, p in named:
            p.data = float(state[name])

    def save(self, path: str | os.PathLike) -> None:
        """Write the architecture and every parameter as JSON, atomically (see ``nn.save``)."""
        from .serialize import save

        save(self, path)


def check_names(given: set[str], expected: list[str], what: str) -> None:
    """Raise a ``ValueError`` listing missing and unexpected parameter names."""
    missing = [name for name in expected if name not in given]
    unexpected = sorted(given.difference(expected))
    if not missing and not unexpected:
        return
    problems = []
    if missing:
        problems.append(f"missing {_some(missing)}")
    if unexpected:
        problems.append(f"unexpected {_some(unexpected)}")
    raise ValueError(
        f"{what} does not match the model: {'; '.join(problems)} "
        f"(the model has {len(expected)} parameters, {what} has {len(given)} entries)"
    )


def check_number(x: object, where: str) -> float:
    """``x`` as a float if it is a finite int or float; otherwise an error naming ``where``."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{where} must be a number, got {type(x).__name__} ({x!r})")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{where} is {x!r}; parameters must be finite numbers")
    return x


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return shown + more
