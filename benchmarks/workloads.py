"""The inputs every engine is measured on, made once so that all engines see the same numbers.

Each engine module (``engine_*.py``) turns these plain floats into its own kind
of graph; nothing here depends on any engine.
"""

from __future__ import annotations

import math
import random
from itertools import pairwise

CHAIN_START = 0.5
"""The chain's one input x; the chain returns d out / d x."""
CHAIN_SCALE = 1.0
CHAIN_SHIFT = 0.0
"""The chain repeats ``y = tanh(y); y = y * SCALE; y = y + SHIFT``. These neutral
constants keep the gradient from vanishing to exactly 0.0 over a million steps, so
every node's backward step does real work in every engine (any contracting choice
underflows the gradient, and an engine that skips zero gradients would then skip
most of the pass)."""

MLP_SIZES = (2, 16, 16, 1)
POINTS = 100
L2 = 1e-4
"""micrograd's demo notebook: max-margin loss plus ``1e-4 * sum(p*p)``."""
LEARNING_RATE = 1.0
"""The demo's rate at its first step (it decays ``1.0 - 0.9*k/100``)."""

SEED = 1337


def two_moons(n: int = POINTS, noise: float = 0.1, seed: int = SEED) -> tuple[list, list]:
    """Two interleaved half circles with Gaussian noise; labels -1 and +1 (the demo's data)."""
    rng = random.Random(seed)
    upper = n // 2
    points, labels = [], []
    for i in range(n):
        if i < upper:
            t = math.pi * i / max(upper - 1, 1)
            x, y, label = math.cos(t), math.sin(t), -1.0
        else:
            t = math.pi * (i - upper) / max(n - upper - 1, 1)
            x, y, label = 1.0 - math.cos(t), 0.5 - math.sin(t), 1.0
        points.append([x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)])
        labels.append(label)
    return points, labels


def mlp_parameters(sizes: tuple[int, ...] = MLP_SIZES, seed: int = SEED) -> list[float]:
    """Initial parameters in micrograd's order: layer by layer, each neuron's weights then its bias.

    Weights uniform in [-1, 1] and biases 0, as micrograd initializes them.
    """
    rng = random.Random(seed)
    params: list[float] = []
    for fan_in, fan_out in pairwise(sizes):
        for _ in range(fan_out):
            params += [rng.uniform(-1.0, 1.0) for _ in range(fan_in)]
            params.append(0.0)
    return params


def split_parameters(flat: list, sizes: tuple[int, ...] = MLP_SIZES) -> list[list[tuple]]:
    """A flat list in micrograd's order as layers of neurons, each neuron ``(weights, bias)``."""
    layers, start = [], 0
    for fan_in, fan_out in pairwise(sizes):
        neurons = []
        for _ in range(fan_out):
            neurons.append((flat[start : start + fan_in], flat[start + fan_in]))
            start += fan_in + 1
        layers.append(neurons)
    return layers


def wide_sum_inputs(n: int, seed: int = SEED) -> tuple[list[float], list[float]]:
    """Two vectors of n numbers for ``sum(w_i * x_i)``."""
    rng = random.Random(seed)
    return [rng.uniform(-1, 1) for _ in range(n)], [rng.uniform(-1, 1) for _ in range(n)]


BROWNLEE_RATE = 0.3
"""Brownlee's wheat seeds (seed 004): per-row SGD at 0.3 on ``1/2 sum (o - e)^2``."""
BROWNLEE_EPOCHS = 10
"""Epochs per timed run: one ``fit`` call, so a compiled fit's compiling is spread over 1,680 steps."""
COMPILE_SIZES = (2, 64, 64, 1)
"""The issue's compile-size case: an MLP(2, [64, 64, 1]) step over POINTS points."""


def brownlee_data() -> tuple[list[list[float]], list[list[float]], list[list[list[float]]]]:
    """Fold 0's training rows, one-hot targets and initial 7-5-3 weights (bias last), as the
    tutorial draws them after ``random.seed(1)``: the first network of its cross-validation."""
    from nn.datasets import kfold_indices
    from nn.examples import brownlee_seeds

    rows = brownlee_seeds.dataset_rows()
    rng = random.Random(brownlee_seeds.SEED)
    folds = kfold_indices(len(rows), brownlee_seeds.N_FOLDS, seed=rng)
    train = [rows[i] for fold in folds[1:] for i in fold]
    n_inputs, n_outputs = len(train[0]) - 1, 3
    hidden = [[rng.random() for _ in range(n_inputs + 1)] for _ in range(brownlee_seeds.N_HIDDEN)]
    output = [[rng.random() for _ in range(brownlee_seeds.N_HIDDEN + 1)] for _ in range(n_outputs)]
    xs = [row[:-1] for row in train]
    ys = [[1.0 if k == int(row[-1]) else 0.0 for k in range(n_outputs)] for row in train]
    return xs, ys, [hidden, output]


def chain_sizes(quick: bool) -> tuple[int, ...]:
    return (10**3, 10**4) if quick else (10**3, 10**4, 10**5)


def wide_sum_size(quick: bool) -> int:
    return 10**4 if quick else 10**5


def long_chain_size(quick: bool) -> int:
    """The chain run alone in a fresh process, for time and peak memory."""
    return 10**5 if quick else 10**6


def power_of_ten(n: int) -> str:
    exponent = len(str(n)) - 1
    return f"10^{exponent}" if n == 10**exponent else str(n)
