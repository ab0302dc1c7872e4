"""gad-neuron (seed 002): every printed number, each exact value confirmed without the engine."""

from __future__ import annotations

import mpmath
import pytest

from tests.reference import check_printed_numbers

EXAMPLE = "gad-neuron"  # run by the `result` fixture (tests/conftest.py), once a session


def by_hand(w1, w2, b, x1="0.1", x2="0.3", desired="0.03"):
    """The neuron and its gradients in 40-digit arithmetic (the caller's mp40), by hand."""
    x1, x2, desired = mpmath.mpf(x1), mpmath.mpf(x2), mpmath.mpf(desired)
    s = x1 * w1 + x2 * w2 + b
    p = 1 / (1 + mpmath.exp(-s))
    e = (desired - p) ** 2 / 2
    de_ds = (p - desired) * p * (1 - p)
    return {"s": s, "p": p, "E": e, "dE/dW1": de_ds * x1, "dE/dW2": de_ds * x2, "dE/db": de_ds}


with mpmath.workdps(40):
    EXACT = by_hand(mpmath.mpf("0.5"), mpmath.mpf("0.2"), mpmath.mpf("1.83"))


def test_every_printed_number_is_there_and_mismatches_where_the_reference_says(result):
    check_printed_numbers(result, "gad_single_sigmoid_neuron")


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("forward.s", 1.94),
        ("forward.predicted", 0.874352143),
        ("loss.E", 0.356465271),
        ("grad.dE_dpredicted", 0.844352143),
        ("grad.dpredicted_ds", 0.109860473),
        ("grad.dE_dW1", 0.009276093),
        ("grad.dE_dW2", 0.027828278),
        ("update.W1_new", 0.49990723907),
        ("update.W2_new", 0.1997217172),
        ("perceptron.b_new", 1.821556479),
    ],
)
def test_printed_numbers_at_their_printed_precision(result, name, printed):
    places = len(repr(printed).split(".")[1])
    assert round(result[name].computed, places) == printed
    assert result[name].agreement in ("exact", "rounded")


def test_engine_values_equal_forty_digit_arithmetic(result):
    assert result["forward.s"].computed == pytest.approx(float(EXACT["s"]), rel=1e-15)
    assert result["forward.predicted"].computed == pytest.approx(float(EXACT["p"]), rel=1e-15)
    assert result["loss.E"].computed == pytest.approx(float(EXACT["E"]), rel=1e-14)
    for name in ("dE/dW1", "dE/dW2", "dE/db"):
        key = "grad." + name.replace("/", "_")
        assert result[key].computed == pytest.approx(float(EXACT[name]), rel=1e-14)


def test_the_bias_gradient_the_article_never_computes(result, mp40):
    # The article says ds/db = 0 and so never computes dE/db; ds/db = 1 and
    # dE/db = dE/ds = 0.0927609255818...
    assert float(EXACT["dE/db"]) == pytest.approx(0.0927609255818, abs=1e-13)
    assert result["grad.ds_db"].computed == 1.0
    assert result["grad.ds_db"].agreement == "MISMATCH"
    assert result["grad.dE_db"].computed == pytest.approx(0.0927609255818, abs=1e-13)
    assert result["update.b_new_if_gradient_descent"].computed == pytest.approx(
        float(mpmath.mpf("1.83") - mpmath.mpf("0.01") * EXACT["dE/db"]), rel=1e-15
    )


def test_the_articles_table_swaps_w1_and_w2(result):
    table = result["perceptron.table_W1new_W2new_bnew"]
    assert table.agreement == "MISMATCH"
    w1, w2, b = table.computed
    assert (round(w2, 9), round(w1, 9), round(b, 9)) == (0.197466944, 0.499155648, 1.821556479)


def test_second_forward_pass_from_the_printed_weights_matches_the_article(result, mp40):
    again = by_hand(
        mpmath.mpf("0.49990723907"), mpmath.mpf("0.1997217172"), mpmath.mpf("1.821556479")
    )
    assert result["forward2_article_mix.s"].computed == pytest.approx(float(again["s"]), rel=1e-15)
    assert result["forward2_article_mix.E"].computed == pytest.approx(float(again["E"]), rel=1e-14)
    assert result["forward2_article_mix.E"].agreement == "exact"


def test_pure_gradient_descent_second_pass(result, mp40):
    b = mpmath.mpf("1.83") - mpmath.mpf("0.01") * EXACT["dE/db"]
    w1 = mpmath.mpf("0.5") - mpmath.mpf("0.01") * EXACT["dE/dW1"]
    w2 = mpmath.mpf("0.2") - mpmath.mpf("0.01") * EXACT["dE/dW2"]
    again = by_hand(w1, w2, b)
    assert result["forward2_pure_gd.E"].computed == pytest.approx(float(again["E"]), rel=1e-13)
    assert again["E"] < EXACT["E"]  # one step of gradient descent lowers the error


def test_the_trace_and_graph_are_the_neurons(result):
    assert result.root.label == "E"
    assert result.trace.node("E").data == result["loss.E"].computed
    assert result.trace.gradients()["W1"] == result["grad.dE_dW1"].computed


def test_the_articles_new_bias_is_not_a_gradient_descent_step(result, mp40):
    # files/gad_neuron.toml prints b@1 = 1.821556479, the perceptron rule's b; one step of
    # gradient descent gives b - 0.01 dE/db = 1.82907239074
    row = result["update.b_new_article_vs_gradient_descent"]
    assert row.printed == "1.821556479" and row.agreement == "MISMATCH"
    assert row.computed == pytest.approx(
        float(mpmath.mpf("1.83") - mpmath.mpf("0.01") * EXACT["dE/db"]), rel=1e-15
    )
    # the mistake models re-run the step and find the article's number two ways
    assert row.reason.startswith("perceptron-rule (") and "missing-factor (" in row.reason
