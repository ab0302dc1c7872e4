"""Step through a graph the way the articles do: every forward value, every chain-rule product.

``explain(root)`` takes a snapshot. At the moment it is called it records every node's
data and gradient, each operation's formula and the local derivative of every edge, in
frozen records that hold only names, numbers and strings: a trace can be pickled, sent
as JSON, and read later by the renderer and the page long after the Values moved on.

The tracer knows no derivative. Local derivatives come only from ``local_grads()`` (the
operation table); what the tracer adds is the chain rule itself, multiplying an
upstream gradient by a local derivative and summing the products in the order of
``backward()``, so each gradient it records is bit for bit the one ``backward()`` stores.
"""

from __future__ import annotations

from .engine import Value, local_grads, nonfinite_allowed
from .errors import ArgumentTypeError, DomainError
from .failures import nonfinite_gradient, nonfinite_sum
from .graph_order import topological_order
from .naming import DEFAULT_DIGITS, NodeName, check_digits, node_names
from .records import (
    SLOT,
    BackwardStep,
    Contribution,
    ForwardStep,
    Step,
    Trace,
    TracedNode,
    drop_repeats,
)
from .staleness import check_unchanged

__all__ = [
    "FLAT_BELOW",
    "BackwardStep",
    "Contribution",
    "ForwardStep",
    "Step",
    "Trace",
    "TracedNode",
    "drop_repeats",
    "explain",
    "snapshot",
]

FLAT_BELOW = 1e-3
"""An edge whose local derivative is 0 or below this in absolute value is marked flat
(``ForwardStep.flat``): a dead ReLU (local 0) or a saturated sigmoid (``sigmoid(10)``'s
4.5e-5) passes back almost none of the gradient it receives, so the weights behind it
barely learn. The trace's text ends such a step's line with its ``flat_note()``."""


def explain(root: Value, *, seed: float = 1.0, digits: int = DEFAULT_DIGITS) -> Trace:
    """A snapshot of ``root``'s graph: its forward pass and a backward pass from ``root``.

    The backward pass is replayed, not read from ``.grad``: the graph is left
    untouched, and each gradient is the one a fresh ``root.backward(seed)`` stores
    (for leaves: what it adds to their ``.grad``). A graph whose Values changed
    after its forward pass raises ``GraphChangedError`` instead of being recorded.
    """
    return snapshot(root, seed=seed, digits=digits)[0]


def snapshot(
    root: Value, *, seed: float = 1.0, digits: int = DEFAULT_DIGITS
) -> tuple[Trace, dict[Value, NodeName]]:
    """``explain(root)`` and the names it gave each Value (for readers handed a Value)."""
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"explain() takes a Value, got {type(root).__name__}")
    check_digits(digits)
    if isinstance(seed, bool) or not isinstance(seed, (int, float)):
        raise ArgumentTypeError(f"explain(seed=...) takes a number, got {type(seed).__name__}")
    order = topological_order(root)
    names = node_names(order)
    check_unchanged(order, names)
    root_name = names[root].name

    forward: list[ForwardStep] = []
    derivatives: dict[Value, tuple[float, ...] | None] = {}
    for node in order:
        if node.parents:
            derivatives[node] = edge_locals(node)
            forward.append(_forward_step(node, names, len(forward) + 1, derivatives[node]))

    finite_ok = nonfinite_allowed()
    grads = {node: 0.0 for node in order}
    grads[root] = float(seed)
    reached = {root}
    index = len(forward)
    backward: list[BackwardStep] = []
    for node in reversed(order):
        if not node.parents:
            continue
        upstream = grads[node]
        contributions: list[Contribution] = []
        if upstream != 0.0:  # as in backward(): a zero gradient passes nothing on
            locals_ = derivatives[node]
            if locals_ is None:
                raise underivable_error(node, names)
            for position, (parent, local) in enumerate(zip(node.parents, locals_, strict=True)):
                product = local * upstream
                grads[parent] += product
                if grads[parent] - grads[parent] != 0.0 and not finite_ok:
                    raise _nonfinite(node, position, local, upstream, grads[parent], names)
                index += 1
                contributions.append(
                    Contribution(
                        index=index,
                        root_name=root_name,
                        node_id=names[node].node_id,
                        name=names[node].name,
                        parent_id=names[parent].node_id,
                        parent_name=names[parent].name,
                        position=position,
                        upstream=upstream,
                        local=local,
                        product=product,
                        accumulated=grads[parent],
                        first=parent not in reached,
                    )
                )
                reached.add(parent)
        backward.append(
            BackwardStep(
                node_id=names[node].node_id,
                name=names[node].name,
                root_name=root_name,
                upstream=upstream,
                contributions=tuple(contributions),
            )
        )

    nodes = tuple(
        TracedNode(
            node_id=names[n].node_id,
            name=names[n].name,
            label=n.label,
            kind="op" if n.parents else ("leaf" if n.label else "constant"),
            op=n.op.name if n.parents else None,
            data=n.data,
            grad=grads[n],
        )
        for n in order
    )
    trace = Trace(
        root_id=names[root].node_id,
        root_name=root_name,
        seed=float(seed),
        nodes=nodes,
        forward=tuple(forward),
        backward=tuple(backward),
        digits=digits,
    )
    return trace, names


def _forward_step(
    node: Value, names: dict[Value, NodeName], index: int, locals_: tuple[float, ...] | None
) -> ForwardStep:
    op = node.op
    slots = len(node.parents) + (1 if op.has_constant else 0)
    return ForwardStep(
        index=index,
        node_id=names[node].node_id,
        name=names[node].name,
        op=op.name,
        operand_ids=tuple(names[p].node_id for p in node.parents),
        operand_names=tuple(names[p].name for p in node.parents),
        operand_values=tuple(p.data for p in node.parents),
        constant=node.constant,
        result=node.data,
        template=op.show(*[SLOT.format(i) for i in range(slots)]),
        symbol=op.drawn_as,
        local=locals_ if locals_ is not None else (None,) * len(node.parents),
        flat=flat_edges(locals_) if locals_ is not None else (False,) * len(node.parents),
    )


def flat_edges(locals_: tuple[float, ...]) -> tuple[bool, ...]:
    """For each local derivative: is it 0 or below ``FLAT_BELOW`` in absolute value?"""
    return tuple(local == 0.0 or abs(local) < FLAT_BELOW for local in locals_)


def edge_locals(node: Value) -> tuple[float, ...] | None:
    """The table's local derivatives as floats, or ``None`` where the row cannot give them."""
    try:
        return tuple(float(g) for g in local_grads(node))
    except (ArithmeticError, ValueError):
        return None


def underivable_error(node: Value, names: dict[Value, NodeName]) -> DomainError:
    try:
        local_grads(node)
        reason = "not a number"
    except (ArithmeticError, ValueError) as exc:
        reason = str(exc)
    operands = ", ".join(f"{names[p].name} = {p.data!r}" for p in node.parents)
    return DomainError(
        f"the local derivative of {node.op.name} at {names[node].name} cannot be computed "
        f"({operands}): {reason}"
    )


def _nonfinite(
    node: Value,
    position: int,
    local: float,
    upstream: float,
    total: float,
    names: dict[Value, NodeName],
) -> Exception:
    """A trace never shows ``1 * (-inf) = -inf``: the same error as ``backward()`` gives."""
    product = local * upstream
    if product - product != 0.0:
        return nonfinite_gradient(
            node.op,
            node.parents,
            node.constant,
            position,
            local,
            upstream,
            names=[names[p].name for p in node.parents],
        )
    return nonfinite_sum(names[node.parents[position]].name, total)
