"""A catalogue example's shipped file, checked: its quantities under the catalogue's names.

An example that is a fixed computation states it in ``files/NAME.toml``, the format
``autograd-lite check`` reads. Its ``run()`` loads that file, lets the checker compute
each printed quantity (and any other it asks for), and builds the table's rows from the
file's printed digits and the checker's values: one row may gather several of the file's
keys into a vector (``["increment_b", "increment_W1"]``). A row that mismatches takes the
example's own reason when it has one, else what the mistake models found.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from importlib.resources import as_file, files
from typing import Any

from autograd_lite import NotFoundError

from .checker.computation import Computation
from .checker.evaluate import compute, evaluate
from .checker.file_format import load
from .checker.mistakes import explain
from .checker.plan import Query, compile_computation
from .checker.quantities import QUANTITY
from .report import Quantity, agreement

WRONG = "MISMATCH"
UNEXPLAINED = "unexplained: no known mistake reproduces the printed number"

Keys = str | Sequence[Any]
"""A key of the file (``"s"``, ``"dE/dW1"``, ``"W1@1"``), or a nested list of keys."""


def shipped(name: str) -> Computation:
    """``files/<name>.toml`` of this package, read by the checker's own parser."""
    with as_file(files(__package__).joinpath("files").joinpath(f"{name}.toml")) as path:
        return load(path)


def file_note(*names: str) -> str:
    """The example's note saying where its file is, for a reader to check or copy it."""
    paths = " and ".join(f"nn/examples/files/{name}.toml" for name in names)
    return f"The fixed computation and its printed numbers: {paths} (autograd-lite check FILE)."


def query(key: str) -> Query:
    """The quantity a key of ``[printed]`` names: ``E``, ``dE/dW1``, ``W1@1``, ``dE/dW1@3``."""
    match = QUANTITY.fullmatch(key)
    if match is None:
        raise NotFoundError(f"{key!r} is not a quantity (name, dA/dB, name@K or dA/dB@K)")
    of = match["of"] or match["of_d"]
    return Query(of, match["wrt"], int(match["k"] or 0))


def grid(pattern: str, **sizes: int) -> Keys:
    """``pattern`` for every index from 1, nested in the order given: ``grid("a2_{i}", i=3)``
    is a vector, ``grid("w4_{b}_{a}", a=3, b=3)`` a matrix whose row a holds ``w4_1_a`` ..."""

    def build(fixed: dict[str, int], rest: list[tuple[str, int]]) -> Keys:
        if not rest:
            return pattern.format(**fixed)
        (name, n), *inner = rest
        return [build({**fixed, name: i}, inner) for i in range(1, n + 1)]

    return build({}, list(sizes.items()))


def _flat(keys: Keys) -> list[str]:
    return [keys] if isinstance(keys, str) else [k for item in keys for k in _flat(item)]


def _nest(keys: Keys, table: dict[str, Any]) -> Any:
    return table[keys] if isinstance(keys, str) else [_nest(k, table) for k in keys]


class Checked:
    """One file's computation, its printed digits and every value the checker computes for it."""

    def __init__(self, computation: Computation) -> None:
        self.computation = computation
        self.printed = {p.key: p.text for p in computation.printed}
        self._plan = compile_computation(computation)
        self._values: dict[str, float] = {}
        self._explained: dict[str, list] | None = None

    @classmethod
    def shipped(cls, name: str) -> Checked:
        return cls(shipped(name))

    def values(self, keys: Sequence[str]) -> list[float]:
        """The engine's value of each key (printed or not), one training run for them all."""
        missing = [k for k in dict.fromkeys(keys) if k not in self._values]
        if missing:
            found = compute(self._plan, [query(k) for k in missing])
            self._values.update(zip(missing, found))
        return [self._values[k] for k in keys]

    def value(self, key: str) -> float:
        return self.values([key])[0]

    def has_printed(self, keys: Keys) -> bool:
        """Whether the file prints every one of these keys."""
        return all(k in self.printed for k in _flat(keys))

    def digits(self, keys: Keys) -> Any:
        """The file's printed digits of these keys, nested like them."""
        return _nest(keys, self.printed)

    def explanations(self, keys: Keys) -> tuple[str, ...]:
        """What the mistake models found for each of these printed keys that mismatches."""
        if self._explained is None:
            computed = evaluate(self.computation)
            agreements = {k: agreement(text, computed[k]) for k, text in self.printed.items()}
            self._explained = explain(self.computation, computed, agreements).by_quantity
        flat = _flat(keys)
        if len(flat) == 1:
            return tuple(f"{e.model} ({e.detail})" for e in self._explained.get(flat[0], ()))
        entries: dict[str, set[str]] = {}  # a vector's: each model, and the entries it explains
        for key in flat:
            for e in self._explained.get(key, ()):
                entries.setdefault(e.model, set()).add(key)
        return tuple(f"{m} for {len(ks)} of {len(flat)} entries" for m, ks in entries.items())

    def quantity(
        self, name: str, keys: Keys, *, reason: str = "", note: str = "", printed: bool = True
    ) -> Quantity:
        """The row ``name``: the keys' values and, unless ``printed=False``, the file's digits.

        A row that mismatches lists what the mistake models found; without a ``reason`` of
        the example's own, that is its reason (``unexplained`` when no model reproduces it).
        """
        flat = _flat(keys)
        computed = _nest(keys, dict(zip(flat, self.values(flat))))
        if not printed:
            return Quantity(name, computed, note=note)
        wrong = [k for k in flat if agreement(self.printed[k], self.value(k)) == WRONG]
        found = self.explanations(keys) if wrong else ()
        if wrong and not reason:
            reason, found = "; ".join(found) or UNEXPLAINED, ()
        return Quantity(
            name, computed, self.digits(keys), reason=reason, note=note, explanations=found
        )

    def at(self, **values: float) -> Checked:
        """The same file from other leaf values (``at(W1=0.4999)``): what an article's second
        pass computes from numbers it carried over."""
        unknown = sorted(set(values) - set(self.computation.values))
        if unknown:
            raise NotFoundError(f"{self.computation.title}: no leaf called {unknown[0]!r}")
        leaves = {**self.computation.values, **values}
        return Checked(dataclasses.replace(self.computation, values=leaves))

    def training_on(self, loss: str) -> Checked:
        """The same file, its ``[train]`` step taken on another of its steps (a second loss)."""
        training = self.computation.training
        if training is None or loss not in {step.name for step in self.computation.steps}:
            raise NotFoundError(f"{self.computation.title}: no [train], or no step called {loss!r}")
        retrained = dataclasses.replace(training, loss=loss)
        return Checked(dataclasses.replace(self.computation, training=retrained))
