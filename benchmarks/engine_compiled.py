"""The workloads replayed by ``compile_graph``: the graph recorded once, then a program on floats.

Each workload builds its graph with autograd-lite once, on first use, compiles it with
``compile_graph(root, inputs)`` and from then on calls ``prog(values) -> (out, grads)``;
the SGD update is applied to plain floats. Compiling is not timed here (see the
compile-size measurement). Where this version of autograd-lite has no
``compile_graph`` (or ``nn.fit`` no ``compiled=``), ``AVAILABLE`` says so and the
workloads are reported as not measured.
"""

from __future__ import annotations

import inspect

import engine_autograd_lite as normal
from workloads import CHAIN_START, L2, LEARNING_RATE

import autograd_lite
import nn
from autograd_lite import Value

NAME = "autograd-lite, compiled"
compile_graph = getattr(autograd_lite, "compile_graph", None)
AVAILABLE = compile_graph is not None
FIT_COMPILED = "compiled" in inspect.signature(nn.fit).parameters

_chains: dict[int, object] = {}


def chain(n: int) -> float:
    """d out / d x of the chain, by its program (compiled on the first call for this n)."""
    program = _chains.get(n)
    if program is None:
        x = y = Value(CHAIN_START)
        y = normal.chain_body(x, n)
        program = _chains[n] = compile_graph(y, [x])
    _, grads = program([CHAIN_START])
    return grads[0]


class CompiledStep:
    """An MLP's parameters as floats, and the program of its training step (made on first use)."""

    def __init__(self, params: list[float]) -> None:
        self.model = normal.mlp(params)
        self.values = [p.data for p in self.model.parameters()]
        self.program = None
        self.grads: list[float] = []

    def compile(self, points: list[list[float]], labels: list[float]) -> None:
        params = self.model.parameters()
        data = [[Value(c) for c in point] for point in points]
        scores = [self.model(x) for x in data]
        total = nn.max_margin(scores, labels) + nn.l2_penalty(params, L2)
        self.program = compile_graph(total, params + [v for x in data for v in x])


def mlp(params: list[float]) -> CompiledStep:
    return CompiledStep(params)


def train_step(step: CompiledStep, points: list[list[float]], labels: list[float]) -> float:
    """The program's loss and gradients on the current parameters and the points; SGD on floats."""
    if step.program is None:
        step.compile(points, labels)
    n = len(step.values)
    loss, grads = step.program(step.values + [c for point in points for c in point])
    step.grads = grads[:n]
    step.values = [v - LEARNING_RATE * g for v, g in zip(step.values, step.grads)]
    return loss


def set_parameters(step: CompiledStep, params: list[float]) -> None:
    """Start again from these parameters (the benchmark's reset between runs)."""
    step.values = list(params)


def gradients(step: CompiledStep) -> list[float]:
    return list(step.grads)


brownlee = normal.brownlee


def brownlee_epochs(model: nn.MLP, xs: list, ys: list, epochs: int) -> list:
    """Epochs of ``nn.fit(..., compiled=True)``: one program, made by the call and replayed."""
    return normal.brownlee_epochs(model, xs, ys, epochs, compiled=True)


def compile_size(sizes: tuple[int, ...], points: list[list[float]], labels: list[float]) -> tuple:
    """The graph of one MLP step of these sizes over the points, and its inputs: what is compiled."""
    model = nn.MLP(sizes[0], list(sizes[1:]), seed=0)
    params = model.parameters()
    data = [[Value(c) for c in point] for point in points]
    total = nn.max_margin([model(x) for x in data], labels) + nn.l2_penalty(params, L2)
    return total, params + [v for x in data for v in x]
