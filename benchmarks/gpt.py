"""A one-layer GPT training step on scalar Values, the way a small pure-Python GPT writes it.

Token and position embeddings, RMS normalisation, causal multi-head attention with
a softmax, a ReLU MLP, residual connections, a language-model head and the mean
cross-entropy over the positions; then ``backward()`` and one SGD step. Written once,
over any ``Value`` class with ``+ - * / **``, ``exp``, ``log`` and ``relu``
(``OPERATORS``), or with autograd-lite's ``dot``, ``vsum`` and ``softmax`` (``fused``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

VOCAB, WIDTH, HEADS, CONTEXT, HIDDEN = 16, 16, 4, 8, 64
"""16 tokens, 16-wide embeddings in 4 heads of 4, 8 positions, a 64-wide MLP."""
LEARNING_RATE = 0.01
EPSILON = 1e-5
SEED = 1337


@dataclass(frozen=True)
class Ops:
    """How the model sums: spelled out with operators, or with fused n-ary nodes."""

    total: Callable  # a list of Values -> their sum
    weighted: Callable  # (weights, inputs) -> sum of products
    softmax: Callable  # logits -> probabilities


def _softmax(logits: list) -> list:
    top = max(v.data for v in logits)  # shifted by the largest logit, as such GPTs do
    exps = [(v - top).exp() for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


OPERATORS = Ops(
    total=sum,
    weighted=lambda ws, xs: sum(w * x for w, x in zip(ws, xs)),
    softmax=_softmax,
)


def fused() -> Ops:
    """The same model with autograd-lite's one-node sums and its softmax."""
    from autograd_lite import dot, softmax, vsum

    return Ops(total=vsum, weighted=dot, softmax=softmax)


def initial_parameters(seed: int = SEED) -> dict[str, list[list[float]]]:
    """Every matrix of the model as rows of floats, Gaussian with a standard deviation of 0.1."""
    rng = random.Random(seed)
    shapes = {
        "wte": (VOCAB, WIDTH),
        "wpe": (CONTEXT, WIDTH),
        "wq": (WIDTH, WIDTH),
        "wk": (WIDTH, WIDTH),
        "wv": (WIDTH, WIDTH),
        "wo": (WIDTH, WIDTH),
        "fc1": (HIDDEN, WIDTH),
        "fc2": (WIDTH, HIDDEN),
        "head": (VOCAB, WIDTH),
    }
    return {
        name: [[rng.gauss(0.0, 0.1) for _ in range(cols)] for _ in range(rows)]
        for name, (rows, cols) in shapes.items()
    }


def tokens(seed: int = SEED) -> list[int]:
    """CONTEXT + 1 tokens: each position predicts the next."""
    rng = random.Random(seed + 1)
    return [rng.randrange(VOCAB) for _ in range(CONTEXT + 1)]


class GPT:
    """The parameters as Values of one class, and the training step written over them."""

    def __init__(self, value_class: type, ops: Ops, params: dict[str, list[list[float]]]):
        self.ops = ops
        self.matrices = {
            name: [[value_class(x) for x in row] for row in rows] for name, rows in params.items()
        }
        self.parameters = [p for rows in self.matrices.values() for row in rows for p in row]

    def _linear(self, name: str, x: list) -> list:
        return [self.ops.weighted(row, x) for row in self.matrices[name]]

    def _rmsnorm(self, x: list) -> list:
        mean_square = self.ops.weighted(x, x) * (1.0 / len(x))
        scale = (mean_square + EPSILON) ** -0.5
        return [xi * scale for xi in x]

    def loss(self, sequence: list[int]) -> object:
        """The mean cross-entropy of predicting each next token, position by position."""
        m, ops = self.matrices, self.ops
        head_size = WIDTH // HEADS
        keys: list[list] = []
        values: list[list] = []
        losses = []
        for t, (token, target) in enumerate(pairwise(sequence)):
            x = [a + b for a, b in zip(m["wte"][token], m["wpe"][t])]
            x = self._rmsnorm(x)
            q = self._linear("wq", x)
            keys.append(self._linear("wk", x))
            values.append(self._linear("wv", x))
            attended = []
            for h in range(0, WIDTH, head_size):
                scores = [
                    ops.weighted(q[h : h + head_size], k[h : h + head_size]) * head_size**-0.5
                    for k in keys
                ]
                weights = ops.softmax(scores)
                attended += [
                    ops.weighted(weights, [v[j] for v in values]) for j in range(h, h + head_size)
                ]
            x = [a + b for a, b in zip(self._linear("wo", attended), x)]
            hidden = [h.relu() for h in self._linear("fc1", self._rmsnorm(x))]
            x = [a + b for a, b in zip(self._linear("fc2", hidden), x)]
            probabilities = ops.softmax(self._linear("head", self._rmsnorm(x)))
            losses.append(-probabilities[target].log())
        return ops.total(losses) * (1.0 / len(losses))

    def train_step(self, sequence: list[int]) -> float:
        """Forward, backward and one SGD step; the loss before the step."""
        for p in self.parameters:
            p.grad = 0.0
        loss = self.loss(sequence)
        loss.backward()
        for p in self.parameters:
            p.data -= LEARNING_RATE * p.grad
        return loss.data

    def gradients(self) -> list[float]:
        return [p.grad for p in self.parameters]

    def set_parameters(self, params: dict[str, list[list[float]]]) -> None:
        """Put these numbers back into the model's Values (the benchmark's reset between runs)."""
        numbers = [x for rows in params.values() for row in rows for x in row]
        for p, x in zip(self.parameters, numbers, strict=True):
            p.data = x
