"""Small data sets and the helpers the worked examples use, in pure Python.

``wheat_seeds()`` ships with the package (see ``SOURCE.md`` for its origin and
licence); ``make_moons()`` generates micrograd's classic two-moons demo.
"""

from .folds import fold_pairs, kfold_indices, kfold_split
from .moons import make_moons
from .scaling import minmax_ranges, minmax_scale
from .wheat_seeds import Dataset, wheat_seeds

__all__ = [
    "Dataset",
    "fold_pairs",
    "kfold_indices",
    "kfold_split",
    "make_moons",
    "minmax_ranges",
    "minmax_scale",
    "wheat_seeds",
]
