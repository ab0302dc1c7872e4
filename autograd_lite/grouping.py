"""Neurons found in a trace's records, so a drawing can show one box per neuron.

The engine knows nothing of ``nn``; a neuron is recognised from the graph alone. The rule
(``group="layer"`` in ``draw`` and ``stepper_page``):

- its weighted sum is a ``dot`` node. ``dot(ws, xs, b)`` records its operands as
  ``x1, w1, x2, w2, ..., b``: the odd positions and a last unpaired operand are the
  weights and the bias, the even positions the inputs;
- the weights and the bias it owns are leaves (never results of an operation) that no
  other operation uses; a ``dot`` that owns none is no neuron (two computed vectors);
- its activation is the ``relu``, ``sigmoid`` or ``tanh`` applied to the sum when that is
  the sum's only use; otherwise the sum is the neuron's output (a linear neuron).

The box takes its output's id, so the edges that leave the neuron are the output's edges;
an input's edge into the box keeps the id of its edge into the ``dot``
(``ids.in_edge_id(sum, position)``). Neurons with the same inputs form one layer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .errors import ArgumentError
from .trace import ForwardStep, Trace

GROUPS = ("layer",)
"""The values ``group=`` takes besides ``None`` (every Value drawn on its own)."""
ACTIVATIONS = ("relu", "sigmoid", "tanh")


@dataclass(frozen=True, slots=True)
class Neuron:
    """One neuron of a graph: which nodes its box stands for."""

    box_id: str
    """The output's id: the activation, or the sum for a linear neuron."""
    sum_id: str
    activation_id: str | None
    parameters: tuple[str, ...]
    """The weights and the bias the neuron owns, in the dot's order."""
    inputs: tuple[tuple[int, str], ...]
    """(position in the dot, node id) of each operand drawn outside the box."""
    layer: int
    """1 for the first layer of neurons found (by their inputs), 2 for the next, ..."""

    @property
    def members(self) -> tuple[str, ...]:
        """Every node the box hides or shows: the sum, the activation, the parameters."""
        inner = (self.sum_id,) + ((self.activation_id,) if self.activation_id else ())
        return inner + self.parameters


def check_group(group: object) -> str | None:
    if group is None or group in GROUPS:
        return group  # type: ignore[return-value]
    allowed = ", ".join(repr(g) for g in GROUPS)
    raise ArgumentError(f"group must be None or one of {allowed}, got {group!r}")


def find_neurons(trace: Trace) -> list[Neuron]:
    """The neurons of ``trace`` by the rule above, in the order of their sums' steps."""
    kinds = {n.node_id: n.kind for n in trace.nodes}
    uses: dict[str, list[ForwardStep]] = defaultdict(list)
    for step in trace.forward:
        for operand in dict.fromkeys(step.operand_ids):
            uses[operand].append(step)
    found = []
    layers: dict[frozenset[str], int] = {}
    for step in trace.forward:
        if step.op != "dot":
            continue
        ids = step.operand_ids
        weights = [2 * i + 1 for i in range(len(ids) // 2)]
        owned_positions = weights + ([len(ids) - 1] if len(ids) % 2 else [])
        owned = [
            p
            for p in owned_positions
            if kinds[ids[p]] != "op" and len(uses[ids[p]]) == 1 and ids.count(ids[p]) == 1
        ]
        if not owned:
            continue
        after = uses[step.node_id]
        activation = (
            after[0]
            if len(after) == 1
            and after[0].op in ACTIVATIONS
            and after[0].operand_ids == (step.node_id,)
            else None
        )
        outside = tuple((p, ids[p]) for p in range(len(ids)) if p not in owned)
        key = frozenset(i for _, i in outside)
        layer = layers.setdefault(key, len(layers) + 1)
        found.append(
            Neuron(
                box_id=activation.node_id if activation else step.node_id,
                sum_id=step.node_id,
                activation_id=activation.node_id if activation else None,
                parameters=tuple(ids[p] for p in sorted(owned)),
                inputs=outside,
                layer=layer,
            )
        )
    return found


def hidden_by(neurons: list[Neuron]) -> dict[str, str]:
    """Each node a box stands for, mapped to the box's id (the output maps to itself)."""
    return {member: n.box_id for n in neurons for member in n.members}
