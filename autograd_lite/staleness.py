"""Is a graph still the one its forward pass computed? Readers ask before they record.

A Value's ``data`` can change after the forward pass (an optimizer step moves the
weights, a learner edits ``.data``), while the nodes computed from it keep their old
results. A trace or a drawing of such a graph would show arithmetic that does not add
up, so every reader first re-runs each node's forward from its operands' current data
(with the node's row of the table) and refuses a graph where the two disagree. This
plays the part of PyTorch's version counter without costing the engine anything: the
check runs only when a graph is read, never while it is built.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .engine import Value
from .errors import GraphChangedError
from .naming import NodeName, format_number


def recomputed(node: Value, operand_data: Sequence[float] | None = None) -> float | None:
    """What ``node``'s row gives from its operands' data now (``None`` if the row fails)."""
    data = [p.data for p in node.parents] if operand_data is None else list(operand_data)
    if node.op.has_constant:
        data.append(node.constant)
    try:
        return node.op.forward(*data)
    except (ArithmeticError, ValueError):
        return None


def _same(a: float | None, b: float) -> bool:
    return a is not None and (a == b or (math.isnan(a) and math.isnan(b)))  # allow_nonfinite


def check_unchanged(order: Sequence[Value], names: dict[Value, NodeName]) -> None:
    """Raise ``GraphChangedError`` naming the first node whose data its operands no longer give."""
    for node in order:
        if node.parents and not _same(recomputed(node), node.data):
            raise GraphChangedError(_explanation(node, order, names))


def _explanation(stale: Value, order: Sequence[Value], names: dict[Value, NodeName]) -> str:
    fmt = format_number
    name = names[stale].name
    now = recomputed(stale)
    gives = "cannot be computed" if now is None else f"give {fmt(now, 12)}"
    head = (
        f"the graph changed after its forward pass: {name} = {fmt(stale.data, 12)} "
        f"({stale.op.name}), but its operands now {gives}. "
    )
    advice = (
        "Run the forward pass again (compute the result anew from the current values) "
        "before explaining, drawing or stepping through it."
    )
    consumers = [n for n in order if any(p is stale for p in n.parents)]
    edited = any(
        not _same(recomputed(c), c.data)
        and _same(
            recomputed(c, [now if p is stale else p.data for p in c.parents]),
            c.data,
        )
        for c in consumers
    )
    if edited and now is not None:  # the nodes after it were computed from its old value
        return head + (
            f"The operand that changed is {name} itself: its .data was {fmt(now, 12)} at the "
            f"forward pass and is {fmt(stale.data, 12)} now. " + advice
        )
    # Leaves a consistent node also reads were not moved; the others are the suspects.
    trusted = {
        p
        for n in order
        if n.parents and n is not stale and _same(recomputed(n), n.data)
        for p in n.parents
    }
    changed = [p for p in dict.fromkeys(stale.parents) if not p.parents and p not in trusted]
    if not changed:
        changed = [p for p in dict.fromkeys(stale.parents) if not p.parents]
    if not changed:
        changed = list(dict.fromkeys(stale.parents))
    listed = ", ".join(f"{names[p].name} (now {fmt(p.data, 12)})" for p in changed)
    which = "the operand that changed is" if len(changed) == 1 else "an operand changed: one of"
    return head + (
        f"{which.capitalize()} {listed}; its value at the forward pass is not recorded "
        "(an optimizer step or an edit of .data moved it). " + advice
    )
