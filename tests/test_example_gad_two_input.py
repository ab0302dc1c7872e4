"""gad-two-input (seed 002's code listing): the 80,000-iteration run, confirmed without the engine.

Two independent routes: the article's loop written out in plain floats (as printed
in the article), and the exact iteration of the weighted sum in 30-digit mpmath.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import mpmath
import pytest

from nn.examples import gad_two_input as example
from tests.cli import example_table
from tests.numeric import central_differences
from tests.reference import check_printed_numbers

EXAMPLE = "gad-two-input"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
PRINTED_PREDICTION = 0.6999994386664375  # the article: "saturated at the value 0.6999994386664375"
PRINTED_ERROR = 3.150953682878443e-13  # the article: "saturated at the value 3.150953682878443e-13"
V = "variant_w1=w2=0.5."


def article_loop(w1: float, w2: float, iterations: int = 80_000):
    """The article's listing in plain floats: predictions, errors, final w1 and w2."""
    x1, x2, target, learning_rate = 0.1, 0.4, 0.7, 0.01

    def sigmoid(sop):
        return 1.0 / (1 + math.exp(-1 * sop))

    predicted_output, network_error = [], []
    for _ in range(iterations):
        y = w1 * x1 + w2 * x2
        predicted = sigmoid(y)
        err = (predicted - target) ** 2
        predicted_output.append(predicted)
        network_error.append(err)
        g1 = 2 * (predicted - target)
        g2 = sigmoid(y) * (1.0 - sigmoid(y))
        w1 = w1 - learning_rate * (x1 * g2 * g1)
        w2 = w2 - learning_rate * (x2 * g2 * g1)
    return predicted_output, network_error, w1, w2


def exact_run(w1: str, w2: str, iterations: int = 80_000):
    """The same run in 30-digit arithmetic, as a map of the weighted sum s alone.

    Each update moves wi by -lr * xi * delta, so s moves by -lr * (x1^2 + x2^2) * delta;
    the weights are recovered from the running total of delta.
    """
    with mpmath.workdps(30):
        x1, x2, target, lr = (mpmath.mpf(v) for v in ("0.1", "0.4", "0.7", "0.01"))
        w1, w2 = mpmath.mpf(w1), mpmath.mpf(w2)
        s, total = x1 * w1 + x2 * w2, mpmath.mpf(0)
        for _ in range(iterations):
            p = 1 / (1 + mpmath.exp(-s))
            delta = 2 * (p - target) * p * (1 - p)
            s -= lr * (x1 * x1 + x2 * x2) * delta
            total += delta
        return {
            "p": p,
            "err": (p - target) ** 2,
            "w1": w1 - lr * x1 * total,
            "w2": w2 - lr * x2 * total,
        }


@pytest.fixture(scope="module")
def exact_variant():
    return exact_run("0.5", "0.5")


def test_every_printed_number_is_there_and_mismatches_where_the_reference_says(result):
    check_printed_numbers(result, "gad_two_input_code_80000")
    assert not result.mismatches()


def test_the_printed_final_numbers_come_back_bit_for_bit_from_the_recovered_s0(result):
    # 16 significant digits printed, so "at printed precision" is bit for bit
    assert result["final_prediction"].computed == PRINTED_PREDICTION
    assert result["final_error"].computed == PRINTED_ERROR
    assert result["final_prediction"].agreement == result["final_error"].agreement == "exact"
    w1, w2 = result["recovered_s0.w1"].computed, result["recovered_s0.w2"].computed
    assert result["recovered_s0"].computed == pytest.approx(0.275498457637, abs=1e-16)
    # the article's own loop, in plain floats, from the same weights lands on the same bits
    predictions, errors, _, _ = article_loop(w1, w2)
    assert (predictions[-1], errors[-1]) == (PRINTED_PREDICTION, PRINTED_ERROR)
    assert result.extra["s0_predictions"] == predictions
    # both printed numbers come from one iteration: the error is the printed prediction's
    assert (PRINTED_PREDICTION - 0.7) ** 2 == PRINTED_ERROR


def test_in_exact_arithmetic_the_recovered_s0_gives_the_printed_prediction():
    exact = exact_run("0.05", "0.6762461440925")
    assert float(exact["p"]) == PRINTED_PREDICTION  # 0.69999943866643758775...
    assert float(exact["err"]) == pytest.approx(PRINTED_ERROR, rel=1e-10, abs=0)
    assert mpmath.sigmoid(mpmath.mpf("0.275498457637")) == pytest.approx(0.56844226711, abs=5e-12)


def test_the_symmetric_split_of_s0_lands_one_ulp_above(result):
    symmetric = result["s0_split_w1=w2.final_prediction"].computed
    assert symmetric == math.nextafter(PRINTED_PREDICTION, 1.0)
    assert result["s0_split_w1=w2.final_prediction"].agreement == "exact"  # to 12 digits
    # the ulp, squared through p - 0.7 = -5.6e-7, moves the error's 10th digit
    err = result["s0_split_w1=w2.final_error"].computed
    assert err == (symmetric - 0.7) ** 2
    assert err == pytest.approx(PRINTED_ERROR, rel=1e-9, abs=0)
    assert err != pytest.approx(PRINTED_ERROR, rel=1e-10, abs=0)


