"""brownlee-contrived (seed 004): every printed number, each confirmed without the engine.

The second routes: ``tests/brownlee_by_hand.py``, Brownlee's algorithm transcribed
in plain floats (it reproduces his printed 16-17 digit weights bit for bit), and
40-digit mpmath for the backprop test's deltas.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import mpmath
import pytest

from autograd_lite import explain, save_svg, topological_order
from tests import brownlee_by_hand as by_hand
from tests.cli import example_table
from tests.reference import check_printed_numbers, reference

EXAMPLE = "brownlee-contrived"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
EXAMPLE_ID = "brownlee_backprop_from_scratch"
REFERENCE = reference(EXAMPLE_ID)
EXPECTED = REFERENCE["expected"]
DATASET = REFERENCE["inputs"]["contrived_dataset"]
HARDCODED = REFERENCE["initial_parameters"]["predict_hardcoded_network"]
BACKPROP_NETWORK = REFERENCE["initial_parameters"]["backprop_test_network"]


@pytest.fixture(scope="module")
def transcribed():
    """Brownlee's training section in plain floats: seed(1), a 2-2-2 network, 20 epochs."""
    network = by_hand.initialize_network(random.Random(1), 2, 2, 2)
    errors = by_hand.train_network(network, DATASET, 0.5, 20, 2)
    return network, errors


def close(computed, expected, tol):
    """Nested lists equal entry by entry to within ``tol`` (absolute)."""
    flat_c, flat_e = _flat(computed), _flat(expected)
    assert len(flat_c) == len(flat_e)
    return all(abs(c - e) <= tol for c, e in zip(flat_c, flat_e))


def _flat(x):
    return [x] if isinstance(x, (int, float)) else [v for item in x for v in _flat(item)]


# --- the printed numbers --------------------------------------------------------------------


def test_every_printed_number_is_there_and_mismatches_where_the_reference_says(result):
    # Two entries the helper cannot read: the deltas are printed as a dict, the predictions
    # as 'Expected=e, Got=g' lines. Both are checked here by hand.
    skip = ("train.final_stored_deltas(current sign)", "predict.hardcoded_network")
    seeds = tuple(name for name in EXPECTED if name.startswith("seeds."))  # brownlee-seeds'
    check_printed_numbers(result, EXAMPLE_ID, skip=skip + seeds)
    deltas = EXPECTED["train.final_stored_deltas(current sign)"]["published"]
    assert result[skip[0]].printed == [
        [repr(d) for d in deltas["hidden"]],
        [repr(d) for d in deltas["output"]],
    ]
    lines = EXPECTED["predict.hardcoded_network"]["published"]
    assert result[skip[1]].printed == [line.split("Got=")[1] for line in lines]
    assert all(result[name].agreement != "MISMATCH" for name in skip)


def test_the_full_precision_numbers_are_reproduced_bit_for_bit(result):
    # Printed with repr (16-17 digits): the printed precision is the float itself.
    for name in (
        "init_test.hidden",
        "init_test.output",
        "forward_test.hidden_output",
        "forward_test.output",
        "backprop_test.output_deltas(current)",
        "backprop_test.hidden_delta(current)",
        "backprop_test.output_deltas(pre-2021)",
        "backprop_test.hidden_delta(pre-2021)",
    ):
        assert _flat(result[name].computed) == _flat(EXPECTED[name]["published"]), name
        assert result[name].agreement == "exact"


def test_the_epoch_errors_at_their_three_printed_decimals(result, transcribed):
    quantity = result["train.epoch_sse"]
    assert [round(e, 3) for e in quantity.computed] == EXPECTED["train.epoch_sse"]["published"]
    assert [f"{e:.3f}" for e in quantity.computed] == list(quantity.printed)
    assert quantity.agreement == "rounded"
    # Brownlee's own sum (without the half), row by row before each update, in plain floats:
    _, errors = transcribed
    assert quantity.computed == pytest.approx(errors, rel=1e-13)
    assert quantity.computed[0] == pytest.approx(6.35012662902, abs=1e-11)


def test_final_weights_outputs_and_deltas_to_1e_12(result, transcribed):
    network, _ = transcribed
    deltas = EXPECTED["train.final_stored_deltas(current sign)"]["published"]
    printed = {
        "train.final_weights": EXPECTED["train.final_weights"]["published"],
        "train.final_stored_outputs(last row)": EXPECTED["train.final_stored_outputs(last row)"][
            "published"
        ],
        "train.final_stored_deltas(current sign)": [deltas["hidden"], deltas["output"]],
    }
    by_hand_values = {
        "train.final_weights": by_hand.weights_of(network),
        "train.final_stored_outputs(last row)": [[n["output"] for n in layer] for layer in network],
        "train.final_stored_deltas(current sign)": [
            [n["delta"] for n in layer] for layer in network
        ],
    }
    for name, expected in printed.items():
        # The transcription is Brownlee's code: it prints exactly his digits ...
        assert by_hand_values[name] == expected, name
        # ... and the engine agrees with both to 1e-12 (measured: 6.7e-16 at most).
        assert close(result[name].computed, expected, 1e-12), name
        assert result[name].agreement == "exact"


