"""The computation run again, by hand's route, with one known mistake.

A re-run works step by step as an article does: each step's value and its local factors
(``chain_rule.step_factors``), derivatives accumulated from the factors, and plain
gradient descent from those derivatives. With no mistake it gives the evaluator's numbers
(the tests check it); each field of ``Mistake`` changes one thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from autograd_lite import AutogradError, NonFiniteError

from .chain_rule import ActivationRule, accumulate
from .explanations import Budget
from .plan import Plan, Query


@dataclass(frozen=True)
class Mistake:
    """One known mistake, as the changes it makes to a re-run (all off by default)."""

    model: str
    detail: str
    factor: tuple[str, str, float] | None = None
    """``(step, name, x)``: the factor d step / d name taken as ``x`` (1: left out, 0: as 0)."""
    factor_times: tuple[str, str, float] | None = None
    """``(step, name, c)``: the factor d step / d name multiplied by ``c`` (-1: its sign)."""
    activation_rule: ActivationRule | None = None
    """Replaces the activations' local derivatives inside ``activation_steps``."""
    activation_steps: frozenset[str] = frozenset()
    scale: tuple[str, float, bool] | None = None
    """``(step, c, value_too)``: the step's factors (and, with ``value_too``, its value) times ``c``."""
    decimals: int | None = None
    """Every step value, factor, product, sum and update rounded to these decimals."""
    layered: bool = False
    """Layers nearer the loss updated first, their new weights used in farther gradients."""
    ascent: bool = False
    """Updates add the gradient instead of subtracting it."""
    forced_value: tuple[str, int, float] | None = None
    """``(name, K, x)``: the value of a leaf or step after K updates taken as ``x``."""
    forced_derivative: tuple[str, str, int, float] | None = None
    """``(of, wrt, K, x)``: d of / d wrt after K updates taken as ``x`` where it is passed on."""
    layers: tuple[tuple[str, ...], ...] = field(default=())
    """For ``layered``: the parameters by layer, nearest the loss first."""


NO_MISTAKE = Mistake("none", "")


@dataclass
class _Pass:
    values: dict[str, float]
    factors: dict[str, dict[str, float]]


def rerun(plan: Plan, mistake: Mistake, queries: Sequence[Query]) -> list[float]:
    """The queries' values when the whole computation is redone with ``mistake``."""
    rounding = _rounding(mistake.decimals)
    last = max((q.after for q in queries), default=0)
    leaves = dict(plan.computation.values)
    out = [0.0] * len(queries)
    training = plan.training
    for k in range(last + 1):
        if mistake.forced_value and mistake.forced_value[1] == k:
            name, _, x = mistake.forced_value
            if name in leaves:
                leaves[name] = x
        forward = _forward(plan, mistake, leaves, k, rounding)
        derivatives: dict[str, dict[str, float]] = {}
        for i, q in enumerate(queries):
            if q.after != k:
                continue
            if q.wrt is None:
                out[i] = forward.values[q.of]
            else:
                if q.of not in derivatives:
                    derivatives[q.of] = _derivative(plan, mistake, forward, q.of, k, rounding)
                out[i] = derivatives[q.of].get(q.wrt, 0.0)
        if k == last or training is None:
            break
        if mistake.layered:
            leaves = _layered_update(plan, mistake, forward, leaves, rounding)
            continue
        gradient = _derivative(plan, mistake, forward, training.loss, k, rounding)
        rate = -training.learning_rate if mistake.ascent else training.learning_rate
        for p in training.parameters:
            leaves[p] = rounding(leaves[p] - rounding(rate * gradient.get(p, 0.0)))
    for q, value in zip(queries, out):
        if value - value != 0.0:  # a product of factors overflowed: no number to compare
            raise NonFiniteError(f"{mistake.model}: {q.of} comes out as {value}")
    return out


