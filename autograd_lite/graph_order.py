"""The order ``backward()`` walks a graph in: every node after the nodes it was computed from.

Iterative, so a chain of a million operations needs no recursion; it reads only each
node's ``parents``, so it serves every reader of a graph.
"""

from __future__ import annotations

from typing import Any


def topological_order(
    root: Any, *, leaves: bool = True, reached_leaves: list[Any] | None = None
) -> list[Any]:
    """Every node ``root`` depends on, each after its parents, ``root`` last.

    Iterative depth-first search: a chain of a million operations needs no
    recursion. Parents are visited in order, so the order is stable. With
    ``leaves=False``, only ``root`` and the nodes operations made: the ones
    ``backward()`` passes gradients on from. The stack holds only nodes and
    markers, no per-node objects that would wake the garbage collector.
    ``reached_leaves``, with ``leaves=False``, receives each leaf once, as first reached
    (``backward()`` checks their gradients from it).
    """
    collect = reached_leaves is not None
    order: list[Any] = []
    seen: set[Any] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # a marker: the node below it has all its parents in order
            order.append(stack.pop())
        elif node not in seen:
            seen.add(node)
            if node.op is not None:  # made by an operation: it has parents
                stack.append(node)
                stack.append(None)
                for parent in reversed(node.parents):  # the first parent on top, visited first
                    if leaves or parent.op is not None:
                        if parent not in seen:
                            stack.append(parent)
                    elif collect and parent not in seen:
                        seen.add(parent)
                        reached_leaves.append(parent)
            elif leaves or node is root:
                order.append(node)
    return order


_SEEN = object()
"""What a node's ``grad`` holds while ``backward_order`` walks: "seen", for one pass; and a
leaf's ``_b``, which a leaf leaves unused (``Value`` reads ``_b`` only beside an ``_a``)."""


def backward_order(root: Any, reached_leaves: list[Any]) -> list[Any]:
    """``topological_order(root, leaves=False, reached_leaves=...)`` for ``backward()``, faster.

    The same walk in the same order, but a node seen is marked in its ``grad`` instead of
    in a set: ``backward()`` resets every such gradient to 0.0 anyway, which this does on
    the way out. A set of a million nodes costs 30 MB and a hash per edge; the mark, one
    attribute. A leaf reached is marked in its free ``_b`` slot, so that a weight that 100
    points' neurons share is listed once, not 100 times. A node's first parent, which
    the stack would hand back at once, is visited straight away: a node costs two pushes
    and two pops, not three of each. Nodes come back with ``grad`` 0.0 and leaves
    unmarked whatever happens (Ctrl-C included).
    """
    if root.op is None:
        return [root]
    order: list[Any] = []
    stack: list[Any] = [root]
    push = stack.append
    leaf = reached_leaves.append  # then marked: if interrupted between, the list still has it
    try:
        while stack:
            node = stack.pop()
            if node is None:  # a marker: the node below it has all its parents in order
                order.append(stack.pop())
            elif node.grad is not _SEEN:
                while True:  # down the first parents (a chain, a sum's left side): no stack
                    node.grad = _SEEN
                    push(node)
                    push(None)
                    a = node._a  # the parents from the node's slots, as ``Value.parents`` does
                    if a is None:  # three or more in a tuple (or none)
                        for parent in reversed(node._more):  # the first on top, visited first
                            if parent.op is None:
                                if parent._b is not _SEEN:
                                    leaf(parent)
                                    parent._b = _SEEN
                            elif parent.grad is not _SEEN:
                                push(parent)
                        break
                    b = node._b
                    # The same lines as the wide node's loop above, written out again on purpose:
                    # one loop for both, over (b,) or more[:0:-1], makes this walk 20% slower on
                    # a chain and 40% on the GPT step's graph (one process, the two alternating).
                    if b is not None:  # the second parent waits on the stack
                        if b.op is None:
                            if b._b is not _SEEN:
                                leaf(b)
                                b._b = _SEEN
                        elif b.grad is not _SEEN:
                            push(b)
                    if a.op is None:
                        if a._b is not _SEEN:
                            leaf(a)
                            a._b = _SEEN
                        break
                    if a.grad is _SEEN:
                        break
                    node = a  # what pushing it and popping it straight back would do
    finally:
        for node in reached_leaves:
            node._b = None
        for node in order:
            node.grad = 0.0
        for node in stack:  # only if interrupted: the nodes marked but not yet placed
            if node is not None and node.grad is _SEEN:
                node.grad = 0.0
    return order