# --- the backprop test and its stored outputs -----------------------------------------------


def _mp(x: float):
    return mpmath.mpf(x)  # the float's exact binary value, then 40-digit arithmetic (mp40)


def test_backprop_test_deltas_equal_forty_digit_arithmetic(result, mp40):
    h = _mp(BACKPROP_NETWORK["hidden"][0]["output"])
    outputs = [_mp(n["output"]) for n in BACKPROP_NETWORK["output"]]
    weights = [_mp(n["weights"][0]) for n in BACKPROP_NETWORK["output"]]
    expected = [0, 1]
    deltas = [(o - e) * o * (1 - o) for o, e in zip(outputs, expected)]
    hidden_delta = sum(w * d for w, d in zip(weights, deltas)) * h * (1 - h)
    engine = result["backprop_test.output_deltas(current)"].computed
    assert engine == pytest.approx([float(d) for d in deltas], rel=1e-15)
    assert result["backprop_test.hidden_delta(current)"].computed == pytest.approx(
        float(hidden_delta), rel=1e-14
    )
    assert result["backprop_test.output_deltas(pre-2021)"].computed == [-d for d in engine]


def test_the_backprop_test_graph_holds_the_stored_sums(result):
    # the graph of files/brownlee_contrived.toml, named as the file names its steps
    trace = explain(result.extra["backprop_test_root"])
    for k, neuron in enumerate(BACKPROP_NETWORK["output"], 1):
        assert trace.node(f"o{k}_z").data == neuron["weights"][-1]  # the bias: the stored sum
        assert trace.node(f"o{k}_stored").data == neuron["output"]
    printed = EXPECTED["backprop_test.output_deltas(current)"]["published"]
    assert [trace.node(f"o{k}_z").grad for k in (1, 2)] == printed
    assert trace.node("h1").data == BACKPROP_NETWORK["hidden"][0]["output"]
    assert trace.node("h1_z").grad == EXPECTED["backprop_test.hidden_delta(current)"]["published"]


def test_backprop_test_by_hand_gives_the_printed_deltas():
    network = [
        [{"weights": n["weights"], "output": n["output"]} for n in BACKPROP_NETWORK["hidden"]],
        [{"weights": n["weights"], "output": n["output"]} for n in BACKPROP_NETWORK["output"]],
    ]
    by_hand.backward_propagate_error(network, [0, 1])
    assert [n["delta"] for n in network[1]] == EXPECTED["backprop_test.output_deltas(current)"][
        "published"
    ]
    assert network[0][0]["delta"] == EXPECTED["backprop_test.hidden_delta(current)"]["published"]


def test_the_stored_outputs_are_sigmoid_of_the_bias_not_the_forward_outputs(result, mp40):
    stored = [n["output"] for n in BACKPROP_NETWORK["output"]]
    for neuron, o in zip(BACKPROP_NETWORK["output"], stored):
        bias = neuron["weights"][-1]
        assert by_hand.transfer(bias) == o  # Brownlee's float formula, bit for bit
        exact = 1 / (1 + mpmath.exp(-_mp(bias)))
        assert abs(o - exact) <= 1.2e-16  # within an ulp of the true sigmoid
    forward = by_hand.forward_propagate(by_hand.from_weights(_init_network()), [1, 0, None])
    assert forward == EXPECTED["forward_test.output"]["published"]
    assert abs(forward[0] - stored[0]) > 0.04  # not a rounding matter
    mismatch = result["backprop_test.stored_outputs_vs_forward"]
    assert mismatch.agreement == "MISMATCH" and "sigmoid(bias)" in mismatch.reason
    assert mismatch.computed == forward
    assert result["backprop_test.stored_outputs_are_sigmoid(bias)"].agreement == "exact"


def _init_network():
    return [EXPECTED["init_test.hidden"]["published"], EXPECTED["init_test.output"]["published"]]


