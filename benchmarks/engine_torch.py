"""The workloads written with PyTorch on 0-d float64 tensors: scalar graphs, like the others."""

from __future__ import annotations

import torch
from workloads import CHAIN_SCALE, CHAIN_SHIFT, CHAIN_START, L2, LEARNING_RATE, split_parameters

NAME = "torch"


def _scalar(x: float, requires_grad: bool = False) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=requires_grad)


def chain_graph(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    x = y = _scalar(CHAIN_START, requires_grad=True)
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
    return x.grad.item()


def wide_sum(ws: list[float], xs: list[float]) -> tuple[float, list[float]]:
    """Products of 0-d tensors summed by one ``stack().sum()``: torch's n-ary sum."""
    w_values = [_scalar(w, requires_grad=True) for w in ws]
    x_values = [_scalar(x, requires_grad=True) for x in xs]
    total = torch.stack([w * x for w, x in zip(w_values, x_values)]).sum()
    total.backward()
    return total.item(), [w.grad.item() for w in w_values] + [x.grad.item() for x in x_values]


def mlp(params: list[float]):
    tensors = [_scalar(p, requires_grad=True) for p in params]
    return tensors, split_parameters(tensors)


def _score(layers, xs: list[torch.Tensor]) -> torch.Tensor:
    last = len(layers) - 1
    for depth, layer in enumerate(layers):
        sums = [sum((w * x for w, x in zip(ws, xs)), b) for ws, b in layer]
        xs = sums if depth == last else [s.relu() for s in sums]
    return xs[0]


def train_step(model, points: list[list[float]], labels: list[float]) -> float:
    params, layers = model
    inputs = [[_scalar(c) for c in point] for point in points]
    scores = [_score(layers, x) for x in inputs]
    losses = [(1 + -label * score).relu() for label, score in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = L2 * sum(p * p for p in params)
    total = data_loss + reg_loss
    for p in params:
        p.grad = None
    total.backward()
    with torch.no_grad():
        for p in params:
            p -= LEARNING_RATE * p.grad
    return total.item()


def set_parameters(model, params: list[float]) -> None:
    """Put these numbers back into the 0-d tensors, in place (the benchmark's reset)."""
    with torch.no_grad():
        for p, x in zip(model[0], params, strict=True):
            p.fill_(x)


def gradients(model) -> list[float]:
    return [p.grad.item() for p in model[0]]
