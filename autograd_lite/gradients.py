"""``grad()``: gradients as a function's result, for derivatives of derivatives.

``backward()`` stores gradients in ``.grad``; ``grad()`` returns them and leaves every
leaf as it was, which is what a second derivative (``grad`` of a ``grad``) needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine import Value, propagate
from .errors import ArgumentError, ArgumentTypeError
from .graph_order import topological_order


def grad(
    output: Value,
    inputs: Sequence[Value],
    *,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> list[float | Value]:
    """d output / d input for each input, leaving every leaf's ``.grad`` as it was.

    With ``create_graph=True`` the gradients are Values that can be differentiated
    again, for intermediate inputs too: ``grad(grad(f, [x], create_graph=True)[0], [x])``
    is f''(x). An input the output does not depend on is an error (usually a sign of
    a graph built from the wrong Value) unless ``allow_unused=True``: then its gradient is 0.0.
    """
    if not isinstance(output, Value):
        raise ArgumentTypeError(f"grad() takes a Value as its output, got {type(output).__name__}")
    if isinstance(inputs, Value):
        raise ArgumentTypeError(
            "grad(output, inputs) takes a list of Values as inputs, got one Value; "
            "write grad(y, [x]) (the result is a list too: (dy_dx,) = grad(y, [x]))"
        )
    inputs = list(inputs)
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise ArgumentTypeError(
                f"grad(): input {i} is {type(x).__name__} ({x!r}), not a Value; a plain number "
                "has no gradient: pass the Value the output was computed from"
            )
    order = topological_order(output)
    in_graph = set(order)
    unused = [x for x in inputs if x not in in_graph]
    if unused and not allow_unused:
        x = unused[0]
        raise ArgumentError(
            f"grad(): input {x.label or repr(x)} is not in the graph of the output: the output "
            "does not depend on it (was it computed from another copy?); pass "
            "allow_unused=True to get 0.0 for it"
        )
    leaves = [node for node in order if not node.parents]
    saved = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        kept = propagate(order, 1.0, create_graph, keep=[x for x in inputs if x in in_graph])
        return [kept.get(x, x.grad) if x in in_graph else 0.0 for x in inputs]
    finally:
        for leaf, g in zip(leaves, saved):
            leaf.grad = g
