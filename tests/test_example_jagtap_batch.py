"""jagtap-batch (seed 003): the average nudge is the gradient of the mean loss.

Every engine value is confirmed without backward(): the neuron by 40-digit mpmath
and hand-derived derivatives plus finite differences of the forward pass, the
2-4-3 network by a hand-written float backpropagation. Property tests check both
claims on random networks and batches.
"""

from __future__ import annotations

import math
from pathlib import Path

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import Value, grad, no_grad
from nn.examples import jagtap_batch as ex
from tests.cli import example_table
from tests.numeric import central_differences
from tests.reference import check_printed_numbers, reference

EXAMPLE = "jagtap-batch"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
EXAMPLE_ID = "jagtap_intuition_batch_average"


def test_reference_names_are_quantities_and_nothing_is_a_mismatch(result):
    check_printed_numbers(result, EXAMPLE_ID)
    for name in reference(EXAMPLE_ID)["expected"]:
        assert result[name].agreement == "computed", name
    assert {q.agreement for q in result.quantities} == {"computed"}  # the article prints nothing


# --- (a) seed 002's neuron on two examples ------------------------------------------------


def neuron_by_hand(x1, x2, desired, w1="0.5", w2="0.2", b="1.83"):
    """E and [dE/dW1, dE/dW2, dE/db] at 40 digits: dE/ds = (p - d) p (1 - p)."""
    x1, x2, desired = mpmath.mpf(x1), mpmath.mpf(x2), mpmath.mpf(desired)
    s = x1 * mpmath.mpf(w1) + x2 * mpmath.mpf(w2) + mpmath.mpf(b)
    p = 1 / (1 + mpmath.exp(-s))
    de_ds = (p - desired) * p * (1 - p)
    return (desired - p) ** 2 / 2, [de_ds * x1, de_ds * x2, de_ds], p


with mpmath.workdps(40):
    EXAMPLE1 = neuron_by_hand("0.1", "0.3", "0.03")
    EXAMPLE2 = neuron_by_hand("0.1", "0.4", "0.7")
    MEAN_GRAD = [(a + b) / 2 for a, b in zip(EXAMPLE1[1], EXAMPLE2[1])]
    MEAN_LOSS = (EXAMPLE1[0] + EXAMPLE2[0]) / 2


def floats(xs):
    return [float(x) for x in xs]


def test_each_example_gradient_at_forty_digits(result):
    assert result["neuron.example1.grad[W1,W2,b]"].computed == pytest.approx(
        floats(EXAMPLE1[1]), rel=1e-14
    )
    assert result["neuron.example2.grad[W1,W2,b]"].computed == pytest.approx(
        floats(EXAMPLE2[1]), rel=1e-14
    )
    assert result["neuron.E[1],E[2]"].computed == pytest.approx(
        [float(EXAMPLE1[0]), float(EXAMPLE2[0])], rel=1e-14
    )
    # example 1 is seed 002's own: the article printed E = 0.356465271, dE/dW1 = 0.009276093
    assert round(result["neuron.E[1],E[2]"].computed[0], 9) == 0.356465271
    assert round(result["neuron.example1.grad[W1,W2,b]"].computed[0], 9) == 0.009276093


def test_the_batch_gradient_is_the_mean_of_the_example_gradients(result):
    batch = result["neuron.batch_grad[W1,W2,b]"].computed
    mean = result["neuron.mean_of_example_grads"].computed
    assert mean == pytest.approx(floats(MEAN_GRAD), rel=1e-14)
    assert batch == pytest.approx(floats(MEAN_GRAD), rel=1e-14)
    assert result[ex.NEURON].computed == pytest.approx(float(MEAN_LOSS), rel=1e-14)


