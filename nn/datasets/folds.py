"""k-fold cross-validation splits that reproduce Brownlee's ``cross_validation_split``.

Each fold is filled by drawing ``randrange(len(remaining))`` and popping that row
from what remains, ``len(rows) // n_folds`` rows per fold; leftover rows are left
out. With Python 3's ``random`` seeded with 1 (``seed=1``, or ``random.seed(1)``
and ``seed=None``) this gives the folds behind the tutorial's published scores.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from typing import TypeVar

from autograd_lite import ArgumentError

from .._checks import count
from .._seeding import random_source

Row = TypeVar("Row")


def kfold_indices(
    n_rows: int, n_folds: int, seed: int | random.Random | None = None
) -> list[list[int]]:
    """The row indices of each fold, in the order they were drawn."""
    n_folds = count(n_folds, "kfold: n_folds", minimum=2)
    if count(n_rows, "kfold: n_rows", minimum=0) < n_folds:
        raise ArgumentError(
            f"kfold: need at least {n_folds} rows for {n_folds} folds, got {n_rows!r}"
        )
    rng = random_source(seed)
    remaining = list(range(n_rows))
    size = n_rows // n_folds
    folds = []
    for _ in range(n_folds):
        fold = []
        while len(fold) < size:
            fold.append(remaining.pop(rng.randrange(len(remaining))))
        folds.append(fold)
    return folds


def kfold_split(
    rows: Sequence[Row], n_folds: int, seed: int | random.Random | None = None
) -> list[list[Row]]:
    """The rows themselves, fold by fold (``kfold_indices`` applied to ``rows``)."""
    return [[rows[i] for i in fold] for fold in kfold_indices(len(rows), n_folds, seed)]


def fold_pairs(folds: Sequence[Sequence[Row]]) -> Iterator[tuple[list[Row], list[Row]]]:
    """``(train, test)`` for each fold in turn: test is the fold, train the others in order."""
    for k, test in enumerate(folds):
        train = [row for j, fold in enumerate(folds) if j != k for row in fold]
        yield train, list(test)
