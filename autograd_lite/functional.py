"""Operations over sequences of Values: one n-ary node each, or a few stable steps.

``vsum`` and ``dot`` are single nodes so that summing 10,000 terms is not a
10,000-deep chain and a neuron's trace reads ``s = x1*w1 + x2*w2 + b``.
``softmax`` and ``log_softmax`` are written through ``logsumexp``, which shifts by
the largest input, so they stay finite for inputs of +-1000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .engine import Value, _record, as_value
from .errors import ArgumentError, DomainError
from .extend import apply
from .ops import DOT, LOGSUMEXP, VSUM


def _values(xs: Iterable[Value | float], symbol: str) -> tuple[Value, ...]:
    return tuple(as_value(x, symbol) for x in xs)


def vsum(values: Iterable[Value | float]) -> Value:
    """The sum of ``values`` as one node (0.0 for no values)."""
    operands = tuple(values)
    if not operands:
        return Value(0.0)
    return apply(VSUM, *operands)  # apply makes Values of plain numbers, in one pass


def dot(
    ws: Sequence[Value | float], xs: Sequence[Value | float], bias: Value | float | None = None
) -> Value:
    """``x1*w1 + x2*w2 + ... + bias`` as one node: a neuron's weighted sum."""
    if len(ws) != len(xs):
        raise ArgumentError(
            f"dot needs as many weights as inputs, got {len(ws)} weights and {len(xs)} inputs"
        )
    operands = _interleaved(xs, ws, bias)
    if not operands:
        return Value(0.0)
    return apply(DOT, *operands)


def layer_dot(ws: Sequence[Value], xs: Sequence[Value], bias: Value | None) -> Value:
    """``dot`` for a layer (``nn``'s): its own weights and the inputs it has checked are Values.

    The same node as ``dot(ws, xs, bias)``, without checking each operand again (for a
    16-wide neuron that costs as much as the sum itself). A weight a learner replaced by
    a plain number goes the checked way, as ``dot`` would take it.
    """
    operands = _interleaved(xs, ws, bias)
    try:
        return _record(DOT, operands) if operands else dot(ws, xs, bias)
    except AttributeError:  # a plain number among them: no .data
        return dot(ws, xs, bias)


def _interleaved(xs: Sequence, ws: Sequence, bias: object) -> tuple:
    """``(x1, w1, x2, w2, ..., bias)``, the dot row's operands: two slice assignments, in C."""
    n = 2 * len(xs)
    operands = [bias] * (n + (bias is not None))
    operands[0:n:2] = xs
    operands[1:n:2] = ws
    return tuple(operands)


def logsumexp(values: Iterable[Value | float]) -> Value:
    """``log(exp(x1) + ... + exp(xn))``, shifted by the largest term so it never overflows."""
    operands = tuple(values)
    if not operands:
        raise DomainError("logsumexp needs at least one value, got an empty sequence")
    return apply(LOGSUMEXP, *operands)


def log_softmax(values: Iterable[Value | float]) -> list[Value]:
    """``x_i - logsumexp(x)`` for each i: log-probabilities, finite for inputs of +-1000."""
    xs = _values(values, "log_softmax")
    if not xs:
        raise DomainError("log_softmax needs at least one value, got an empty sequence")
    normalizer = logsumexp(xs)
    return [x - normalizer for x in xs]


def softmax(values: Iterable[Value | float]) -> list[Value]:
    """``exp(x_i - logsumexp(x))`` for each i: probabilities that sum to 1, never overflowing."""
    xs = _values(values, "softmax")
    if not xs:
        raise DomainError("softmax needs at least one value, got an empty sequence")
    return [p.exp() for p in log_softmax(xs)]
