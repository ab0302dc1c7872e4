"""The error for an operation that failed: which operation, on which values, with which labels.

Kept out of the engine's reading path; the engine calls it only once something failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from .errors import DivisionByZeroError, DomainError, ValueOverflowError
from .ops import Op

_GRAD = attrgetter("grad")


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


def nonfinite_gradient(
    op: Op,
    parents: Sequence[Any],
    constant: float | None,
    position: int,
    local: float,
    upstream: float,
    *,
    names: Sequence[str] | None = None,
) -> Exception:
    """The error for a chain-rule product that is not finite, naming the operation and values.

    ``names`` are the operands' names as a reader shows them; by default, their labels.
    """
    texts = list(names) if names is not None else [p.label or repr(p.data) for p in parents]
    if op.has_constant:
        texts.append(repr(constant))
    given = dict.fromkeys(f"{t} = {p.data!r}" for t, p in zip(texts, parents) if t != repr(p.data))
    values = ", ".join(given)
    where = op.show(*texts) + (f" with {values}" if values else "")
    operand = texts[position]
    advice = (
        "; a gradient that is not a number would reach every value before it "
        "(inside `with allow_nonfinite():` it is allowed)"
    )
    if local - local != 0.0:
        return DomainError(
            f"the local derivative of {op.name} with respect to {operand} is {local!r} at "
            f"{where}" + advice
        )
    return ValueOverflowError(
        f"the gradient passed back through {op.name} to {operand} overflows at {where}: "
        f"local derivative {local!r} times upstream gradient {upstream!r} is "
        f"{local * upstream!r}" + advice
    )


def nonfinite_sum(label: str, total: float) -> Exception:
    """The error for gradients that are each finite but add up past the largest float."""
    return ValueOverflowError(
        f"the gradients reaching {label} add up to {total!r}, past the largest float; scale "
        "the loss down (inside `with allow_nonfinite():` it is allowed)"
    )


def nonfinite_received(node: Any, order: Sequence[Any], local_grads: Any) -> Exception:
    """Why ``node``'s gradient is not finite: the first product into it that is not, or the sum."""
    for consumer in order:
        if consumer.grad == 0.0 or not any(p is node for p in consumer.parents):
            continue
        for i, local in enumerate(local_grads(consumer)):
            if consumer.parents[i] is node:
                product = local * consumer.grad
                if product - product != 0.0:
                    return nonfinite_gradient(
                        consumer.op, consumer.parents, consumer.constant, i, local, consumer.grad
                    )
    return nonfinite_sum(node.label or repr(node.data), node.grad)


def check_leaf_gradients(leaves: list[Any], order: Sequence[Any], local_grads: Any) -> None:
    """Raise for the first leaf whose gradient is not finite; one sum in C finds that none is."""
    total = sum(map(_GRAD, leaves), 0.0)
    if type(total) is float and total - total == 0.0:
        return  # every leaf gradient finite (a sum that overflowed only means: look closer)
    for leaf in leaves:
        g = leaf.grad
        if type(g) is float and g - g != 0.0:
            raise nonfinite_received(leaf, order, local_grads)
