"""Operations over sequences of Values: one n-ary node each, or a few stable steps.

``vsum`` and ``dot`` are single nodes so that summing 10,000 terms is not a
10,000-deep chain and a neuron's trace reads ``s = x1*w1 + x2*w2 + b``.
``softmax`` and ``log_softmax`` are written through ``logsumexp``, which shifts by
the largest input, so they stay finite for inputs of +-1000.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .engine import Value, apply, as_value
from .errors import ArgumentError, DomainError
from .ops import DOT, LOGSUMEXP, VSUM


def _values(xs: Iterable[Value | float], symbol: str) -> tuple[Value, ...]:
    return tuple(as_value(x, symbol) for x in xs)


def vsum(values: Iterable[Value | float]) -> Value:
    """The sum of ``values`` as one node (0.0 for no values)."""
    parents = _values(values, "vsum")
    if not parents:
        return Value(0.0)
    return apply(VSUM, *parents)


def dot(
    ws: Sequence[Value | float], xs: Sequence[Value | float], bias: Value | float | None = None
) -> Value:
    """``x1*w1 + x2*w2 + ... + bias`` as one node: a neuron's weighted sum."""
    if len(ws) != len(xs):
        raise ArgumentError(
            f"dot needs as many weights as inputs, got {len(ws)} weights and {len(xs)} inputs"
        )
    parents: list[Value] = []
    for w, x in zip(_values(ws, "dot"), _values(xs, "dot")):
        parents += (x, w)
    if bias is not None:
        parents += _values([bias], "dot")
    if not parents:
        return Value(0.0)
    return apply(DOT, *parents)


def logsumexp(values: Iterable[Value | float]) -> Value:
    """``log(exp(x1) + ... + exp(xn))``, shifted by the largest term so it never overflows."""
    parents = _values(values, "logsumexp")
    if not parents:
        raise DomainError("logsumexp needs at least one value, got an empty sequence")
    return apply(LOGSUMEXP, *parents)


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
