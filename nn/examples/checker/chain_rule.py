"""The chain rule at the level of the file's steps, where a mistake can be made by hand.

An article computes ``dE/dw1`` as a product of step-to-step factors
(``dE/dy * dy/dz3 * dz3/dh1 * dh1/dz1 * dz1/dw1``), summed over paths. Here each factor
``d step / d name`` comes from the engine, run on the step's own expression with a fresh
leaf for each name it uses; a derivative is then accumulated from those factors in reverse
step order. Re-runs of the mistake models change a factor (or an activation's local
derivative inside a step) and accumulate again: no derivative formula is written here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from autograd_lite import Value, local_grads, topological_order

from .program import ACTIVATIONS, Program, names_used, run

ActivationRule = Callable[[Value], tuple]
"""An activation node -> the local derivatives a mistake uses instead of the table's."""


def activation_as_one(node: Value) -> tuple:
    """The perceptron rule: the activation's derivative left out (taken as 1)."""
    return (1.0,)


def activation_at_output(node: Value) -> tuple:
    """The activation row's own rule evaluated at its output instead of its input.

    ``sigmoid'(out)`` for ``sigmoid'(net)``: the row's forward and ``local_grads`` are
    called at the point ``out``, as if ``out`` had been the operand.
    """
    op = node.op
    point = node.data
    return tuple(op.local_grads(op.forward(point), point))


def step_factors(
    program: Program, inputs: Mapping[str, float], rule: ActivationRule | None = None
) -> tuple[float, dict[str, float]]:
    """The step's value and its local derivative with respect to each name it uses.

    The engine builds the step's own graph from fresh leaves; the walk below is
    ``backward()``'s, reading each node's derivatives from the table (``local_grads``),
    except that ``rule`` replaces an activation's, when given.
    """
    leaves = {name: Value(inputs[name]) for name in names_used(program)}
    out = run(program, leaves)
    gradients: dict[Value, float] = {out: 1.0}
    for node in reversed(topological_order(out, leaves=False)):
        g = gradients.get(node, 0.0)
        if g == 0.0 or not node.parents:
            continue
        if rule is not None and node.op.name in ACTIVATIONS:
            locals_ = rule(node)
        else:
            locals_ = local_grads(node)
        for parent, local in zip(node.parents, locals_):
            gradients[parent] = gradients.get(parent, 0.0) + local * g
    return out.data, {name: gradients.get(leaf, 0.0) for name, leaf in leaves.items()}


CACHE_SIZE = 50_000
"""Steps a ``FactorCache`` remembers before it starts over."""


class FactorCache:
    """Steps already run, by (step, activation rule, inputs): re-runs share identical steps.

    Every re-run of a mistake starts from the same forward pass, and most change one
    thing, so most of their steps repeat. ``work`` counts the instructions actually run,
    which is what the budget charges.
    """

    def __init__(self) -> None:
        self.entries: dict[tuple, tuple[float, dict[str, float]]] = {}
        self.work = 0

    def factors(
        self, name: str, program: Program, inputs: Mapping[str, float], rule: ActivationRule | None
    ) -> tuple[float, dict[str, float]]:
        """``step_factors`` of the step, remembered; the dict is the caller's to change."""
        key = (name, rule, tuple(inputs[u] for u in names_used(program)))
        found = self.entries.get(key)
        if found is None:
            if len(self.entries) >= CACHE_SIZE:
                self.entries.clear()
            found = self.entries[key] = step_factors(program, inputs, rule)
            self.work += len(program)
        return found[0], dict(found[1])


Rounding = Callable[[float], float]


def _same(x: float) -> float:
    return x


def accumulate(
    steps: tuple[str, ...],
    factors: Mapping[str, Mapping[str, float]],
    of: str,
    rounding: Rounding = _same,
    forced: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """d ``of`` / d every name it depends on: the sum over paths of products of factors.

    Steps are visited in reverse order, so a step's derivative is complete when it is
    passed on. ``forced`` replaces the derivative with respect to a name once it is
    complete (an earlier printed number carried on); ``rounding`` is applied to every
    product and every partial sum.
    """
    derivative: dict[str, float] = {of: 1.0}
    start = steps.index(of)
    for name in reversed(steps[: start + 1]):
        if forced and name in forced:
            derivative[name] = forced[name]
        d = derivative.get(name)
        if d is None:
            continue
        for used, factor in factors[name].items():
            derivative[used] = rounding(derivative.get(used, 0.0) + rounding(d * factor))
    if forced:
        for name, value in forced.items():
            if name not in factors:  # a leaf: nothing is passed on from it
                derivative[name] = value
    return derivative
