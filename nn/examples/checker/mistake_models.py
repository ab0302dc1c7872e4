"""The mistake models: for each, the re-runs (``Variant``s) that could explain a wrong number.

Each generator takes the compiled plan and the printed quantities that are MISMATCH and
returns the variants worth running, each with the quantities it may explain (``targets``):
a variant that cannot change a quantity is never run for it. ``carried-from`` needs the
printed numbers themselves and lives in ``carried.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .chain_rule import activation_as_one, activation_at_output
from .computation import Printed
from .layers import parameter_layers
from .plan import Plan
from .program import ACTIVATIONS
from .rerun import Mistake

MAX_FACTOR_CHOICES = 200
"""At most this many chain-rule factors are tried by ``missing-factor`` (and its sign flips)."""

SPECIFICITY = (
    "carried-from",
    "update-order",
    "derivative-at-output",
    "perceptron-rule",
    "half-factor",
    "sum-vs-mean",
    "step-off-by-one",
    "missing-factor",
    "rounded-intermediates",
    "sign",
)
"""Models from the most specific (the narrowest slip that explains a number) to the least.

A wrong number built on an earlier wrong one is first of all carried; a rule that changes
one known thing (update order, where the activation's derivative is taken, the perceptron
rule) before one that could be any of many factors; the sign last, since a negative is
what many slips look like.
"""


@dataclass(frozen=True)
class Variant:
    """One re-run: a mistake, the quantities it may explain, and how its numbers are made."""

    mistake: Mistake
    targets: tuple[Printed, ...]
    kind: str = "rerun"
    """``rerun`` (``rerun.rerun``), ``negate`` (the right value's negative) or ``shift``."""
    shift: int = 0
    """For ``shift``: the right value after K + shift updates instead of K."""


def _uses_derivatives(p: Printed) -> bool:
    return p.wrt is not None or p.after > 0


def sign(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """The negative of the right number; updates that climb the gradient."""
    variants = [Variant(Mistake("sign", "the negative of the right value"), tuple(wrong), "negate")]
    trained = tuple(p for p in wrong if p.after > 0)
    if trained:
        detail = "updates added the gradient (p += learning_rate * dloss/dp)"
        variants.append(Variant(Mistake("sign", detail, ascent=True), trained))
    return variants


def sign_of_a_factor(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """One chain-rule factor taken with the wrong sign (``d(t - y)/dy`` as +1)."""
    variants = []
    for (step, name), targets in _factor_targets(plan, wrong)[:MAX_FACTOR_CHOICES]:
        detail = f"d{step}/d{name} taken with the wrong sign"
        variants.append(Variant(Mistake("sign", detail, factor_times=(step, name, -1.0)), targets))
    return variants


def missing_factor(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """One factor of the chain-rule product left out (taken as 1) or taken as 0."""
    variants = []
    for (step, name), targets in _factor_targets(plan, wrong)[:MAX_FACTOR_CHOICES]:
        for x, how in ((1.0, "left out (taken as 1)"), (0.0, "taken as 0")):
            mistake = Mistake("missing-factor", f"d{step}/d{name} {how}", factor=(step, name, x))
            variants.append(Variant(mistake, targets))
    return variants


def factor_choices(plan: Plan, wrong: list[Printed]) -> int:
    """How many factors ``missing-factor`` would try without its limit (for the skip note)."""
    return len(_factor_targets(plan, wrong))


def _factor_targets(plan: Plan, wrong: list[Printed]) -> list[tuple[tuple[str, str], tuple]]:
    """Each factor d step / d name on a path of a wrong quantity's derivative, with those quantities.

    A derivative d A / d B uses the factors on paths from B to A; a number after updates
    also uses those on paths from a trained parameter to the loss. Nearest the loss first,
    so that a limit on the choices keeps the factors every path goes through.
    """
    training = plan.training
    found: dict[tuple[str, str], list[Printed]] = {}
    for step in reversed(plan.steps):  # from the loss back: the first factors an article writes
        for name in plan.uses[step]:
            for p in wrong:
                on_path = p.wrt is not None and plan.depends(p.of, step)
                on_path = on_path and plan.depends(name, p.wrt)
                if not on_path and p.after > 0 and training is not None:
                    on_path = plan.depends(training.loss, step) and any(
                        plan.depends(name, q) for q in training.parameters
                    )
                if on_path:
                    found.setdefault((step, name), []).append(p)
    return [(pair, tuple(targets)) for pair, targets in found.items()]


def _activation_steps(plan: Plan) -> list[str]:
    return [
        s
        for s in plan.steps
        if any(i.kind == "call" and i.argument in ACTIVATIONS for i in plan.programs[s])
    ]


def perceptron_rule(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """Every activation's derivative left out: weights moved by error times input."""
    steps = _activation_steps(plan)
    targets = tuple(p for p in wrong if _uses_derivatives(p))
    if not steps or not targets:
        return []
    detail = "the activations' derivatives left out (error × input): " + ", ".join(steps)
    mistake = Mistake(
        "perceptron-rule",
        detail,
        activation_rule=activation_as_one,
        activation_steps=frozenset(steps),
    )
    return [Variant(mistake, targets)]


def derivative_at_output(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """The activations' derivatives evaluated at their outputs: all of them, then each alone."""
    steps = _activation_steps(plan)
    targets = tuple(p for p in wrong if _uses_derivatives(p))
    if not steps or not targets:
        return []
    choices = [steps] + ([[s] for s in steps] if len(steps) > 1 else [])
    variants = []
    for chosen in choices:
        detail = "; ".join(_at_output(plan, s) for s in chosen)
        mistake = Mistake(
            "derivative-at-output",
            detail,
            activation_rule=activation_at_output,
            activation_steps=frozenset(chosen),
        )
        variants.append(Variant(mistake, targets))
    return variants


def _at_output(plan: Plan, step: str) -> str:
    program = plan.programs[step]
    if len(program) == 2 and program[0].kind == "name" and program[1].kind == "call":
        f = program[1].argument
        return f"{f}'({step}) for {f}'({program[0].argument})"
    return f"the activation's derivative in {step} taken at its output"


def _affected(plan: Plan, step: str, wrong: list[Printed]) -> tuple[Printed, ...]:
    """The wrong quantities a change to ``step`` can reach."""
    training = plan.training
    trained = training is not None and plan.depends(training.loss, step)
    return tuple(p for p in wrong if plan.depends(p.of, step) or (p.after > 0 and trained))


def _squared_errors(plan: Plan) -> list[str]:
    found = []
    for s in plan.steps:
        program = plan.programs[s]
        for i in range(1, len(program)):
            previous, instruction = program[i - 1], program[i]
            squared = instruction.kind == "binary" and instruction.argument == "**"
            if squared and previous.kind == "number" and previous.argument == 2.0:
                found.append(s)
                break
    return found


def _has_half(plan: Plan, step: str) -> bool:
    """Whether the step's expression has a ½ of its own (``0.5*...`` or ``.../2``)."""
    program = plan.programs[step]
    for i, instruction in enumerate(program):
        if instruction.kind == "number" and instruction.argument == 0.5:
            return True
        divides = i + 1 < len(program) and program[i + 1].kind == "binary"
        divides = divides and program[i + 1].argument == "/"
        if instruction.kind == "number" and instruction.argument == 2.0 and divides:
            return True
    return False


def half_factor(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """A squared error's ½ dropped (doubled) or taken twice (halved), or one added where
    the file has none: in the value and the derivatives, or in the derivatives alone."""
    variants = []
    for step in _squared_errors(plan):
        targets = _affected(plan, step, wrong)
        if not targets:
            continue
        if _has_half(plan, step):
            hows = ((2.0, "without its ½ (doubled)"), (0.5, "with its ½ taken twice (halved)"))
        else:
            hows = ((0.5, "with a ½ the file does not have (halved)"), (2.0, "doubled"))
        for c, how in hows:
            for value_too, where in ((True, ""), (False, ", in its derivatives only")):
                mistake = Mistake("half-factor", f"{step} {how}{where}", scale=(step, c, value_too))
                variants.append(Variant(mistake, targets))
    return variants


def sum_vs_mean(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """The loss summed where the file averages, or the reverse: over the batch or the outputs."""
    loss = plan.root()
    computation = plan.computation
    counts = {computation.batch_size: "examples", computation.outputs: "outputs"}
    if computation.batch_size > 1 and computation.outputs > 1:
        counts[computation.batch_size * computation.outputs] = "examples times outputs"
    counts.pop(1, None)
    targets = _affected(plan, loss, wrong) if loss else ()
    if not targets:
        return []
    variants = []
    for n, what in counts.items():
        for c, how in (
            (n, f"summed over the {n} {what} where the file averages (×{n})"),
            (1 / n, f"averaged over the {n} {what} where the file sums (÷{n})"),
        ):
            for value_too, where in ((True, ""), (False, ", in its derivatives only")):
                mistake = Mistake("sum-vs-mean", f"{loss} {how}{where}", scale=(loss, c, value_too))
                variants.append(Variant(mistake, targets))
    return variants


def update_order(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """Layers nearer the loss updated first; farther gradients through their new weights."""
    targets = tuple(p for p in wrong if p.after > 0)
    if plan.training is None or not targets:
        return []
    layers = parameter_layers(plan)
    if len(layers) < 2:
        return []
    order = " before ".join(_layer_text(layer) for layer in layers)
    detail = f"layers updated from the loss back, {order}, each through the new weights"
    return [Variant(Mistake("update-order", detail, layered=True, layers=layers), targets)]


def _layer_text(layer: tuple[str, ...]) -> str:
    if len(layer) <= 4:
        return "(" + ", ".join(layer) + ")"
    return f"({layer[0]}, {layer[1]}, ... {len(layer)} parameters)"


def step_off_by_one(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """A number "after K updates" that is the one after K - 1 or K + 1."""
    targets = tuple(p for p in wrong if p.after > 0)
    if not targets:
        return []
    return [
        Variant(
            Mistake("step-off-by-one", f"the value after K{shift:+d} updates"),
            targets,
            "shift",
            shift,
        )
        for shift in (-1, 1)
    ]


def decimals(text: str) -> int | None:
    """The printed decimals of a number (``"0.5449"``: 4); None for an integer, a claim of exactness."""
    if "." not in text and "e" not in text.lower():
        return None
    exponent = Decimal(text.strip()).as_tuple().exponent
    return -exponent if isinstance(exponent, int) and -exponent <= 15 else None


def rounded_intermediates(plan: Plan, wrong: list[Printed]) -> list[Variant]:
    """Every intermediate rounded to the quantity's printed decimals: one re-run per precision."""
    by_decimals: dict[int, list[Printed]] = {}
    for p in wrong:
        d = decimals(p.text)
        if d is not None and not (p.of in plan.leaves and p.wrt is None and p.after == 0):
            by_decimals.setdefault(d, []).append(p)
    return [
        Variant(
            Mistake(
                "rounded-intermediates", f"every intermediate rounded to {d} decimals", decimals=d
            ),
            tuple(targets),
        )
        for d, targets in sorted(by_decimals.items())
    ]


FIRST = (
    step_off_by_one,
    perceptron_rule,
    derivative_at_output,
    half_factor,
    sum_vs_mean,
    update_order,
    rounded_intermediates,
    sign,
)
"""Spent from the budget first: a few targeted re-runs each."""
LAST = (missing_factor, sign_of_a_factor)
"""Spent last (after ``carried-from``): a re-run for each chain-rule factor."""