def test_the_batch_gradient_by_finite_differences_of_the_mean_loss(result):
    def mean_loss(w1, w2, b):
        with no_grad():
            params = [Value(w1), Value(w2), Value(b)]
            losses = [
                ex.neuron_forward(params, e, str(k))[1] for k, e in enumerate(ex.NEURON_EXAMPLES)
            ]
            return ex.mean_loss(losses).data

    differences = central_differences(lambda p: mean_loss(*p), [0.5, 0.2, 1.83], h=1e-6)
    assert result["neuron.batch_grad[W1,W2,b]"].computed == pytest.approx(differences, rel=1e-7)


def test_the_two_nudges_agree_here_because_both_outputs_are_too_high(result):
    # p = 0.874 > 0.03 and p = 0.877 > 0.7: every component of both gradients is positive
    assert EXAMPLE1[2] > mpmath.mpf("0.03") and EXAMPLE2[2] > mpmath.mpf("0.7")
    assert all(g > 0 for g in EXAMPLE1[1] + EXAMPLE2[1])
    assert result["neuron.conflicting_parameters"].computed == 0
    # the example with the larger error dominates the average nudge
    assert EXAMPLE1[1][2] > 4 * EXAMPLE2[1][2]


def test_the_toy_loss_has_slope_one_whatever_the_error(result):
    # d(p - d)/dp = 1 for both examples although one is off by 0.84 and the other by 0.18
    assert result["neuron.toy_loss(output-actual).dL_dpredicted"].computed == [1.0, 1.0]


def test_the_trace_is_the_batch_mean_loss(result):
    assert result.root.label == "E"
    assert result.trace.node("E").data == result[ex.NEURON].computed
    grads = result.trace.gradients()
    assert [grads["W1"], grads["W2"], grads["b"]] == result["neuron.batch_grad[W1,W2,b]"].computed
    for name in ("E_1", "E_2", "predicted_1", "predicted_2"):
        result.trace.node(name)  # each example's part of the graph is named, as in the file


# --- (b) the 2-4-3 softmax network, backpropagated by hand ------------------------------------


def softmax_by_hand(zs):
    top = max(zs)
    exps = [math.exp(z - top) for z in zs]
    total = math.fsum(exps)
    return [e / total for e in exps]


def backprop_by_hand(model, x, target):
    """Forward and backward of CE(softmax(W2 tanh(W1 x + b1) + b2)) in plain floats.

    Returns the hidden activations, logits, probabilities, and the gradient of every
    parameter by its name in ``model.named_parameters()``.
    """
    (w1, w2), (b1, b2) = model.weights(), model.biases()
    hidden = [math.tanh(math.fsum(w * xi for w, xi in zip(row, x)) + b) for row, b in zip(w1, b1)]
    logits = [math.fsum(w * h for w, h in zip(row, hidden)) + b for row, b in zip(w2, b2)]
    probs = softmax_by_hand(logits)
    d_logits = [p - (k == target) for k, p in enumerate(probs)]
    d_hidden = [
        math.fsum(w2[k][j] * d_logits[k] for k in range(len(w2))) for j in range(len(hidden))
    ]
    d_pre = [d * (1 - h * h) for d, h in zip(d_hidden, hidden)]
    grads = {}
    for j, d in enumerate(d_pre):
        for i, xi in enumerate(x):
            grads[f"layers.0.neurons.{j}.w.{i}"] = d * xi
        grads[f"layers.0.neurons.{j}.b"] = d
    for k, d in enumerate(d_logits):
        for j, h in enumerate(hidden):
            grads[f"layers.1.neurons.{k}.w.{j}"] = d * h
        grads[f"layers.1.neurons.{k}.b"] = d
    return hidden, logits, probs, grads


@pytest.fixture(scope="module")
def by_hand(result):
    model = ex.network()
    names = [name for name, _ in model.named_parameters()]
    runs = [backprop_by_hand(model, x, t) for x, t in zip(ex.BATCH_XS, ex.BATCH_TARGETS)]
    per_example = [[r[3][name] for name in names] for r in runs]
    return {"model": model, "names": names, "runs": runs, "per_example": per_example}


