"""The floor: the same workloads on plain floats, with backward passes derived by hand.

No graph, no objects per operation: what any scalar engine in pure Python is
closing in on.
"""

from __future__ import annotations

import math

from workloads import (
    BROWNLEE_RATE,
    CHAIN_SCALE,
    CHAIN_SHIFT,
    CHAIN_START,
    L2,
    LEARNING_RATE,
    split_parameters,
)

NAME = "floats"


def chain_graph(n: int) -> tuple[float, list[float]]:
    """d out / d x and the chain's tape: every intermediate result, which its backward reads."""
    y = CHAIN_START
    tape = []
    for i in range(n):
        if i % 3 == 0:
            y = math.tanh(y)
        elif i % 3 == 1:
            y = y * CHAIN_SCALE
        else:
            y = y + CHAIN_SHIFT
        tape.append(y)
    grad = 1.0
    for i in range(n - 1, -1, -1):
        if i % 3 == 0:
            grad *= 1.0 - tape[i] * tape[i]  # tanh' = 1 - tanh^2
        elif i % 3 == 1:
            grad *= CHAIN_SCALE
    return grad, tape


def chain(n: int) -> float:
    grad, _ = chain_graph(n)
    return grad


def count_nodes(tape: list[float]) -> int:
    return len(tape) + 1


def wide_sum(ws: list[float], xs: list[float]) -> tuple[float, list[float]]:
    total = 0.0
    for w, x in zip(ws, xs):
        total += w * x
    return total, xs[:] + ws[:]  # d/dw_i = x_i, d/dx_i = w_i


class FloatMLP:
    """Layers of neurons, each a mutable ``[weights, bias]``, and the latest step's gradients."""

    def __init__(self, params: list[float]) -> None:
        self.layers = [[[list(ws), b] for ws, b in layer] for layer in split_parameters(params)]
        self.grads: list = []


def mlp(params: list[float]) -> FloatMLP:
    return FloatMLP(params)


def train_step(net: FloatMLP, points: list[list[float]], labels: list[float]) -> float:
    model = net.layers
    grads = [[[[0.0] * len(ws), 0.0] for ws, _ in layer] for layer in model]
    last = len(model) - 1
    data_loss = 0.0
    for point, label in zip(points, labels):
        inputs = [point]  # the input to each layer
        for depth, layer in enumerate(model):
            sums = [b + sum(w * x for w, x in zip(ws, inputs[-1])) for ws, b in layer]
            inputs.append(sums if depth == last else [max(s, 0.0) for s in sums])
        margin = 1.0 - label * inputs[-1][0]
        if margin <= 0.0:
            continue  # max(margin, 0) is flat here: no loss, no gradient
        data_loss += margin
        deltas = [-label / len(points)]  # d loss / d score
        for depth in range(last, -1, -1):
            layer, layer_grads, xs = model[depth], grads[depth], inputs[depth]
            below = [0.0] * len(xs)  # d loss / d this layer's inputs
            for (ws, _), neuron_grads, delta in zip(layer, layer_grads, deltas):
                neuron_grads[1] += delta
                weight_grads = neuron_grads[0]
                for i, x in enumerate(xs):
                    weight_grads[i] += delta * x
                if depth:  # the input layer passes nothing further down
                    for i, w in enumerate(ws):
                        below[i] += delta * w
            deltas = [d if x > 0.0 else 0.0 for d, x in zip(below, xs)]  # through the relu
    reg_loss = 0.0
    for layer, layer_grads in zip(model, grads):
        for neuron, neuron_grads in zip(layer, layer_grads):
            ws = neuron[0]
            reg_loss += neuron[1] ** 2 + sum(w * w for w in ws)
            neuron_grads[1] += 2 * L2 * neuron[1]
            for i, w in enumerate(ws):
                neuron_grads[0][i] += 2 * L2 * w
            neuron[1] -= LEARNING_RATE * neuron_grads[1]
            for i, g in enumerate(neuron_grads[0]):
                ws[i] -= LEARNING_RATE * g
    net.grads = grads
    return data_loss / len(points) + L2 * reg_loss


def set_parameters(net: FloatMLP, params: list[float]) -> None:
    """Put these numbers back into the lists, in place (the benchmark's reset between runs)."""
    for layer, numbers in zip(net.layers, split_parameters(params), strict=True):
        for neuron, (ws, b) in zip(layer, numbers, strict=True):
            neuron[0][:] = ws
            neuron[1] = b


def gradients(net: FloatMLP) -> list[float]:
    return [g for layer in net.grads for ws, b in layer for g in (*ws, b)]


def brownlee(weights: list[list[list[float]]]) -> list[list[list[float]]]:
    """Brownlee's network as his code holds it: per layer, per neuron, weights then the bias."""
    return [[list(row) for row in matrix] for matrix in weights]


def _sigmoid(a: float) -> float:
    if a >= 0:  # the engine's form, so both round alike: exp of a non-positive number
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


def brownlee_epochs(net: list, xs: list, ys: list, epochs: int) -> list[float]:
    """Epochs of Brownlee's per-row SGD: forward, the deltas, the update; the weights after."""
    for x, expected in [pair for _ in range(epochs) for pair in zip(xs, ys)]:
        inputs, outputs = [x], []
        for layer in net:
            out = []
            for row in layer:  # the bias first, then the products, as his ``activate``
                a = row[-1]
                for w, xi in zip(row, inputs[-1]):
                    a += w * xi
                out.append(_sigmoid(a))
            outputs.append(out)
            inputs.append(out)
        deltas = [(o - e) * (o * (1.0 - o)) for o, e in zip(outputs[-1], expected)]
        layer_deltas = [deltas]
        for depth in range(len(net) - 1, 0, -1):
            below = outputs[depth - 1]
            errors = [
                sum(row[j] * d for row, d in zip(net[depth], deltas)) for j in range(len(below))
            ]
            deltas = [err * (o * (1.0 - o)) for err, o in zip(errors, below)]
            layer_deltas.insert(0, deltas)
        for layer, deltas, xs_in in zip(net, layer_deltas, inputs):
            for row, d in zip(layer, deltas):
                for j, xi in enumerate(xs_in):
                    row[j] -= BROWNLEE_RATE * d * xi
                row[-1] -= BROWNLEE_RATE * d
    return [w for layer in net for row in layer for w in row]
