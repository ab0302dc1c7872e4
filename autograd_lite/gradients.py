"""``grad()``: gradients as a function's result, for derivatives of derivatives.

``backward()`` stores gradients in ``.grad``; ``grad()`` returns them and leaves every
leaf as it was, which is what a second derivative (``grad`` of a ``grad``) needs.
"""

from __future__ import annotations

from collections.abc import Sequence

from .engine import Value, propagate, topological_order


def grad(
    output: Value, inputs: Sequence[Value], *, create_graph: bool = False
) -> list[float | Value]:
    """d output / d input for each input, leaving every leaf's ``.grad`` as it was.

    With ``create_graph=True`` the gradients are Values that can be differentiated
    again: ``grad(grad(f, [x], create_graph=True)[0], [x])`` is f''(x).
    """
    order = topological_order(output)
    in_graph = set(order)
    leaves = [node for node in order if not node.parents]
    saved = [leaf.grad for leaf in leaves]
    for leaf in leaves:
        leaf.grad = 0.0
    try:
        propagate(order, 1.0, create_graph)
        return [x.grad if x in in_graph else 0.0 for x in inputs]
    finally:
        for leaf, g in zip(leaves, saved):
            leaf.grad = g
