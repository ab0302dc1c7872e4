"""The workloads written with autograd-lite, as a learner would write them."""

from __future__ import annotations

import gpt
from workloads import (
    BROWNLEE_RATE,
    CHAIN_SCALE,
    CHAIN_SHIFT,
    CHAIN_START,
    L2,
    LEARNING_RATE,
    split_parameters,
)

import nn
from autograd_lite import Value, topological_order, vsum

GPT_VALUE = Value
GPT_OPS = gpt.OPERATORS
"""The GPT written with operators over autograd-lite's Value dropped in."""

NAME = "autograd-lite"


def chain_body(x: Value, n: int) -> Value:
    """The end of a chain of n operations from x, cycling tanh, *, +."""
    y = x
    for i in range(n):
        if i % 3 == 0:
            y = y.tanh()
        elif i % 3 == 1:
            y = y * CHAIN_SCALE
        else:
            y = y + CHAIN_SHIFT
    return y


def chain_graph(n: int) -> tuple[Value, Value]:
    """x and the end of the chain of n, after its backward pass."""
    x = Value(CHAIN_START)
    y = chain_body(x, n)
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


def set_parameters(model: nn.MLP, params: list[float]) -> None:
    """Put these numbers back into the parameters' ``.data`` (the benchmark's reset)."""
    for p, x in zip(model.parameters(), params, strict=True):
        p.data = x


def gradients(model: nn.MLP) -> list[float]:
    return [p.grad for p in model.parameters()]


def brownlee(weights: list[list[list[float]]]) -> nn.MLP:
    """Brownlee's 7-5-3 sigmoid network from bias-last matrices."""
    return nn.MLP.from_weights(weights, activations="sigmoid", layout="bias_last")


def brownlee_epochs(model: nn.MLP, xs: list, ys: list, epochs: int, compiled: bool = False) -> list:
    """Epochs of per-row SGD with one ``nn.fit`` call, in row order; the weights after them."""
    options = {"compiled": True} if compiled else {}
    optimizer = nn.SGD(model.parameters(), lr=BROWNLEE_RATE)
    nn.fit(
        model, xs, ys, loss="sse_half", optimizer=optimizer, epochs=epochs, batch_size=1,
        shuffle=False, accuracy=None, progress=False, **options,
    )  # fmt: skip
    return [x for matrix in model.weights("bias_last") for row in matrix for x in row]
