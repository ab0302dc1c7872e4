"""gad-mlp (seed 002's book example): exact gradients and training, confirmed without the engine.

Routes: a hand-written backpropagation (plain floats, and 40-digit mpmath), finite
differences of the forward pass in mpmath, and torch when it is installed.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import mpmath
import pytest

from autograd_lite import GraphChangedError, draw, topological_order
from nn.examples import agreement
from nn.examples import gad_mlp as example
from nn.examples._checked import Checked
from tests.cli import example_table
from tests.numeric import central_differences
from tests.reference import check_printed_numbers, reference

EXAMPLE = "gad-mlp"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
REFERENCE_ID = "gad_mlp_ch09_3_7_5_4_1"
WEIGHTS = reference(REFERENCE_ID)["initial_parameters"]["weights_numpy_seed0"]
X, Y, NEW = [0.1, 0.4, 4.1], 0.2, [0.2, 3.1, 1.7]
STEP0 = "seed0.step0."
GD = "seed0.exact_gd."


def forward(weights, x, exp):
    """Every layer's values, the inputs first: sigmoid of each row of W times the last layer."""
    layers = [list(x)]
    for matrix in weights:
        layers.append(
            [1 / (1 + exp(-sum(w * a for w, a in zip(row, layers[-1])))) for row in matrix]
        )
    return layers


def backprop(weights, x, y, exp):
    """Layers, E = (p - y)^2 and dE/dW per layer (n_out x n_in), by the textbook deltas."""
    layers = forward(weights, x, exp)
    p = layers[-1][0]
    delta = [2 * (p - y) * p * (1 - p)]
    grads = [None] * len(weights)
    for n in reversed(range(len(weights))):
        grads[n] = [[d * a for a in layers[n]] for d in delta]
        delta = [
            sum(weights[n][j][i] * d for j, d in enumerate(delta)) * a * (1 - a)
            for i, a in enumerate(layers[n])
        ]
    return layers, (p - y) ** 2, grads


def step(weights, grads, lr=0.7):
    return [
        [[w - lr * g for w, g in zip(row, grow)] for row, grow in zip(m, gm)]
        for m, gm in zip(weights, grads)
    ]


def float_training(iterations=500):
    """Exact gradient descent in plain floats: predictions and errors before each update."""
    weights, predictions, errors, snapshots = WEIGHTS, [], [], []
    for _ in range(iterations):
        layers, error, grads = backprop(weights, X, Y, math.exp)
        predictions.append(layers[-1][0])
        errors.append(error)
        weights = step(weights, grads)
        snapshots.append(weights)
    return predictions, errors, snapshots


@pytest.fixture(scope="module")
def exact_step0():
    with mpmath.workdps(40):
        weights = [[[mpmath.mpf(w) for w in row] for row in m] for m in WEIGHTS]
        layers, error, grads = backprop(
            weights, [mpmath.mpf(x) for x in X], mpmath.mpf(Y), mpmath.exp
        )
        return weights, layers, error, grads


@pytest.fixture(scope="module")
def training():
    return float_training()


def flat(x):
    return [v for item in x for v in flat(item)] if isinstance(x, list) else [x]


def test_nothing_printed_so_everything_is_computed(result):
    check_printed_numbers(result, REFERENCE_ID)
    assert {q.agreement for q in result.quantities} == {"computed"}
    for key in reference(REFERENCE_ID)["expected"]:
        if key != "published_numbers":
            assert result[key] is not None


def test_the_seed0_weights_are_numpys_draws_without_numpy():
    # numpy.random.seed(0); numpy.random.rand() -> 0.5488135039273248, the well-known first draw
    assert example.initial_weights(0) == WEIGHTS
    assert example.numpy_legacy_random(0).random() == 0.5488135039273248


def test_first_forward_pass_equals_forty_digit_arithmetic(result, exact_step0):
    _, layers, error, _ = exact_step0
    hidden = result[STEP0 + "hidden_activations"].computed
    assert [len(h) for h in hidden] == [7, 5, 4]
    for got, want in zip(flat(hidden), flat(layers[1:4])):
        assert got == pytest.approx(float(want), rel=1e-15, abs=0)
    assert result[STEP0 + "pred"].computed == pytest.approx(float(layers[4][0]), rel=1e-15, abs=0)
    assert result[STEP0 + "E"].computed == pytest.approx(float(error), rel=1e-14, abs=0)
    # p = 0.67357236570450..., E = 0.22427078555896...
    assert round(result[STEP0 + "pred"].computed, 12) == 0.673572365705


