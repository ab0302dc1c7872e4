"""nn.datasets: the packaged wheat-seeds file, Brownlee's min-max scaling and k-fold split, two moons."""

import csv
import hashlib
import math
import random
from importlib.resources import files

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nn.datasets import (
    fold_pairs,
    kfold_indices,
    kfold_split,
    make_moons,
    minmax_ranges,
    minmax_scale,
    wheat_seeds,
)
from tests import brownlee_by_hand

# shared_data.sha256 in the reference file (jbrownlee/Datasets wheat-seeds.csv @ 98db92a).
SEEDS_SHA256 = "8dbd1853a4439afc113cfe07f290422c7ce3fe48745d71f3f7eaa027cd38fd6e"


def packaged_csv():
    return files("nn.datasets").joinpath("seeds_dataset.csv").read_bytes()


def brownlee_rows():
    """The data as Brownlee's load_csv + str_column_to_float leave it (class still a string)."""
    rows = [row for row in csv.reader(packaged_csv().decode().splitlines()) if row]
    return [[float(x) for x in row[:-1]] + [row[-1]] for row in rows]


# --- wheat seeds --------------------------------------------------------------------------


def test_the_packaged_file_is_the_referenced_one():
    data = packaged_csv()
    assert hashlib.sha256(data).hexdigest() == SEEDS_SHA256
    assert (
        files("nn.datasets").joinpath("SOURCE.md").read_text(encoding="utf-8").count(SEEDS_SHA256)
        == 1
    )


def test_wheat_seeds_shape_and_first_rows():
    data = wheat_seeds()
    assert len(data.features) == len(data.labels) == 210
    assert {len(row) for row in data.features} == {7}
    assert [data.labels.count(k) for k in range(3)] == [70, 70, 70]
    assert data.class_names == ("Kama", "Rosa", "Canadian")
    assert data.feature_names[0] == "area" and len(data.feature_names) == 7
    assert data.features[0] == [15.26, 14.84, 0.871, 5.763, 3.312, 2.221, 5.22]
    assert data.labels[0] == 0 and data.labels[70] == 1 and data.labels[-1] == 2
    assert data.features == [row[:-1] for row in brownlee_rows()]


def test_class_index_maps_the_files_classes():
    data = wheat_seeds(class_index={1: 1, 2: 0, 3: 2})
    assert data.class_names == ("Rosa", "Kama", "Canadian")
    assert data.labels[0] == 1 and data.labels[70] == 0 and data.labels[140] == 2
    for bad in ({1: 0, 2: 0, 3: 1}, {1: 0, 2: 1}, {0: 0, 1: 1, 2: 2}):
        with pytest.raises(ValueError, match="one-to-one onto 0, 1, 2"):
            wheat_seeds(class_index=bad)


def test_normalised_features_follow_brownlees_formula_exactly():
    rows = [row[:-1] for row in brownlee_rows()]
    # The tutorial's dataset_minmax and normalize_dataset, transcribed.
    minmax = [[min(column), max(column)] for column in zip(*rows)]
    expected = [
        [(row[i] - minmax[i][0]) / (minmax[i][1] - minmax[i][0]) for i in range(7)] for row in rows
    ]
    scaled = wheat_seeds(normalize=True).features
    assert scaled == expected
    for column in zip(*scaled):
        assert min(column) == 0.0 and max(column) == 1.0


# --- min-max scaling ----------------------------------------------------------------------


def test_minmax_ranges_scale_new_rows_the_same_way():
    ranges = minmax_ranges([[0.0, 10.0], [4.0, 20.0]])
    assert ranges == [(0.0, 4.0), (10.0, 20.0)]
    assert minmax_scale([[2.0, 25.0]], ranges) == [[0.5, 1.5]]


def test_minmax_errors():
    with pytest.raises(ValueError, match="column 1 has min 3.0 and max 3.0"):
        minmax_scale([[1.0, 3.0], [2.0, 3.0]])
    with pytest.raises(ValueError, match="different lengths"):
        minmax_ranges([[1.0, 2.0], [1.0]])
    with pytest.raises(ValueError, match="no rows"):
        minmax_ranges([])
    with pytest.raises(ValueError, match="row 0 has 1 columns, ranges 2"):
        minmax_scale([[1.0]], [(0.0, 1.0), (0.0, 1.0)])


