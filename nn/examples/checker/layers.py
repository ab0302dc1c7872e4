"""Which layer each trained parameter belongs to, for the ``update-order`` model.

A ``[network]`` file says it (``Step.layer``: 1 is the first hidden layer, the highest the
output). Otherwise a parameter's layer is its distance from the loss: the shortest path, in
the engine's operations, from the loss to the nearest step that uses the parameter
directly. Parameters at the same distance form one layer.
"""

from __future__ import annotations

from collections import deque

from .evaluate import build_graph
from .plan import Plan


def parameter_layers(plan: Plan) -> tuple[tuple[str, ...], ...]:
    """The trained parameters grouped by layer, the layer nearest the loss first."""
    training = plan.training
    if training is None:
        return ()
    layer_of = {s.name: s.layer for s in plan.computation.steps}
    distance = _distances_from_loss(plan)
    keys: dict[str, float] = {}
    for p in training.parameters:
        users = [s for s in plan.steps if p in plan.uses[s] and s in distance]
        if not users:
            continue
        if all(layer_of[s] > 0 for s in users):
            keys[p] = -max(layer_of[s] for s in users)  # the output layer is the nearest
        else:
            keys[p] = min(distance[s] for s in users)
    grouped: dict[float, list[str]] = {}
    for p, key in sorted(keys.items(), key=lambda item: item[1]):
        grouped.setdefault(key, []).append(p)
    return tuple(tuple(group) for group in grouped.values())


def _distances_from_loss(plan: Plan) -> dict[str, int]:
    """Each step's distance from the loss in operations (breadth first, iterative)."""
    graph = build_graph(plan, plan.computation.values)
    loss = graph[plan.training.loss]
    node_to_step = {id(graph[s]): s for s in plan.steps}
    seen = {id(loss): 0}
    queue = deque([loss])
    found: dict[str, int] = {}
    while queue:
        node = queue.popleft()
        d = seen[id(node)]
        step = node_to_step.get(id(node))
        if step is not None and step not in found:
            found[step] = d
        for parent in node.parents:
            if id(parent) not in seen:
                seen[id(parent)] = d + 1
                queue.append(parent)
    return found