def test_every_weight_gradient_equals_the_hand_written_backprop(result, exact_step0):
    _, _, _, grads = exact_step0
    got = result[STEP0 + "grads(exact, per layer, shape n_out x n_in)"].computed
    assert [(len(m), len(m[0])) for m in got] == [(7, 3), (5, 7), (4, 5), (1, 4)]
    for g, want in zip(flat(got), flat(grads)):
        assert g == pytest.approx(float(want), rel=1e-13, abs=0)


def test_every_weight_gradient_equals_finite_differences_of_the_forward_pass(result, exact_step0):
    weights, *_ = exact_step0
    got = result[STEP0 + "grads(exact, per layer, shape n_out x n_in)"].computed
    with mpmath.workdps(40):
        x, y, h = [mpmath.mpf(v) for v in X], mpmath.mpf(Y), mpmath.mpf("1e-15")

        def error(ws):
            return (forward(ws, x, mpmath.exp)[-1][0] - y) ** 2

        fd = central_differences(error, weights, h=h)
    for n, matrix in enumerate(fd):
        for j, row in enumerate(matrix):
            for i, derivative in enumerate(row):
                assert got[n][j][i] == pytest.approx(float(derivative), rel=1e-12, abs=0), (n, j, i)


def test_gradients_against_torch_when_installed(result, torch):
    params = [torch.tensor(m, dtype=torch.float64, requires_grad=True) for m in WEIGHTS]
    h = torch.tensor(X, dtype=torch.float64)
    for w in params:
        h = torch.sigmoid(w @ h)
    ((h[0] - Y) ** 2).backward()
    got = result[STEP0 + "grads(exact, per layer, shape n_out x n_in)"].computed
    for g, want in zip(flat(got), flat([p.grad.tolist() for p in params])):
        assert g == pytest.approx(want, rel=1e-12, abs=0)


def test_one_gradient_step(result, exact_step0):
    _, _, _, grads = exact_step0
    updated = result[STEP0 + "updated_weights(exact GD)"].computed
    for w, w0, g in zip(flat(updated), flat(WEIGHTS), flat(grads)):
        assert w == pytest.approx(w0 - 0.7 * float(g), rel=1e-14, abs=1e-16)
    # the output weights move most: W4[0][3] = 0.11872771895 - 0.7 * 0.19500590164
    assert updated[3][0][3] == pytest.approx(-0.017776412, abs=1e-9)


def test_training_against_float_backprop(result, training):
    predictions, errors, _ = training
    checkpoints = result[GD + "pred_E_before_update_at_iters_0,1,2,9,99,499"].computed
    for i, (p, e) in zip(example.CHECKPOINTS, checkpoints):
        assert p == pytest.approx(predictions[i], rel=1e-13, abs=0), i
        assert e == (p - Y) ** 2, i
        # E = (p - y)^2 magnifies p's rounding once p is within 1e-6 of y
        assert e == pytest.approx(errors[i], rel=1e-9, abs=1e-30), i
    # p = 0.67357, 0.56710, 0.46968, 0.25280, 0.20000074, 0.2 (to the last bit or so)
    rounded = [round(p, 5) for p, _ in checkpoints]
    assert rounded == [0.67357, 0.5671, 0.46968, 0.2528, 0.2, 0.2]
    assert result.extra["predictions"] == pytest.approx(predictions, rel=1e-13, abs=1e-15)


def test_the_book_stop_rule_fires_at_iteration_116(result, training):
    predictions, _, snapshots = training
    first = result[GD + "first_iter_with_abs(y-p)<=1e-7"].computed
    assert first == 116
    within = [i for i, p in enumerate(predictions) if abs(Y - p) <= 1e-7]
    assert within[0] == first
    assert abs(Y - predictions[115]) > 1.08e-7 and abs(Y - predictions[116]) < 9.7e-8  # no tie
    after_117 = forward(snapshots[116], NEW, math.exp)[-1][0]
    assert result["book_stop.predict([0.2,3.1,1.7])"].computed == pytest.approx(
        after_117, rel=1e-12, abs=0
    )