# --- k-fold splits ------------------------------------------------------------------------


def test_kfold_reproduces_brownlees_split_with_seed_1():
    rows = brownlee_rows()
    # Brownlee seeds the module-level generator with random.seed(1): the same stream
    expected = brownlee_by_hand.cross_validation_split(random.Random(1), rows, 5)
    folds = kfold_split(rows, 5, seed=1)
    assert folds == expected
    assert [len(fold) for fold in folds] == [42] * 5  # the reference's fold size: int(210 / 5)
    indices = kfold_indices(210, 5, seed=1)
    assert sorted(i for fold in indices for i in fold) == list(range(210))
    assert [[rows[i] for i in fold] for fold in indices] == expected


def test_kfold_with_the_random_module_or_a_generator_continues_its_stream():
    random.seed(1)
    from_module = kfold_indices(210, 5)
    after_module = random.random()
    rng = random.Random(1)
    assert kfold_indices(210, 5, seed=rng) == from_module
    assert rng.random() == after_module  # later draws (Brownlee's weights) follow on


@given(st.integers(2, 60), st.integers(2, 7), st.integers(0, 2**32))
def test_kfold_structure(n_rows, n_folds, seed):
    if n_rows < n_folds:
        with pytest.raises(ValueError, match="need at least"):
            kfold_indices(n_rows, n_folds, seed=seed)
        return
    folds = kfold_indices(n_rows, n_folds, seed=seed)
    flat = [i for fold in folds for i in fold]
    assert [len(fold) for fold in folds] == [n_rows // n_folds] * n_folds
    assert len(set(flat)) == len(flat) and set(flat) <= set(range(n_rows))
    assert len(flat) == n_rows - n_rows % n_folds  # leftovers are left out, as in the tutorial


def test_fold_pairs_train_on_the_other_folds_in_order():
    folds = [[1, 2], [3, 4], [5, 6]]
    assert list(fold_pairs(folds)) == [
        ([3, 4, 5, 6], [1, 2]),
        ([1, 2, 5, 6], [3, 4]),
        ([1, 2, 3, 4], [5, 6]),
    ]
    pairs = list(fold_pairs(kfold_indices(210, 5, seed=1)))
    assert [(len(train), len(test)) for train, test in pairs] == [(168, 42)] * 5


def test_kfold_errors():
    with pytest.raises(ValueError, match="n_folds must be an int >= 2, got 1"):
        kfold_indices(10, 1)


# --- two moons ----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 7, 100])
def test_noiseless_moons_lie_on_their_half_circles(n):
    xs, ys = make_moons(n, seed=0)
    assert len(xs) == len(ys) == n
    assert ys.count(0) == n // 2 and ys.count(1) == n - n // 2
    for (x, y), label in zip(xs, ys):
        if label == 0:
            assert math.hypot(x, y) == pytest.approx(1.0, rel=1e-15) and y >= 0
        else:
            assert (
                math.hypot(x - 1.0, y - 0.5) == pytest.approx(1.0, rel=1e-15) and y <= 0.5 + 1e-15
            )


def test_moons_end_points_and_spacing():
    xs, ys = make_moons(6, seed=0)
    upper = sorted((point[0] for point, label in zip(xs, ys) if label == 0), reverse=True)
    assert upper[0] == 1.0 and upper[-1] == -1.0
    assert upper[1] == pytest.approx(math.cos(math.pi / 2), abs=1e-15)


def test_moons_are_reproducible_and_noisy_on_request():
    a = make_moons(50, noise=0.1, seed=4)
    assert a == make_moons(50, noise=0.1, seed=4)
    assert a != make_moons(50, noise=0.1, seed=5)
    offsets = [math.hypot(x, y) - 1 for (x, y), label in zip(*a) if label == 0]
    assert 0.02 < math.fsum(abs(o) for o in offsets) / len(offsets) < 0.2


def test_moons_labels_can_be_chosen():
    _, ys = make_moons(10, seed=0, labels=(-1, 1))
    assert sorted(set(ys)) == [-1, 1]


@pytest.mark.parametrize("n, noise", [(0, 0.0), (True, 0.0), (10, -0.1), (10, float("nan"))])
def test_moons_errors(n, noise):
    with pytest.raises(ValueError, match="make_moons"):
        make_moons(n, noise=noise)
