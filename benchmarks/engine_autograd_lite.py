"""The workloads written with autograd-lite, as a learner would write them."""

from __future__ import annotations

from workloads import CHAIN_SCALE, CHAIN_SHIFT, CHAIN_START, L2, LEARNING_RATE, split_parameters

import nn
from autograd_lite import Value, topological_order, vsum

NAME = "autograd-lite"


def chain_graph(n: int) -> tuple[Value, Value]:
    """x and the end of a chain of n operations cycling tanh, *, +, after its backward pass."""
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
    """Forward and backward through the chain (freed on return); d out / d x."""
    x, _ = chain_graph(n)
    return x.grad


def count_nodes(root: Value) -> int:
    return len(topological_order(root))


def wide_sum(ws: list[float], xs: list[float]) -> tuple[float, list[float]]:
    """``sum(w_i * x_i)`` as products summed by one n-ary node; its value and every gradient."""
    w_values = [Value(w) for w in ws]
    x_values = [Value(x) for x in xs]
    total = vsum([w * x for w, x in zip(w_values, x_values)])
    total.backward()
    return total.data, [w.grad for w in w_values] + [x.grad for x in x_values]


def mlp(params: list[float]) -> nn.MLP:
    """A 2-16-16-1 ReLU MLP (linear output) holding these parameters, in micrograd's order."""
    layers = split_parameters(params)
    weights = [[ws for ws, _ in layer] for layer in layers]
    biases = [[b for _, b in layer] for layer in layers]
    return nn.MLP.from_weights(weights, biases)


def train_step(model: nn.MLP, points: list[list[float]], labels: list[float]) -> float:
    """One SGD step on the max-margin loss plus L2, as micrograd's demo notebook; the loss."""
    scores = [model(point) for point in points]
    total = nn.max_margin(scores, labels) + nn.l2_penalty(model.parameters(), L2)
    model.zero_grad()
    total.backward()
    nn.SGD(model.parameters(), lr=LEARNING_RATE).step()
    return total.data


def gradients(model: nn.MLP) -> list[float]:
    return [p.grad for p in model.parameters()]
