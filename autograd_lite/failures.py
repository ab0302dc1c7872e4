"""The error for an operation that failed: which operation, on which values, with which labels.

Kept out of the engine's reading path; the engine calls it only once something failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .errors import DivisionByZeroError, DomainError, ValueOverflowError
from .ops import Op


def operation_failure(
    op: Op,
    parents: Sequence[Any],
    constant: float | None,
    exc: Exception,
    *,
    result: float | None = None,
    in_backward: bool = False,
) -> Exception:
    """The error for a failed operation, naming it, its operands' values and labels."""
    texts = [p.label or repr(p.data) for p in parents]
    if op.has_constant:
        texts.append(repr(constant))
    given = ", ".join(f"{p.label} = {p.data!r}" for p in parents if p.label)
    where = op.show(*texts) + (f" with {given}" if given else "")
    if in_backward:
        return DomainError(f"the local derivative of {op.name} is not finite at {where}")
    if result is not None:
        return ValueOverflowError(f"{op.name} overflowed to {result!r} in {where}")
    if isinstance(exc, ZeroDivisionError):
        return DivisionByZeroError(f"{op.name}: division by zero in {where}")
    if isinstance(exc, OverflowError):
        return ValueOverflowError(f"{op.name}: result too large for a float in {where}")
    return DomainError(f"{op.name} needs {op.domain}; got {where}")