def attempt(
    plan: Plan, mistake: Mistake, queries: Sequence[Query], budget: Budget, failures: list[str]
) -> list[float] | None:
    """``rerun`` if the budget affords it, charged what it really ran; None if skipped or failed.

    A failed re-run (an overflow the mistake causes) is noted in ``failures``.
    """
    passes = max(q.after for q in queries) + 1
    if not budget.afford(mistake.model, passes, mistake.detail):
        return None
    before = plan.factors.work
    try:
        return rerun(plan, mistake, queries)
    except AutogradError as exc:
        failures.append(f"{mistake.model} ({mistake.detail}): the re-run failed: {exc}")
        return None
    finally:
        budget.charge(plan.factors.work - before + passes * budget.overhead)


def _rounding(decimals: int | None):
    """Rounding as by hand: the number's decimal digits, halves away from zero (0.125 -> 0.13)."""
    if decimals is None:
        return _same
    unit = Decimal(1).scaleb(-decimals)

    def rounded(x: float) -> float:
        try:
            return float(Decimal(repr(x)).quantize(unit, ROUND_HALF_UP))
        except InvalidOperation:  # beyond 28 digits: a float that large has no decimals left
            return x

    return rounded


def _same(x: float) -> float:
    return x


def _forward(plan: Plan, mistake: Mistake, leaves: dict[str, float], k: int, rounding) -> _Pass:
    values = dict(leaves)
    factors: dict[str, dict[str, float]] = {}
    for name in plan.steps:
        rule = mistake.activation_rule if name in mistake.activation_steps else None
        value, local = _step_factors(plan, name, values, rule)
        if mistake.scale and mistake.scale[0] == name:
            _, c, value_too = mistake.scale
            local = {u: c * f for u, f in local.items()}
            if value_too:
                value *= c
        if mistake.forced_value and mistake.forced_value[:2] == (name, k):
            value = mistake.forced_value[2]
        if mistake.factor and mistake.factor[0] == name:
            local[mistake.factor[1]] = mistake.factor[2]
        if mistake.factor_times and mistake.factor_times[0] == name:
            local[mistake.factor_times[1]] *= mistake.factor_times[2]
        values[name] = rounding(value)
        factors[name] = {u: rounding(f) for u, f in local.items()}
    return _Pass(values, factors)


def _step_factors(plan: Plan, name: str, inputs, rule) -> tuple[float, dict[str, float]]:
    return plan.factors.factors(name, plan.programs[name], inputs, rule)


def _derivative(
    plan: Plan, mistake: Mistake, forward: _Pass, of: str, k: int, rounding
) -> dict[str, float]:
    forced = None
    if mistake.forced_derivative:
        forced_of, wrt, after, x = mistake.forced_derivative
        if forced_of == of and after == k:
            forced = {wrt: x}
    return accumulate(plan.steps, forward.factors, of, rounding, forced)


def _layered_update(
    plan: Plan, mistake: Mistake, forward: _Pass, leaves: dict[str, float], rounding
) -> dict[str, float]:
    """One update, layer by layer from the loss: each layer's gradient through the new weights.

    Step values (activations, errors) stay those of the forward pass; only the factors of
    steps that use an already updated parameter are recomputed, at the updated parameter.
    """
    training = plan.training
    updated = dict(leaves)
    done: set[str] = set()
    factors = dict(forward.factors)
    for layer in mistake.layers:
        for name in plan.steps:
            if done.intersection(plan.uses[name]):
                inputs = {
                    u: updated[u] if u in done else forward.values[u] for u in plan.uses[name]
                }
                _, local = _step_factors(plan, name, inputs, None)
                factors[name] = {u: rounding(f) for u, f in local.items()}
        gradient = accumulate(plan.steps, factors, training.loss, rounding)
        for p in layer:
            updated[p] = rounding(
                leaves[p] - rounding(training.learning_rate * gradient.get(p, 0.0))
            )
        done.update(layer)
    return updated
