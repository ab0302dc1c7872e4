"""What both of Brownlee's examples share: his initial weights, his per-row SGD step, his predict.

Brownlee's network is two layers of neurons, each neuron's ``weights`` ending with
its bias: ``nn.MLP.from_weights(..., layout="bias_last")``, sigmoid everywhere. His
``train_network`` takes one row at a time: a forward pass that stores each neuron's
``output``, a backward pass that stores its ``delta``, then
``weight -= l_rate * delta * input``. That is plain SGD on ``L = 1/2 sum (o - e)^2``
with ``delta = dL/dz`` for the neuron's sum ``z``: here ``backward()`` computes the
deltas and ``nn.SGD`` makes the update.

The graph an example shows is its network's first step, traced (``traced_sgd_step``)
between ``backward()`` and the update: the same network then trains on, and the
trace keeps the values the step started from.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import nn
from autograd_lite import ArgumentError, Trace, Value, explain, no_grad

Matrix = list[list[float]]

LAYER_NAMES = ("h", "o")
"""Brownlee's two layers, hidden and output: ``h2`` is hidden neuron 2, ``o1.w2`` a weight."""


def initial_weights(
    rng: random.Random, n_inputs: int, n_hidden: int, n_outputs: int
) -> list[Matrix]:
    """Brownlee's ``initialize_network``: one ``random()`` per weight, hidden layer first, bias last."""
    hidden = [[rng.random() for _ in range(n_inputs + 1)] for _ in range(n_hidden)]
    output = [[rng.random() for _ in range(n_hidden + 1)] for _ in range(n_outputs)]
    return [hidden, output]


def network(weights: Sequence[Matrix]) -> nn.MLP:
    """The sigmoid MLP with these two bias-last weight matrices, hidden then output."""
    if len(weights) != len(LAYER_NAMES):
        raise ArgumentError(f"Brownlee's networks have 2 layers, got {len(weights)} matrices")
    return nn.MLP.from_weights(weights, activations="sigmoid", layout="bias_last")


def one_hot(label: int, n_outputs: int) -> list[float]:
    """Brownlee's ``expected``: 1 at the row's class index, 0 elsewhere."""
    return [1.0 if k == label else 0.0 for k in range(n_outputs)]


@dataclass
class Step:
    """One row's forward and backward pass: what Brownlee's network dicts then hold.

    ``outputs`` and ``deltas`` hold one list per layer (hidden, output): the stored
    outputs of the forward pass and each neuron's ``delta = dL/dz`` (the current
    sign convention, ``(o - e) o (1 - o)`` at the output layer). ``loss`` is the
    row's ``L = 1/2 sum (o - e)^2``, the root of its graph.
    """

    loss: Value
    layers: list[list[Value]]

    @property
    def outputs(self) -> list[list[float]]:
        return [[o.data for o in layer] for layer in self.layers]

    @property
    def deltas(self) -> list[list[float]]:
        # A neuron's output is sigmoid(z): its one parent is the sum z.
        return [[float(o.parents[0].grad) for o in layer] for layer in self.layers]

    @property
    def squared_error(self) -> float:
        """``sum (e - o)^2``, what Brownlee adds to the epoch's error: ``2 L``, without the half."""
        return 2.0 * self.loss.data


def forward(model: nn.MLP, x: Sequence[float], expected: Sequence[float]) -> Step:
    """The row's graph, layer by layer (so each layer's outputs stay at hand), and its loss."""
    layers: list[list[Value]] = []
    values: Sequence[Value | float] = x
    for layer in model.layers:
        out = layer(values)
        values = [out] if isinstance(out, Value) else out
        layers.append(values)
    return Step(nn.sse_half(values, list(expected)), layers)


def label(step: Step, model: nn.MLP) -> None:
    """Name the graph for a readable trace: ``h1.w2``, ``h1.b``, ``h1.z``, ``h1``, ``o2``, ``L``."""
    step.loss.named("L")
    for name, layer, outputs in zip(LAYER_NAMES, model.layers, step.layers):
        for j, (neuron, out) in enumerate(zip(layer.neurons, outputs), 1):
            for i, w in enumerate(neuron.w, 1):
                w.named(f"{name}{j}.w{i}")
            neuron.b.named(f"{name}{j}.b")
            out.named(f"{name}{j}")
            out.parents[0].named(f"{name}{j}.z")


def sgd_step(
    model: nn.MLP, optimizer: nn.SGD, x: Sequence[float], expected: Sequence[float]
) -> Step:
    """Brownlee's ``forward_propagate``, ``backward_propagate_error`` and ``update_weights``
    for one row; the step's outputs and deltas are those before the update."""
    step = forward(model, x, expected)
    optimizer.zero_grad()
    step.loss.backward()
    optimizer.step()
    return step


def traced_sgd_step(
    model: nn.MLP, optimizer: nn.SGD, x: Sequence[float], expected: Sequence[float]
) -> tuple[Step, Trace]:
    """``sgd_step`` with the graph named (``label``) and traced after ``backward()``, before
    the update: the trace keeps the step's values, which the update makes stale."""
    step = forward(model, x, expected)
    label(step, model)
    optimizer.zero_grad()
    step.loss.backward()
    trace = explain(step.loss)
    optimizer.step()
    return step, trace


def train_epoch(
    model: nn.MLP,
    optimizer: nn.SGD,
    rows: Sequence[Sequence[float]],
    n_outputs: int,
    *,
    first: Step | None = None,
) -> tuple[float, Step]:
    """One pass of per-row SGD in row order: Brownlee's epoch error, and the last row's step.

    Each row is its features then its class index, as in Brownlee's data sets. ``first``
    is the first row's step when the caller has made it already (``traced_sgd_step``):
    the epoch then goes on from the second row, its error counting the first row's.
    """
    if not rows:
        raise ArgumentError("train_epoch needs at least one row")
    total = 0.0
    step = first
    if first is not None:
        total += first.squared_error
        rows = rows[1:]
    for row in rows:
        step = sgd_step(model, optimizer, row[:-1], one_hot(int(row[-1]), n_outputs))
        total += step.squared_error
    return total, step


def predict(model: nn.MLP, x: Sequence[float]) -> int:
    """Brownlee's ``predict``: the index of the largest output (the first, on a tie)."""
    with no_grad():
        values = [o.data for o in model(x)]
    return values.index(max(values))


def accuracy_percent(actual: Sequence[int], predicted: Sequence[int]) -> float:
    """Brownlee's ``accuracy_metric``: ``correct / float(count) * 100.0``, in that order."""
    correct = sum(1 for a, p in zip(actual, predicted) if a == p)
    return correct / float(len(actual)) * 100.0
