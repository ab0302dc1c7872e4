"""The workloads written with micrograd 0.1.0, the way its README and demo notebook write them.

micrograd 0.1.0 has no ``tanh``; it gets one here, written the way its own ``relu``
is written (a closure over its output), so that its chain does the same work.
"""

from __future__ import annotations

import math

from micrograd.engine import Value
from micrograd.nn import MLP
from workloads import CHAIN_SCALE, CHAIN_SHIFT, CHAIN_START, L2, LEARNING_RATE, MLP_SIZES

NAME = "micrograd"


def _tanh(self: Value) -> Value:
    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


Value.tanh = _tanh


def chain_graph(n: int) -> tuple[Value, Value]:
    x = y = Value(CHAIN_START)
    for i in range(n):
        if i % 3 == 0:
            y = y.tanh()
        elif i % 3 == 1:
            y = y * CHAIN_SCALE
        else:
            y = y + CHAIN_SHIFT
    y.backward()
    return x, y


def chain(n: int) -> float:
    x, _ = chain_graph(n)
    return x.grad


def count_nodes(root: Value) -> int:
    seen, stack = {root}, [root]
    while stack:
        for child in stack.pop()._prev:
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return len(seen)


def _pairwise_sum(terms: list[Value]) -> Value:
    """A balanced tree of ``+``: micrograd's recursive backward cannot take a 10^5-deep ``sum()``."""
    while len(terms) > 1:
        paired = [a + b for a, b in zip(terms[::2], terms[1::2])]
        terms = paired + terms[-1:] if len(terms) % 2 else paired
    return terms[0]


def wide_sum(ws: list[float], xs: list[float]) -> tuple[float, list[float]]:
    w_values = [Value(w) for w in ws]
    x_values = [Value(x) for x in xs]
    total = _pairwise_sum([w * x for w, x in zip(w_values, x_values)])
    total.backward()
    return total.data, [w.grad for w in w_values] + [x.grad for x in x_values]


def mlp(params: list[float]) -> MLP:
    model = MLP(MLP_SIZES[0], list(MLP_SIZES[1:]))
    for p, value in zip(model.parameters(), params, strict=True):
        p.data = value
    return model


def train_step(model: MLP, points: list[list[float]], labels: list[float]) -> float:
    inputs = [list(map(Value, point)) for point in points]
    scores = list(map(model, inputs))
    losses = [(1 + -label * score).relu() for label, score in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = L2 * sum(p * p for p in model.parameters())
    total = data_loss + reg_loss
    model.zero_grad()
    total.backward()
    for p in model.parameters():
        p.data -= LEARNING_RATE * p.grad
    return total.data


def set_parameters(model: MLP, params: list[float]) -> None:
    """Put these numbers back into the parameters' ``.data`` (the benchmark's reset)."""
    for p, x in zip(model.parameters(), params, strict=True):
        p.data = x


def gradients(model: MLP) -> list[float]:
    return [p.grad for p in model.parameters()]
