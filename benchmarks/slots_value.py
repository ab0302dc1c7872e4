"""A micrograd-style ``Value`` written the way a small pure-Python GPT writes its own.

The reference for the GPT workload: ``__slots__``, each node's local derivatives
computed in the forward pass and stored as a tuple beside its children (no
closures, so no reference cycles), and an iterative topological sort. It knows
``+ - * / **``, ``exp``, ``log`` and ``relu``, which is all such a GPT needs.
Written for this benchmark; nothing in the package imports it.
"""

from __future__ import annotations

import math


class Value:
    """A scalar, its gradient, its children and d self / d child for each child."""

    __slots__ = ("_children", "_local_grads", "data", "grad")

    def __init__(self, data: float, children: tuple = (), local_grads: tuple = ()) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Value | float) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> Value:
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def exp(self) -> Value:
        out = math.exp(self.data)
        return Value(out, (self,), (out,))

    def log(self) -> Value:
        return Value(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self) -> Value:
        positive = self.data > 0
        return Value(self.data if positive else 0.0, (self,), (1.0 if positive else 0.0,))

    def __neg__(self) -> Value:
        return self * -1.0

    def __radd__(self, other: float) -> Value:
        return self + other

    def __sub__(self, other: Value | float) -> Value:
        return self + (-other)

    def __rsub__(self, other: float) -> Value:
        return other + (-self)

    def __rmul__(self, other: float) -> Value:
        return self * other

    def __truediv__(self, other: Value | float) -> Value:
        return self * other**-1.0

    def __rtruediv__(self, other: float) -> Value:
        return other * self**-1.0

    def backward(self) -> None:
        """Every node's gradient, children after their consumers, without recursion."""
        order: list[Value] = []
        seen: set[Value] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._children if child not in seen)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * node.grad
