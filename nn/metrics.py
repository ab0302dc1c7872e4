"""When is a prediction right? One rule per classification loss, for ``fit``'s accuracy."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd_lite import Value

from . import losses
from ._checks import is_integer, is_real

Prediction = Value | Sequence[Value]
Rule = Callable[[Prediction, object], bool]


def sign_agrees(score: Prediction, target: object) -> bool:
    """Max-margin labels -1/+1: right when the score has the label's sign."""
    return all((s.data > 0) == (y > 0) for s, y in _pairs(score, target))


def probability_agrees(p: Prediction, target: object) -> bool:
    """Probabilities: right when each is above 0.5 exactly where its target is."""
    return all((q.data > 0.5) == (y > 0.5) for q, y in _pairs(p, target))


def logit_agrees(z: Prediction, target: object) -> bool:
    """Logits: right when each is positive exactly where its target is above 0.5."""
    return all((v.data > 0) == (y > 0.5) for v, y in _pairs(z, target))


def argmax_agrees(logits: Prediction, target: object) -> bool:
    """Classes: right when the largest output is the target class (or its likeliest)."""
    outputs = [logits] if isinstance(logits, Value) else list(logits)
    predicted = max(range(len(outputs)), key=lambda i: outputs[i].data)
    if is_integer(target):
        return predicted == target
    target = list(target)
    return predicted == max(range(len(target)), key=target.__getitem__)


RULES: dict[Callable, Rule] = {
    losses.max_margin: sign_agrees,
    losses.binary_cross_entropy: probability_agrees,
    losses.binary_cross_entropy_with_logits: logit_agrees,
    losses.cross_entropy: argmax_agrees,
}
"""The accuracy rule of each classification loss; regression losses have none."""


def _pairs(prediction: Prediction, target: object) -> list[tuple[Value, float]]:
    ps = [prediction] if isinstance(prediction, Value) else list(prediction)
    ts = [target] if is_real(target) else list(target)
    return [(p, float(t)) for p, t in zip(ps, ts)]