def test_one_example_logits_and_probabilities(result, by_hand):
    hidden, logits, probs, _ = by_hand["runs"][0]
    assert result["softmax.example1.hidden"].computed == pytest.approx(hidden, rel=1e-14)
    assert result["softmax.example1.logits"].computed == pytest.approx(logits, rel=1e-13)
    assert result["softmax.example1.probabilities"].computed == pytest.approx(probs, rel=1e-13)


def test_one_example_correct_logit_pushed_up_the_others_down(result, by_hand):
    _, _, probs, _ = by_hand["runs"][0]
    target = ex.BATCH_TARGETS[0]
    expected = [p - (k == target) for k, p in enumerate(probs)]
    backward = result["softmax.example1.dCE_dlogits"].computed
    assert backward == pytest.approx(expected, rel=1e-13)
    assert result["softmax.example1.softmax-onehot"].computed == pytest.approx(expected, rel=1e-13)
    assert [g < 0 for g in backward] == [k == target for k in range(3)]


def test_a_weight_into_the_correct_output_falls_where_its_hidden_unit_is_negative(result, by_hand):
    hidden, _, probs, grads = by_hand["runs"][0]
    target = ex.BATCH_TARGETS[0]
    into_target = [grads[f"layers.1.neurons.{target}.w.{j}"] for j in range(len(hidden))]
    assert into_target == pytest.approx([(probs[target] - 1) * h for h in hidden], rel=1e-15)
    computed = result["softmax.example1.dCE_dweights_into_target"].computed
    assert computed == pytest.approx(into_target, rel=1e-13)
    # a positive gradient means gradient descent decreases the weight: the article's
    # "weights of the correct node increase" fails for every negative h_j
    assert [g > 0 for g in computed] == [h < 0 for h in hidden]
    assert any(h < 0 for h in hidden)


def test_the_batch_logit_gradients(result, by_hand):
    rows = result["softmax.batch.dCE_dlogits"].computed
    for row, (_, _, probs, _), target in zip(rows, by_hand["runs"], ex.BATCH_TARGETS):
        expected = [(p - (k == target)) / 4 for k, p in enumerate(probs)]
        assert row == pytest.approx(expected, rel=1e-13)
        assert [g < 0 for g in row] == [k == target for k in range(3)]
    correct, others = result["softmax.batch.mean_dCE_dlogit[correct,others]"].computed
    assert correct < 0 < others
    # each row sums to 0, so the others' mean is minus half the correct logits' mean (3 classes)
    assert others == pytest.approx(-correct / 2, rel=1e-13)


def test_the_batch_gradient_is_the_mean_of_the_hand_gradients(result, by_hand):
    mean = [math.fsum(col) / 4 for col in zip(*by_hand["per_example"])]
    batch = result.extra["network"]["batch_grads"]
    assert batch == pytest.approx(mean, rel=1e-12, abs=1e-15)
    assert result.extra["network"]["per_example_grads"] == [
        pytest.approx(row, rel=1e-12, abs=1e-15) for row in by_hand["per_example"]
    ]
    assert result.extra["network"]["parameter_names"] == by_hand["names"]
    assert result["softmax.batch.largest_relative_difference(batch,mean)"].computed < 1e-14


def test_the_output_biases_get_the_mean_of_softmax_minus_onehot(result, by_hand):
    expected = [
        math.fsum(
            probs[k] - (k == t) for (_, _, probs, _), t in zip(by_hand["runs"], ex.BATCH_TARGETS)
        )
        / 4
        for k in range(3)
    ]
    assert result["softmax.batch.output_bias_grad"].computed == pytest.approx(expected, rel=1e-13)
    assert result["softmax.batch.mean_of_example_output_bias_grads"].computed == pytest.approx(
        expected, rel=1e-13
    )