def test_the_run_depends_on_the_weights_only_through_s0():
    splits = [(0.05, 0.6762461440925), example.S0_SYMMETRIC, (0.0, 0.6887461440925)]
    runs = [article_loop(w1, w2, 20_000) for w1, w2 in splits]
    for predictions, _, _, _ in runs[1:]:
        assert predictions == pytest.approx(runs[0][0], rel=1e-15, abs=0)
    # ... while the final weights differ, each moved by its input times the same total
    (_, _, a1, a2), (_, _, b1, b2) = runs[0], runs[1]
    total = (a1 - splits[0][0]) / 0.1
    assert (a2 - splits[0][1]) / 0.4 == pytest.approx(total, rel=1e-9, abs=0)
    assert (b1 - splits[1][0]) / 0.1 == pytest.approx(total, rel=1e-9, abs=0)
    assert (b2 - splits[1][1]) / 0.4 == pytest.approx(total, rel=1e-9, abs=0)
    assert abs(a1 - b1) > 0.4


def test_first_step_of_the_variant_equals_forty_digit_arithmetic(result):
    with mpmath.workdps(40):
        s = mpmath.mpf("0.1") * mpmath.mpf("0.5") + mpmath.mpf("0.4") * mpmath.mpf("0.5")
        p = 1 / (1 + mpmath.exp(-s))
        d_pred = 2 * (p - mpmath.mpf("0.7"))
        d_sop = p * (1 - p)
        expected = {
            "sop": s,
            "pred": p,
            "err": (p - mpmath.mpf("0.7")) ** 2,
            "dE_dpred": d_pred,
            "dpred_dsop": d_sop,
            "gradw1": mpmath.mpf("0.1") * d_sop * d_pred,
            "gradw2": mpmath.mpf("0.4") * d_sop * d_pred,
            "w1_new": mpmath.mpf("0.5") - mpmath.mpf("0.01") * mpmath.mpf("0.1") * d_sop * d_pred,
            "w2_new": mpmath.mpf("0.5") - mpmath.mpf("0.01") * mpmath.mpf("0.4") * d_sop * d_pred,
        }
    for name, value in expected.items():
        assert result[V + "step0." + name].computed == pytest.approx(
            float(value), rel=1e-15, abs=0
        ), name


def test_first_gradients_against_finite_differences_of_the_forward_pass(result):
    def err(w1, w2):
        return (1 / (1 + math.exp(-(0.1 * w1 + 0.4 * w2))) - 0.7) ** 2

    fd1, fd2 = central_differences(lambda w: err(*w), [0.5, 0.5], h=1e-6)
    assert result[V + "step0.gradw1"].computed == pytest.approx(fd1, rel=1e-8, abs=0)
    assert result[V + "step0.gradw2"].computed == pytest.approx(fd2, rel=1e-8, abs=0)


def test_the_second_iteration_starts_from_the_updated_weights(result):
    w1, w2 = result[V + "step0.w1_new"].computed, result[V + "step0.w2_new"].computed
    assert result.extra["predictions"][1] == pytest.approx(
        1 / (1 + math.exp(-(0.1 * w1 + 0.4 * w2))), rel=1e-15
    )


def test_the_variants_last_numbers_against_the_article_loop_and_exact_arithmetic(
    result, exact_variant
):
    predictions, errors, w1, w2 = article_loop(0.5, 0.5)
    last_p = result[V + "last_prediction(iter 79999)"].computed
    last_err = result[V + "last_error"].computed
    assert result.extra["predictions"] == pytest.approx(predictions, rel=1e-15, abs=0)
    assert last_p == pytest.approx(predictions[-1], rel=3e-16, abs=0)
    assert last_err == pytest.approx(errors[-1], rel=1e-9, abs=0)
    # rounding along 80,000 float steps: a few ulps (here 3) from exact arithmetic
    assert last_p == pytest.approx(float(exact_variant["p"]), abs=6e-16)  # 0.69999941926422474...
    # (p - 0.7)^2 with p - 0.7 = -5.8e-7: 3 ulps of p are 1.1e-9 of the error
    exact_err = float(exact_variant["err"])  # 3.37254040661e-13
    assert last_err == pytest.approx(exact_err, rel=2e-9, abs=0)
    for name, value in (("final_w1", exact_variant["w1"]), ("final_w2", exact_variant["w2"])):
        assert result[V + name].computed == pytest.approx(float(value), rel=1e-12, abs=0), name
    assert (w1, w2) == pytest.approx(
        (result[V + "final_w1"].computed, result[V + "final_w2"].computed), rel=1e-12, abs=0
    )


def test_the_prediction_creeps_up_to_the_fixed_point_from_below(result):
    logit = result["fixed_point_logit_0.7"].computed
    with mpmath.workdps(30):
        assert logit == pytest.approx(float(mpmath.log(mpmath.mpf(7) / 3)), rel=1e-15)
    predictions = result.extra["predictions"]
    assert len(predictions) == len(result.extra["errors"]) == 80_000
    assert all(a <= b for a, b in itertools.pairwise(predictions))
    assert predictions[-1] < 0.7
    assert 1 / (1 + math.exp(-logit)) == pytest.approx(0.7, rel=1e-15, abs=0)


def test_the_trace_and_graph_are_the_first_iteration(result):
    assert result.root.label == "err"
    assert result.trace.node("err").data == result[V + "step0.err"].computed
    gradients = result.trace.gradients()
    assert gradients["w1"] == result[V + "step0.gradw1"].computed
    assert gradients["w2"] == result[V + "step0.gradw2"].computed
    assert result.trace.forward[0].name == "y"


def test_the_command_line_prints_the_table():
    done = example_table("gad-two-input")
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "0.6999994386664375" in lines["final_prediction"]
    assert "exact" in lines["final_prediction"]
    assert "3.150953682878443e-13" in lines["final_error"]
    assert "0.275498457637" in lines["recovered_s0"]
    assert "Forward pass" not in done.stdout
