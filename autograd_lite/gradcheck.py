"""``gradcheck``: is ``backward()`` right? Compare it with central finite differences.

Public because learners who add an operation, or write a loss by hand, need the
same check the test suite uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .engine import Value, no_grad
from .errors import ArgumentTypeError


@dataclass(frozen=True)
class GradcheckRow:
    """One input: the gradient from ``backward()`` beside the finite-difference estimate."""

    index: int
    label: str
    analytic: float
    numeric: float
    ok: bool

    @property
    def error(self) -> float:
        return abs(self.analytic - self.numeric)


@dataclass(frozen=True)
class GradcheckResult:
    """Truthy when every input agrees; ``str()`` is a table naming the ones that do not."""

    rows: tuple[GradcheckRow, ...]

    @property
    def ok(self) -> bool:
        return all(row.ok for row in self.rows)

    @property
    def failures(self) -> tuple[GradcheckRow, ...]:
        return tuple(row for row in self.rows if not row.ok)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        lines = [f"gradcheck: {'ok' if self.ok else 'MISMATCH'}"]
        lines.append(f"{'input':>10}  {'backward()':>22}  {'finite diff.':>22}  {'|diff|':>9}")
        for row in self.rows:
            name = row.label or f"#{row.index}"
            mark = "" if row.ok else "  <- disagrees"
            lines.append(
                f"{name:>10}  {row.analytic:>22.15g}  {row.numeric:>22.15g}  {row.error:>9.2e}{mark}"
            )
        return "\n".join(lines)

    __repr__ = __str__


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    *,
    eps: float = 1e-6,
    rtol: float = 1e-3,
    atol: float = 1e-5,
) -> GradcheckResult:
    """Check ``backward()`` of ``f(*values)`` against ``(f(x+eps) - f(x-eps)) / 2eps``.

    ``inputs`` are numbers or Values (their data and labels are used; they are not
    modified). An input passes when ``|analytic - numeric| <= atol + rtol*|numeric|``
    (PyTorch's default tolerances).
    """
    points = [float(x.data if isinstance(x, Value) else x) for x in inputs]
    labels = [x.label if isinstance(x, Value) else "" for x in inputs]

    leaves = [Value(x, label) for x, label in zip(points, labels)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise ArgumentTypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()

    def at(i: int, x: float) -> float:
        shifted = [Value(p, label) for p, label in zip(points, labels)]
        shifted[i] = Value(x, labels[i])
        with no_grad():
            return f(*shifted).data

    rows = []
    for i, x in enumerate(points):
        numeric = (at(i, x + eps) - at(i, x - eps)) / (2 * eps)
        analytic = float(leaves[i].grad)
        ok = abs(analytic - numeric) <= atol + rtol * abs(numeric)
        rows.append(GradcheckRow(i, labels[i], analytic, numeric, ok))
    return GradcheckResult(tuple(rows))