def test_conflicting_nudges(result, by_hand):
    clashing = [
        name
        for name, column in zip(by_hand["names"], zip(*by_hand["per_example"]))
        if min(column) < 0 < max(column)
    ]
    assert result["softmax.batch.conflicting_parameters"].computed == len(clashing) > 0
    assert result.extra["network"]["conflicting"] == clashing
    # every output bias is pushed up by the examples of its class and down by the others
    assert {f"layers.1.neurons.{k}.b" for k in range(3)} <= set(clashing)


def test_the_mean_cross_entropy(result, by_hand):
    losses = [-math.log(probs[t]) for (_, _, probs, _), t in zip(by_hand["runs"], ex.BATCH_TARGETS)]
    assert result["softmax.batch.mean_CE"].computed == pytest.approx(
        math.fsum(losses) / 4, rel=1e-13
    )


# --- properties on random networks and batches ----------------------------------------------


@st.composite
def networks_and_batches(draw):
    nin = draw(st.integers(1, 3))
    hidden = draw(st.integers(1, 4))
    classes = draw(st.integers(2, 4))
    activation = draw(st.sampled_from(["tanh", "sigmoid", "relu"]))
    model = nn.MLP(
        nin, [hidden, classes], activations=[activation, "linear"], seed=draw(st.integers(0, 2**16))
    )
    size = draw(st.integers(1, 5))
    coordinate = st.floats(-2.0, 2.0, allow_nan=False)
    xs = [draw(st.lists(coordinate, min_size=nin, max_size=nin)) for _ in range(size)]
    targets = [draw(st.integers(0, classes - 1)) for _ in range(size)]
    loss = draw(st.sampled_from(["cross_entropy", "mse"]))
    return model, xs, targets, loss


def example_loss(model, x, target, loss):
    outputs = model(x)
    if loss == "cross_entropy":
        return nn.cross_entropy(outputs, target)
    return nn.mse(outputs, [1.0 if k == target else 0.0 for k in range(len(outputs))])


@settings(max_examples=40, deadline=None)
@given(networks_and_batches())
def test_property_batch_mean_gradient_is_the_mean_of_example_gradients(case):
    model, xs, targets, loss = case
    params = model.parameters()
    per_example = [
        [float(g) for g in grad(example_loss(model, x, t, loss), params)]
        for x, t in zip(xs, targets)
    ]
    model.zero_grad()
    ex.mean_loss([example_loss(model, x, t, loss) for x, t in zip(xs, targets)]).backward()
    for p, column in zip(params, zip(*per_example)):
        mean = math.fsum(column) / len(column)
        # relative to the examples' own sizes: their mean can be ~0 where they disagree;
        # subnormal gradients (Hypothesis finds them) round in steps of 5e-324, hence a floor
        scale = math.fsum(abs(g) for g in column) / len(column)
        assert abs(p.grad - mean) <= 1e-12 * scale + 1e-300


@settings(max_examples=40, deadline=None)
@given(networks_and_batches())
def test_property_softmax_cross_entropy_pushes_only_the_target_up(case):
    model, xs, targets, _ = case
    for x, target in zip(xs, targets):
        logits = model(x)
        nn.cross_entropy(logits, target).backward()
        probs = softmax_by_hand([z.data for z in logits])
        expected = [p - (k == target) for k, p in enumerate(probs)]
        assert [z.grad for z in logits] == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert [z.grad < 0 for z in logits] == [k == target for k in range(len(logits))]
        assert all(z.grad > 0 for k, z in enumerate(logits) if k != target)


# --- the command line ---------------------------------------------------------------------


def test_command_line_prints_the_table():
    done = example_table("jagtap-batch")
    out = done.stdout
    assert "Forward pass" not in out
    batch = f"[{', '.join(f'{float(g):.12g}' for g in MEAN_GRAD)}]"
    assert out.count(batch) == 2  # the mean of the example gradients, and the batch gradient
    assert f"{float(MEAN_LOSS):.12g}" in out
    assert "neuron.toy_loss(output-actual).dL_dpredicted" in out and "[1, 1]" in out
    assert "softmax.batch.conflicting_parameters" in out
