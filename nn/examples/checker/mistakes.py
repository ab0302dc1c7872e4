"""``explain``: which known mistakes reproduce each wrong printed number, by re-running them.

Every model is a re-run of the computation with one mistake (``mistake_models``,
``carried``), never a guess from the digits. A re-run *reproduces* a printed number when
``agreement(printed, value)`` is not ``MISMATCH``: the same words the report uses.
Derivatives in a re-run are sums over paths of products of step-to-step factors
(``chain_rule``), each factor the engine's, on the step's own expression:

- ``sign``: the right value's negative; updates that add the gradient; one factor's sign;
- ``missing-factor``: one factor d step / d name taken as 1 (left out) or as 0;
- ``half-factor``: a squared error (a step with ``**2``) doubled or halved, in its value
  and derivatives or in its derivatives only;
- ``sum-vs-mean``: the loss times or over ``batch_size`` or ``outputs``, likewise;
- ``perceptron-rule``: every activation's local derivative taken as 1;
- ``derivative-at-output``: the activation row's own rule evaluated at its output, for
  every activation at once, then for each alone;
- ``update-order``: layers updated from the loss back within an update, farther layers'
  factors evaluated at the nearer layers' new weights (``layers``);
- ``rounded-intermediates``: every step value, factor, product, sum and update rounded
  to the quantity's printed decimals;
- ``step-off-by-one``: the right value after K - 1 or K + 1 updates;
- ``carried-from``: an earlier wrong printed number put in place of the right one, at its
  printed digits and at both ends of its interval (``carried``).

Dependency order (for ``first_divergent`` and ``carried-from``): quantities after fewer
updates first; at the same number of updates, every value (leaves then steps, in file
order) before every derivative, and derivatives by their step in file order, then from the
name nearest that step back to the leaves, the order backpropagation computes them in.

The budget (``explanations.MAX_WORK``, ``MAX_RERUNS``) is spent on the cheap quantities
first: in phases by the number of updates K (K = 0 first, a re-run of K updates costing
K + 1 forward passes), and within a phase the models of ``mistake_models.FIRST`` (few
re-runs each), ``carried-from``, then those of ``mistake_models.LAST`` (a re-run per
chain-rule factor). A re-run that does not fit is skipped and named in ``skipped``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace

from autograd_lite import AutogradError

from ..report import agreement
from .carried import carried_from
from .computation import Computation, Printed
from .evaluate import compute
from .explanations import Budget, Explanation, Explanations
from .mistake_models import (
    FIRST,
    LAST,
    MAX_FACTOR_CHOICES,
    SPECIFICITY,
    Variant,
    factor_choices,
)
from .plan import Plan, Query, compile_computation
from .rerun import attempt


def dependency_key(plan: Plan, printed: Printed) -> tuple:
    """Where a quantity sits in dependency order (see the module's docstring)."""
    if printed.wrt is None:
        return (printed.after, 0, plan.position[printed.of], 0)
    return (printed.after, 1, plan.position[printed.of], -plan.position[printed.wrt])


def explain(
    computation: Computation, computed: Mapping[str, float], agreements: Mapping[str, str]
) -> Explanations:
    """For each MISMATCH quantity, every re-run with one known mistake that reproduces it."""
    plan = compile_computation(computation)
    wrong = sorted(
        (p for p in computation.printed if agreements.get(p.key) == "MISMATCH"),
        key=lambda p: dependency_key(plan, p),
    )
    found: dict[str, list[tuple[int, int, Explanation]]] = {p.key: [] for p in wrong}
    overhead = sum(len(uses) + 1 for uses in plan.uses.values()) + 1
    instructions = sum(len(program) for program in plan.programs.values())
    budget = Budget(per_pass=instructions + overhead, overhead=overhead)
    failures: list[str] = []
    serial = 0

    def note(p: Printed, explanation: Explanation) -> None:
        nonlocal serial
        serial += 1
        found[p.key].append((SPECIFICITY.index(explanation.model), serial, explanation))

    for phase in sorted({p.after for p in wrong}):  # the cheap quantities first
        for generate in FIRST:
            _try(plan, _in_phase(generate(plan, wrong), phase), computed, budget, failures, note)
        for p, explanation in carried_from(plan, wrong, budget, failures, phase):
            note(p, explanation)
        for generate in LAST:
            _try(plan, _in_phase(generate(plan, wrong), phase), computed, budget, failures, note)
    choices = factor_choices(plan, wrong)
    notes = budget.notes()
    if choices > MAX_FACTOR_CHOICES:
        notes.append(
            f"missing-factor: {choices - MAX_FACTOR_CHOICES} of {choices} chain-rule factors "
            f"not tried (at most {MAX_FACTOR_CHOICES})"
        )
    by_quantity = {
        key: [e for _, _, e in sorted(items, key=lambda item: item[:2])]
        for key, items in found.items()
    }
    return Explanations(by_quantity, notes + failures, wrong[0].key if wrong else None)


def _in_phase(variants: list[Variant], after: int) -> Iterator[Variant]:
    """The variants narrowed to their targets after ``after`` updates (those that have any)."""
    for variant in variants:
        targets = tuple(p for p in variant.targets if p.after == after)
        if targets:
            yield replace(variant, targets=targets)


def _try(plan: Plan, variants, computed, budget: Budget, failures: list, note) -> None:
    """Run each variant; note an explanation for each target it reproduces."""
    for variant in variants:
        for p, value in _run(plan, variant, computed, budget, failures):
            if agreement(p.text, value) != "MISMATCH":
                note(p, Explanation(variant.mistake.model, variant.mistake.detail, value))


def _run(
    plan: Plan, variant: Variant, computed: Mapping[str, float], budget: Budget, failures: list
) -> list[tuple[Printed, float]]:
    """The variant's value for each of its targets ([] if over budget or if the re-run failed)."""
    targets = variant.targets
    mistake = variant.mistake
    if variant.kind == "negate":
        return [(p, -computed[p.key]) for p in targets]
    queries = [Query(p.of, p.wrt, p.after + variant.shift) for p in targets]
    if variant.kind == "rerun":
        values = attempt(plan, mistake, queries, budget, failures)
        return [] if values is None else list(zip(targets, values))
    passes = max(q.after for q in queries) + 1  # "shift": the engine's own run, K + shift
    if not budget.afford(mistake.model, passes, mistake.detail):
        return []
    budget.charge(passes * budget.per_pass)
    try:
        return list(zip(targets, compute(plan, queries)))
    except AutogradError as exc:  # the run diverges at K + 1
        failures.append(f"{mistake.model} ({mistake.detail}): the re-run failed: {exc}")
        return []
