"""The chain rule recorded as Values, for ``backward(create_graph=True)``.

Every product and sum of the backward pass is itself an operation on Values, so the
gradients it leaves can be differentiated again (Newton's method, Hessians). Kept
out of the engine's reading path: the engine calls it only when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any


def _is_zero(g: Any) -> bool:
    return isinstance(g, (int, float)) and g == 0.0


def propagate_values(
    order: Sequence[Any],
    root: Any,
    seed: Any,
    local_values: Callable[[Any], tuple],
    keep: Collection[Any] = (),
) -> dict[Any, Any]:
    """Propagate ``seed`` from ``root`` down ``order`` with ``local_values(node)`` as Values.

    Returns the gradient Values of the intermediate nodes in ``keep`` (``grad()``'s inputs),
    which every other intermediate gives up for its number once the pass is done.
    """
    root.grad = seed if _is_zero(root.grad) else root.grad + seed
    for node in reversed(order):
        if not node.parents or _is_zero(node.grad):
            continue
        g = node.grad
        for parent, local in zip(node.parents, local_values(node)):
            contribution = g if isinstance(local, (int, float)) and local == 1.0 else local * g
            parent.grad = contribution if _is_zero(parent.grad) else parent.grad + contribution
    kept = {node: node.grad for node in keep if node.parents}
    for node in order:
        if node.parents and not isinstance(node.grad, (int, float)):
            node.grad = node.grad.data  # an intermediate's Value would refer back to the node
    return kept
