"""The UCI wheat-seeds data of Brownlee's tutorial: 210 kernels, 7 measurements, 3 varieties."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib.resources import files

from autograd_lite import ArgumentError

from .scaling import minmax_scale

FEATURE_NAMES = (
    "area",
    "perimeter",
    "compactness",
    "kernel_length",
    "kernel_width",
    "asymmetry",
    "groove_length",
)
VARIETIES = {1: "Kama", 2: "Rosa", 3: "Canadian"}


@dataclass(frozen=True)
class Dataset:
    """Rows of features, one class index per row, and what the columns and classes are.

    As data-set loaders go, ``len(data)`` is the number of examples, and the data set
    unpacks into its two columns, ``X, y = data`` (iterating it gives ``features``, then
    ``labels``); ``zip(*data)`` gives the examples one ``(x, y)`` pair at a time.
    """

    features: list[list[float]]
    labels: list[int]
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.labels)

    def __iter__(self) -> Iterator[list]:
        yield self.features
        yield self.labels


def wheat_seeds(
    *, normalize: bool = False, class_index: Mapping[int, int] | None = None
) -> Dataset:
    """The 210 rows in file order, classes 1/2/3 (Kama, Rosa, Canadian) as indices 0/1/2.

    ``normalize=True`` min-max scales every feature to [0, 1] over all 210 rows, as
    Brownlee does before splitting. ``class_index`` maps the file's class numbers to
    other indices: Brownlee's ``str_column_to_int`` builds its map from ``set()``
    order, and ``{1: 1, 2: 0, 3: 2}`` is one that reproduces his published scores.
    """
    mapping = _class_index(class_index)
    text = files(__package__).joinpath("seeds_dataset.csv").read_text(encoding="utf-8")
    features, labels = [], []
    for row in csv.reader(io.StringIO(text)):
        features.append([float(x) for x in row[:-1]])
        labels.append(mapping[int(row[-1])])
    if normalize:
        features = minmax_scale(features)
    names = [""] * len(VARIETIES)
    for number, index in mapping.items():
        names[index] = VARIETIES[number]
    return Dataset(features, labels, FEATURE_NAMES, tuple(names))


def _class_index(class_index: Mapping[int, int] | None) -> dict[int, int]:
    if class_index is None:
        return {number: number - 1 for number in VARIETIES}
    mapping = dict(class_index)
    if set(mapping) != set(VARIETIES) or sorted(mapping.values()) != [0, 1, 2]:
        raise ArgumentError(
            "class_index must map the file's classes 1, 2, 3 one-to-one onto 0, 1, 2; "
            f"got {class_index!r}"
        )
    return mapping
