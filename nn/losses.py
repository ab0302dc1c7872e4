"""Loss functions, composed from ``autograd_lite`` operations only (no derivative is written here).

Each takes one example's prediction(s) and target(s); a single Value or number
counts as a list of one. Where a loss has several terms it is their mean, or their
sum with ``reduction="sum"`` (``sse_half`` is always half their sum). ``nn.fit``
averages these per-example losses over a batch.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

from autograd_lite import (
    ArgumentError,
    AutogradWarning,
    DomainError,
    Value,
    dot,
    log_softmax,
    logsumexp,
    vsum,
)

from ._checks import is_integer, is_real, non_negative, parameter_list, real, sequence

Scalars = Value | float | Sequence[Value | float]


def mse(predictions: Scalars, targets: Scalars, reduction: str = "mean") -> Value:
    """Mean squared error: mean of ``(target - prediction)**2``."""
    ps, ts = _paired(predictions, targets, "mse")
    return _reduce([(t - p) ** 2 for p, t in zip(ps, ts)], reduction, "mse")


def sse_half(predictions: Scalars, targets: Scalars) -> Value:
    """Half the sum of squared errors, ``1/2 * sum (target - prediction)**2`` (seed 002, Brownlee).

    The half cancels the 2 of the derivative, so ``dE/dprediction = prediction - target``.
    """
    ps, ts = _paired(predictions, targets, "sse_half")
    return 0.5 * _sum([(t - p) ** 2 for p, t in zip(ps, ts)])


def binary_cross_entropy(
    probabilities: Scalars, targets: Scalars, reduction: str = "mean"
) -> Value:
    """Mean of ``-(y*log(p) + (1-y)*log(1-p))`` for probabilities ``p`` in [0, 1].

    A term whose weight ``y`` or ``1-y`` is zero is left out, so ``p`` of exactly 0
    or 1 is fine where the loss is finite (``p=1, y=1`` gives 0). Where it is
    infinite (``p=0, y=1`` or ``p=1, y=0``) a ``DomainError`` says so instead of
    clamping: use ``binary_cross_entropy_with_logits`` on the logit, which is exact
    and finite for every logit.
    """
    ps, ts = _paired(probabilities, targets, "binary_cross_entropy")
    terms = []
    for i, (p, y) in enumerate(zip(ps, ts)):
        y = _target_in_unit_interval(y, i, "binary_cross_entropy")
        if not 0.0 <= p.data <= 1.0:
            raise DomainError(
                f"binary_cross_entropy: prediction {i} is {p.data!r}, not a probability in [0, 1]; "
                "for logits use binary_cross_entropy_with_logits"
            )
        if (p.data == 0.0 and y > 0.0) or (p.data == 1.0 and y < 1.0):
            raise DomainError(
                f"binary_cross_entropy: prediction {i} is exactly {p.data!r} with target {y!r}, "
                "so the loss is infinite (log 0); use binary_cross_entropy_with_logits on the "
                "logit, or keep probabilities strictly inside (0, 1)"
            )
        if y == 1.0:
            terms.append(-p.log())
        elif y == 0.0:
            terms.append(-(1.0 - p).log())
        else:
            terms.append(-(y * p.log() + (1.0 - y) * (1.0 - p).log()))
    return _reduce(terms, reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(
    logits: Scalars, targets: Scalars, reduction: str = "mean"
) -> Value:
    """``binary_cross_entropy(sigmoid(z), y)`` computed from the logit ``z``, finite for any ``z``.

    Written as ``relu(z) - y*z + log(1 + exp(-|z|))``: ``exp`` only ever sees a
    non-positive number, so a logit of +-1000 neither overflows nor loses the loss.
    """
    zs, ts = _paired(logits, targets, "binary_cross_entropy_with_logits")
    terms = []
    for i, (z, y) in enumerate(zip(zs, ts)):
        y = _target_in_unit_interval(y, i, "binary_cross_entropy_with_logits")
        # -|z| for z > 0 is -z; at z == 0 the branch z pairs with relu'(0) = 0 to give sigmoid(0) - y.
        minus_abs = -z if z.data > 0.0 else z
        softplus_rest = (1.0 + minus_abs.exp()).log()
        linear = z.relu() if y == 0.0 else z.relu() - (z if y == 1.0 else y * z)
        terms.append(linear + softplus_rest)
    return _reduce(terms, reduction, "binary_cross_entropy_with_logits")


def cross_entropy(logits: Sequence[Value | float], target: int | Sequence[float]) -> Value:
    """``-sum_i t_i * log_softmax(z)_i``: the class index ``target``, or a probability list.

    For a class index this is ``logsumexp(z) - z[target]`` (the one term of
    ``-log_softmax`` that counts). Finite for logits of +-1000. Its gradient with
    respect to the logits is ``softmax(z) - t``.

    It takes raw scores, one per class: a single logit (the loss is always 0) and logits
    that are already a softmax's outputs (softmax applied twice) give an ``AutogradWarning``.
    """
    zs = _as_values(logits, "cross_entropy")
    if not zs:
        raise ArgumentError("cross_entropy: no logits (empty sequence)")
    if len(zs) == 1:
        warnings.warn(
            "cross_entropy: got 1 logit; over a single class softmax is always 1, so the loss "
            "is always 0 and so is its gradient: nothing trains. Give one logit per class (an "
            "output layer of nout >= 2), or use binary_cross_entropy_with_logits for a yes/no target",
            AutogradWarning,
            stacklevel=2,
        )
    if _softmax_outputs(zs):
        warnings.warn(
            "cross_entropy: the logits are the outputs of a softmax (an output layer with "
            "activation 'softmax'?), and cross_entropy applies softmax itself: applied twice, "
            "it squashes the loss and its gradient; give the output layer activation 'linear'",
            AutogradWarning,
            stacklevel=2,
        )
    if is_integer(target):
        target = int(target)
        if not 0 <= target < len(zs):
            raise ArgumentError(
                f"cross_entropy: target class {target} is out of range for {len(zs)} logits "
                f"(0 to {len(zs) - 1})"
            )
        return logsumexp(zs) - zs[target]
    if is_real(target):
        raise ArgumentError(
            f"cross_entropy: target {float(target)!r} is a {type(target).__name__}; a class index must "
            "be an int (for numpy labels: y.astype(int))"
        )
    sequence(target, "cross_entropy: target", "a class index (int) or a list of probabilities")
    if len(target) != len(zs):
        raise ArgumentError(
            f"cross_entropy: {len(zs)} logits but {len(target)} target probabilities"
        )
    probs = [_number(t, f"cross_entropy: target[{i}]") for i, t in enumerate(target)]
    if any(t < 0.0 for t in probs) or abs(math.fsum(probs) - 1.0) > 1e-9:
        raise ArgumentError(
            f"cross_entropy: target probabilities must be >= 0 and sum to 1, got {probs}"
        )
    log_probs = log_softmax(zs)
    terms = [lp if t == 1.0 else t * lp for t, lp in zip(probs, log_probs) if t != 0.0]
    return -_sum(terms)


def max_margin(scores: Scalars, targets: Scalars, reduction: str = "mean") -> Value:
    """Mean hinge loss ``relu(1 - y*score)`` for labels ``y`` of -1 or +1 (micrograd's demo)."""
    ss, ts = _paired(scores, targets, "max_margin")
    terms = []
    for i, (s, y) in enumerate(zip(ss, ts)):
        y = _number(y, f"max_margin: target {i}")
        if y not in (-1.0, 1.0):
            raise ArgumentError(f"max_margin: target {i} is {y!r}; labels must be -1 or +1")
        terms.append((1.0 - s if y == 1.0 else 1.0 + s).relu())
    return _reduce(terms, reduction, "max_margin")


def l2_penalty(parameters: Sequence[Value], alpha: float = 1.0) -> Value:
    """``alpha * sum(p*p)`` as one ``dot`` node: the weight penalty of micrograd's demo.

    ``alpha`` must be finite and >= 0: a negative one would reward large weights.
    """
    alpha = non_negative(alpha, "l2_penalty: alpha")
    params = parameter_list(parameters, "l2_penalty")
    return alpha * dot(params, params)


def _paired(predictions: Scalars, targets: Scalars, name: str) -> tuple[list[Value], list]:
    ps = _as_values(predictions, name)
    ts = [targets] if _is_scalar(targets) else list(_sequence(targets, name, "targets"))
    if len(ps) != len(ts):
        raise ArgumentError(f"{name}: {len(ps)} predictions but {len(ts)} targets")
    if not ps:
        raise ArgumentError(f"{name}: no predictions (empty sequence)")
    return ps, ts


def _as_values(xs: Scalars, name: str) -> list[Value]:
    if _is_scalar(xs):
        xs = [xs]
    values = []
    for i, x in enumerate(_sequence(xs, name, "predictions")):
        values.append(x if isinstance(x, Value) else Value(_number(x, f"{name}: prediction {i}")))
    return values


def _softmax_outputs(zs: list[Value]) -> bool:
    """Whether every z is ``exp(x - logsumexp(xs))`` of one shared ``logsumexp``: a softmax."""
    normalizers = set()
    for z in zs:
        if z.op is None or z.op.name != "exp" or len(z.parents) != 1:
            return False
        shifted = z.parents[0]
        if shifted.op is None or shifted.op.name != "sub" or len(shifted.parents) != 2:
            return False
        normalizer = shifted.parents[1]
        if normalizer.op is None or normalizer.op.name != "logsumexp":
            return False
        normalizers.add(id(normalizer))
    return len(normalizers) == 1


def _is_scalar(x: object) -> bool:
    return isinstance(x, Value) or is_real(x)


def _sequence(xs: object, name: str, what: str) -> Sequence:
    return sequence(xs, f"{name}: {what}", "a Value, a number or a list of them")


def _number(x: object, where: str) -> float:
    return x.data if isinstance(x, Value) else real(x, where)


def _target_in_unit_interval(y: object, i: int, name: str) -> float:
    y = _number(y, f"{name}: target {i}")
    if not 0.0 <= y <= 1.0:
        raise ArgumentError(f"{name}: target {i} is {y!r}; targets must lie in [0, 1]")
    return y


def _sum(terms: list[Value]) -> Value:
    """One term as itself (a shorter trace), several as one ``vsum`` node."""
    return terms[0] if len(terms) == 1 else vsum(terms)


def _reduce(terms: list[Value], reduction: str, name: str) -> Value:
    if reduction == "mean":
        return terms[0] if len(terms) == 1 else vsum(terms) / len(terms)
    if reduction == "sum":
        return _sum(terms)
    raise ArgumentError(f"{name}: reduction must be 'mean' or 'sum', got {reduction!r}")
