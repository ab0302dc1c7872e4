"""Two interleaving half circles, the classic demo of a nonlinear decision boundary."""

from __future__ import annotations

import math
import random

from .._checks import count, non_negative
from .._seeding import random_source


def make_moons(
    n: int = 100,
    noise: float = 0.0,
    seed: int | random.Random | None = None,
    labels: tuple[float, float] = (0, 1),
) -> tuple[list[list[float]], list[float]]:
    """``n`` points ``[x, y]`` and their labels, in shuffled order.

    The upper moon (``n // 2`` points, label ``labels[0]``) lies on the unit half
    circle; the lower one (the rest, ``labels[1]``) is that circle flipped and
    shifted to centre ``(1, 0.5)``. ``noise`` is the standard deviation of Gaussian
    noise added to each coordinate. ``labels=(-1, 1)`` suits the max-margin loss.
    """
    n = count(n, "make_moons: n")
    noise = non_negative(noise, "make_moons: noise")
    rng = random_source(seed)
    upper, lower = n // 2, n - n // 2
    points = [[math.cos(t), math.sin(t), labels[0]] for t in _angles(upper)]
    points += [[1.0 - math.cos(t), 0.5 - math.sin(t), labels[1]] for t in _angles(lower)]
    if noise:
        for point in points:
            point[0] += rng.gauss(0.0, noise)
            point[1] += rng.gauss(0.0, noise)
    rng.shuffle(points)
    return [p[:2] for p in points], [p[2] for p in points]


def _angles(count: int) -> list[float]:
    """``count`` angles evenly spaced from 0 to pi, both ends included."""
    if count == 1:
        return [0.0]
    return [math.pi * i / (count - 1) for i in range(count)]
