"""One rule for every ``seed=`` argument in ``nn``, so reproducibility reads the same everywhere."""

from __future__ import annotations

import random
from types import ModuleType

from autograd_lite import ArgumentTypeError

from ._checks import is_integer, shown

RandomSource = random.Random | ModuleType


def random_source(seed: int | random.Random | None) -> RandomSource:
    """An int seeds a private ``random.Random``; a ``Random`` is used (and advanced) as given.

    ``None`` uses the module-level generator of ``random``, so ``random.seed(1)`` before
    a call reproduces it, as in micrograd's and Brownlee's scripts.
    """
    if seed is None or seed is random:
        return random
    if isinstance(seed, random.Random):
        return seed
    if is_integer(seed):
        return random.Random(int(seed))
    raise ArgumentTypeError(f"seed must be an int, a random.Random or None, got {shown(seed)}")