def test_after_500_updates(result, training):
    _, _, snapshots = training
    final = snapshots[-1]
    assert result[GD + "pred_after_500_updates"].computed == pytest.approx(0.2, abs=1e-15)
    new = result[GD + "predict([0.2,3.1,1.7])_after_500"].computed
    assert new == pytest.approx(forward(final, NEW, math.exp)[-1][0], rel=1e-12, abs=0)
    assert round(new, 6) == 0.199806
    for w, want in zip(flat(result.extra["final_weights"]), flat(final)):
        assert w == pytest.approx(want, rel=1e-11, abs=1e-14)


def test_the_books_output_layer_increment(result, exact_step0):
    _, _, _, grads = exact_step0
    exact = [-0.7 * float(g) for g in grads[3][0]]
    book = result["book_ch09.step0.output_layer_increments"].computed
    assert result["exact.step0.output_layer_increments"].computed == pytest.approx(
        exact, rel=1e-13, abs=0
    )
    # the reference, running MLP.py with seed 0: every output weight moves by -0.12336815
    assert book == [book[0]] * 4 and round(book[0], 8) == -0.12336815
    assert book[0] == pytest.approx(exact[0], rel=1e-13, abs=0)
    # ... and its output layer ends up 0.0133 from exact gradient descent
    gap = result["book_ch09.step0.output_layer_max_difference"].computed
    assert gap == pytest.approx(max(abs(book[0] - e) for e in exact), rel=1e-12, abs=0)
    assert round(gap, 4) == 0.0133


def test_the_trace_and_graph_are_the_first_forward_pass(result):
    root = result.root
    assert root.label == "E"
    assert len(topological_order(root)) < 500  # the renderer's limit
    assert result.trace.node("p").data == result[STEP0 + "pred"].computed
    assert result.trace.node("E").data == result[STEP0 + "E"].computed
    grads = result[STEP0 + "grads(exact, per layer, shape n_out x n_in)"].computed
    gradients = result.trace.gradients()
    assert gradients["W4[0][3]"] == grads[3][0][3]
    assert gradients["W1[6][2]"] == grads[0][6][2]
    assert result.trace.node("a2[4]").data == result[STEP0 + "hidden_activations"].computed[1][4]
    if shutil.which("dot"):
        assert "W1[0][0]" in draw(result.trace).source  # drawn from the step-0 snapshot
    with pytest.raises(GraphChangedError, match="changed after its forward pass"):
        draw(root)  # the live graph: its weights trained on after the snapshot


def test_the_command_line_prints_the_table():
    done = example_table("gad-mlp")
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "0.673572365705" in lines[STEP0 + "pred"]
    assert "116" in lines[GD + "first_iter_with_abs(y-p)<=1e-7"]
    assert "0.199806309803" in lines[GD + "predict([0.2,3.1,1.7])_after_500"]
    assert "MLP.py does not compute the exact gradient" in done.stdout
    assert "Forward pass" not in done.stdout


def test_the_checker_file_holds_the_seed0_weights_and_mlp_pys_first_step():
    step0 = Checked.shipped("gad_mlp")
    values = step0.computation.values
    for layer, matrix in enumerate(WEIGHTS, 2):  # the file numbers layers from the inputs'
        for j, row in enumerate(matrix, 1):
            for i, w in enumerate(row, 1):
                assert values[f"w{layer}_{j}_{i}"] == w
    # it prints MLP.py's output weights after one step: each moved by the first's increment
    keys = [f"w5_1_{j}@1" for j in range(1, 5)]
    book = [float(step0.printed[k]) for k in keys]
    assert book == pytest.approx([w - 0.123368146 for w in WEIGHTS[3][0]], abs=1e-9)
    words = [agreement(step0.printed[k], v) for k, v in zip(keys, step0.values(keys))]
    assert words == ["rounded", "MISMATCH", "MISMATCH", "MISMATCH"]