def test_init_and_forward_tests_by_hand(result, mp40):
    network = by_hand.initialize_network(random.Random(1), 2, 1, 2)
    assert by_hand.weights_of(network) == _init_network()
    assert result["init_test.hidden"].computed == _init_network()[0]
    outputs = by_hand.forward_propagate(network, [1, 0, None])
    assert [network[0][0]["output"]] == result["forward_test.hidden_output"].computed
    assert outputs == result["forward_test.output"].computed
    # and in 40 digits: h = sigmoid(w1 + b) for the row [1, 0]
    w = [_mp(x) for x in _init_network()[0][0]]
    h = 1 / (1 + mpmath.exp(-(w[0] + w[2])))
    assert result["forward_test.hidden_output"].computed[0] == pytest.approx(float(h), rel=1e-15)


# --- training: the first step, and the quantities the article never printed ----------------


def test_the_first_step_by_hand(result):
    network = by_hand.initialize_network(random.Random(1), 2, 2, 2)
    assert by_hand.weights_of(network) == result["train.initial_weights"].computed
    row = DATASET[0]
    outputs = by_hand.forward_propagate(network, row)
    expected = [1, 0]
    by_hand.backward_propagate_error(network, expected)
    by_hand.update_weights(network, row, 0.5)
    loss = 0.5 * sum((e - o) ** 2 for e, o in zip(expected, outputs))
    assert result["train.first_row_step.loss"].computed == pytest.approx(loss, rel=1e-15)
    stored = [[n["output"] for n in layer] for layer in network]
    deltas = [[n["delta"] for n in layer] for layer in network]
    assert close(result["train.first_row_step.outputs"].computed, stored, 1e-16)
    assert close(result["train.first_row_step.deltas"].computed, deltas, 1e-17)
    step = result["train.first_row_step(epoch 0,row 0)"].computed
    assert close(step, by_hand.weights_of(network), 1e-16)


def test_the_trace_is_the_first_step_and_small_enough_to_draw(result):
    trace = result.trace
    assert result.root.label == "L"
    assert trace.node("L").data == result["train.first_row_step.loss"].computed
    hidden_deltas, output_deltas = result["train.first_row_step.deltas"].computed
    assert trace.node("o1.z").grad == output_deltas[0]
    assert trace.node("h2.z").grad == hidden_deltas[1]
    # the graph's leaves still hold the initial weights: the copy it was built on is never updated
    assert trace.node("h1.w1").data == result["train.initial_weights"].computed[0][0][0]
    assert len(topological_order(result.root)) < 100


def test_predictions_of_both_networks(result):
    classes = [row[-1] for row in DATASET]
    hardcoded = by_hand.from_weights(HARDCODED)
    assert [by_hand.predict(hardcoded, row) for row in DATASET] == classes
    assert result["predict.hardcoded_network"].computed == classes
    assert result["predict.freshly_trained_network"].computed == classes
    # The hard-coded network is not the trained one: two of its weights are initial values.
    initial = result["train.initial_weights"].computed
    assert HARDCODED[1][0][1] == initial[1][0][1] and HARDCODED[1][1][1] == initial[1][1][1]
    not_trained = result["predict.hardcoded_network_vs_trained"]
    assert not_trained.agreement == "MISMATCH"
    assert not close(not_trained.computed, HARDCODED, 0.01)


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_the_graph_renders(result, tmp_path):
    path = save_svg(result.trace, tmp_path / "brownlee.svg")  # the snapshot of the first step
    text = path.read_text()
    assert "o1.z" in text and "h2.w1" in text


def test_cli_prints_the_table(tmp_path):
    done = example_table("brownlee-contrived", cwd=tmp_path)
    out = done.stdout
    for text in (
        "train.epoch_sse",
        "6.350",
        "1.132",
        "-1.46883750954",
        "0.146190646836",
        "MISMATCH",
        "sigmoid(bias)",
    ):
        assert text in out, text
    assert "Forward pass" not in out  # --table-only leaves out the step-through


def test_pytorch_autograd_trains_to_the_same_weights(result, torch):
    """An optional third route: the same 200 SGD steps with torch's float64 autograd."""
    initial = result["train.initial_weights"].computed
    layers = [torch.tensor(layer, dtype=torch.float64, requires_grad=True) for layer in initial]
    for _ in range(20):
        for row in DATASET:
            activation = torch.tensor(row[:-1], dtype=torch.float64)
            for weights in layers:
                activation = torch.sigmoid(weights[:, :-1] @ activation + weights[:, -1])
            expected = torch.tensor([1.0 - row[-1], float(row[-1])], dtype=torch.float64)
            loss = 0.5 * ((expected - activation) ** 2).sum()
            for weights in layers:
                weights.grad = None
            loss.backward()
            with torch.no_grad():
                for weights in layers:
                    weights -= 0.5 * weights.grad
    assert close(result["train.final_weights"].computed, [w.tolist() for w in layers], 1e-12)
