"""prakash-333 (seed 001): every printed number, each exact value confirmed without the engine.

The second route is 40-digit mpmath: the forward pass, a backward pass derived by hand
(not the engine's), and central finite differences of the forward pass for all 27
weight gradients of both losses. The article's own arithmetic, replayed from its
printed digits, is confirmed with exact rationals (``fractions``).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

from autograd_lite import topological_order
from nn.examples import prakash_333
from nn.examples import prakash_333_article as article
from tests.cli import example_table
from tests.numeric import central_differences
from tests.reference import check_printed_numbers, reference

EXAMPLE = "prakash-333"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
REF_ID = "prakash_jay_3_3_3_relu_sigmoid_softmax"
REF = reference(REF_ID)
WRITTEN, CATEGORICAL = "sum-BCE", "categorical"
R3 = range(3)


# --- the network in 40-digit arithmetic, differentiated by hand ---------------------------------


def mp(x) -> mpmath.mpf:
    """The article's decimal number (0.1 is one tenth, not the nearest double)."""
    return mpmath.mpf(str(x))


def initial_weights() -> list[list[list[mpmath.mpf]]]:
    p = REF["initial_parameters"]
    return [[[mp(v) for v in row] for row in p[name]] for name in ("Wij", "Wjk", "Wkl")]


def by_hand(weights, loss: str) -> dict:
    """Forward values, loss and (when asked) every gradient, from the textbook formulas."""
    with mpmath.workdps(40):
        x = [mp(v) for v in REF["inputs"]["x"]]
        y = [mp(v) for v in REF["inputs"]["target"]]
        bias = {k: [mp(v) for v in REF["initial_parameters"][k]] for k in ("bj", "bk", "bl")}
        wij, wjk, wkl = weights

        def layer(v, w, b):
            return [mpmath.fsum(v[a] * w[a][c] for a in R3) + b[c] for c in R3]

        h1_in = layer(x, wij, bias["bj"])
        h1_out = [max(h, mpmath.mpf(0)) for h in h1_in]
        h2_in = layer(h1_out, wjk, bias["bk"])
        h2_out = [1 / (1 + mpmath.exp(-h)) for h in h2_in]
        o_in = layer(h2_out, wkl, bias["bl"])
        z = mpmath.fsum(mpmath.exp(o) for o in o_in)
        o = [mpmath.exp(v) / z for v in o_in]
        if loss == WRITTEN:
            e = -mpmath.fsum(
                y[i] * mpmath.log(o[i]) + (1 - y[i]) * mpmath.log(1 - o[i]) for i in R3
            )
            d_out = [-y[i] / o[i] + (1 - y[i]) / (1 - o[i]) for i in R3]
            jac = [[o[a] * ((a == b) - o[b]) for b in R3] for a in R3]
            d_o_in = [mpmath.fsum(d_out[a] * jac[a][b] for a in R3) for b in R3]
        else:
            e = -mpmath.fsum(y[i] * mpmath.log(o[i]) for i in R3)
            d_out, jac = None, None
            d_o_in = [o[i] - y[i] for i in R3]  # softmax + cross-entropy
        d_h2_out = [mpmath.fsum(wkl[a][b] * d_o_in[b] for b in R3) for a in R3]
        d_h2_in = [d_h2_out[a] * h2_out[a] * (1 - h2_out[a]) for a in R3]
        d_h1_out = [mpmath.fsum(wjk[a][b] * d_h2_in[b] for b in R3) for a in R3]
        d_h1_in = [d if h > 0 else mpmath.mpf(0) for d, h in zip(d_h1_out, h1_in)]
        grads = [
            [[lower[a] * upper[b] for b in R3] for a in R3]
            for lower, upper in ((x, d_h1_in), (h1_out, d_h2_in), (h2_out, d_o_in))
        ]
        lr = mp(REF["hyperparameters"]["learning_rate"])
        updated = [
            [[w[a][b] - lr * g[a][b] for b in R3] for a in R3] for w, g in zip(weights, grads)
        ]
    return {
        "h1_in": h1_in,
        "h1_out": h1_out,
        "h2_in": h2_in,
        "h2_out": h2_out,
        "o_in": o_in,
        "o": o,
        "E": e,
        "dE/dO": d_out,
        "jacobian": jac,
        "dE/dO_in": d_o_in,
        "dE/dh2_out": d_h2_out,
        "dE/dh2_in": d_h2_in,
        "dE/dh1_out": d_h1_out,
        "grads": grads,
        "bias grads": [d_o_in, d_h2_in, d_h1_in],
        "updated": updated,
    }


with mpmath.workdps(40):  # the weights too: mp("0.1") is one tenth to 40 digits
    EXACT = {loss: by_hand(initial_weights(), loss) for loss in (WRITTEN, CATEGORICAL)}


def floats(x) -> list:
    return [floats(v) for v in x] if isinstance(x, list) else float(x)


def close(computed, exact, rel: float = 1e-12, abs_: float = 1e-15) -> None:
    assert computed == pytest.approx(floats(exact), rel=rel, abs=abs_)


def matrix_close(computed, exact, rel: float = 1e-12, abs_: float = 1e-15) -> None:
    for row, exact_row in zip(computed, exact, strict=True):
        close(row, exact_row, rel, abs_)


# --- the article's numbers ----------------------------------------------------------------------


def test_the_examples_inputs_and_weights_are_the_reference_ones():
    p = REF["initial_parameters"]
    assert list(article.INPUT) == REF["inputs"]["x"]
    assert list(article.TARGET) == REF["inputs"]["target"]
    for name, given in (("Wij", article.WIJ), ("Wjk", article.WJK), ("Wkl", article.WKL)):
        assert [list(row) for row in given] == p[name]
    for name, given in (("bj", article.BJ), ("bk", article.BK), ("bl", article.BL)):
        assert list(given) == p[name]
    assert article.LEARNING_RATE == REF["hyperparameters"]["learning_rate"]


def test_every_printed_number_is_there_and_mismatches_where_the_reference_says(result):
    check_printed_numbers(result, REF_ID)


def test_every_reference_quantity_is_in_the_table(result):
    for name in REF["expected"]:
        assert result[name].computed is not None


def shown_as(exact: mpmath.mpf, printed: str) -> bool:
    """The exact value, rounded or cut to the printed decimals, reads as printed."""
    value = Decimal(mpmath.nstr(exact, 30, min_fixed=-50, max_fixed=50))
    p = Decimal(printed)
    unit = Decimal(1).scaleb(p.as_tuple().exponent)
    return any(
        value.quantize(unit, how) == p for how in (ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_DOWN)
    )


@pytest.mark.parametrize(
    ("name", "exact_key"),
    [
        ("forward.h1_in", "h1_in"),
        ("forward.h1_out(relu)", "h1_out"),
        ("forward.h2_out(sigmoid)", "h2_out"),
    ],
)
def test_forward_numbers_the_article_got_right_at_their_printed_precision(result, name, exact_key):
    printed = article.PRINTED[name]
    assert all(shown_as(e, p) for e, p in zip(EXACT[WRITTEN][exact_key], printed, strict=True))
    assert result[name].agreement in ("exact", "rounded", "truncated")


def test_the_article_cuts_h2_out_rather_than_rounding_it(result):
    # sigmoid(2.731) = 0.938831..., printed 0.938
    assert result["forward.h2_out(sigmoid)"].words == ("truncated", "rounded", "rounded")


def test_relu_prime_is_one_as_printed(result):
    assert all(h > 0 for h in EXACT[WRITTEN]["h1_in"])
    assert result["grad.relu_prime(h1_in)"].computed == [1.0, 1.0, 1.0]  # printed 1.0 each
    assert result["grad.relu_prime(h1_in)"].agreement == "exact"


# Each MISMATCH at its exact value (12 digits, from 40-digit arithmetic), the printed one beside.
MISMATCHES = {
    # printed [2.73, 2.76, 4.001]
    "forward.h2_in": [2.731, 2.76, 4.004],
    # printed [1.8658, 2.2292, 2.8204]
    "forward.O_in": [1.86706797156, 2.23028232057, 2.82303603273],
    # printed [0.2698, 0.3223, 0.4078]
    "forward.O_out(softmax)": [0.198446894233, 0.285355530425, 0.516197575342],
    # printed 0.985
    "loss.sum_binary_ce_ln(exact forward)": 2.67928252443,
    # printed [-3.70644, -1.4755, -1.6886]
    "grad.dE_dO_out(sum-BCE)": [-5.03913152114, 1.39929719262, 2.06695946327],
    # printed [0.15911, 0.2040, 0.3685]
    "grad.dO_i/dO_in_i(diagonal only)": [0.159065724402, 0.203927751681, 0.249737638553],
    # printed [[-0.5531, -0.0576, -0.5836], [-0.554347, -0.0577, -0.5849],
    #          [-0.577937, -0.06017, -0.6098]]
    "grad.dE_dWkl(sum-BCE)": [
        [-1.02569870615, 0.249962213469, 0.775736492684],
        [-1.02749519726, 0.250400017370, 0.777095179892],
        [-1.07295380124, 0.261478254286, 0.811475546956],
    ],
    # printed [[0.105531, 0.400576, 0.805836], [0.30055, 0.700577, 0.2005849],
    #          [0.5005779, 0.2006017, 0.9006098]]
    "update.Wkl(sum-BCE)": [
        [0.110256987062, 0.397500377865, 0.792242635073],
        [0.310274951973, 0.697495999826, 0.192229048201],
        [0.510729538012, 0.197385217457, 0.891885244530],
    ],
    # printed [0.058156, 0.0564, 0.0196]
    "grad.sigmoid_prime(h2_in)": [0.0574270993676, 0.0559812158316, 0.0175947230536],
    # printed [-0.8903, -0.74218, -1.0810]
    "grad.dE_dh2_out(sum-BCE)": [0.658269718788, 0.0238714201053, 0.250637080025],
    # printed [[-0.06989, -0.0565, -0.0286], [-0.06575, -0.05316, -0.0269],
    #          [-0.0932, -0.0753, -0.03813]]
    "grad.dE_dWjk(sum-BCE)": [
        [0.0510334027445, 0.00180407401352, 0.00595335151349],
        [0.0480092011004, 0.00169716592383, 0.00560056031269],
        [0.0680445369927, 0.00240543201802, 0.00793780201799],
    ],
    # printed [[0.2006989, 0.300565, 0.500286], [0.3006575, 0.5005316, 0.700269],
    #          [0.600932, 0.400753, 0.803813]]
    "update.Wjk(sum-BCE)": [
        [0.199489665973, 0.299981959260, 0.499940466485],
        [0.299519907989, 0.499983028341, 0.699943994397],
        [0.599319554630, 0.399975945680, 0.799920621980],
    ],
    # printed [-0.01035, -0.0209, -0.0169]
    "grad.dE_dh1_out(sum-BCE)": [0.0101663544516, 0.0150958547330, 0.0267439647873],
    # printed [[-0.001035, -0.00209, -0.00169], [-0.00207, -0.00418, -0.00338],
    #          [-0.007245, -0.01463, -0.01183]]
    "grad.dE_dWij(sum-BCE)": [
        [0.00101663544516, 0.00150958547330, 0.00267439647873],
        [0.00203327089033, 0.00301917094660, 0.00534879295747],
        [0.00711644811614, 0.0105670983131, 0.0187207753511],
    ],
    # printed [[0.10001035, 0.2000209, 0.3000169], [0.3000207, 0.2000418, 0.7000338],
    #          [0.40007245, 0.3001463, 0.9001183]]
    "update.Wij(sum-BCE)": [
        [0.0999898336455, 0.199984904145, 0.299973256035],
        [0.299979667291, 0.199969808291, 0.699946512070],
        [0.399928835519, 0.299894329017, 0.899812792246],
    ],
}

_W = EXACT[WRITTEN]
SECOND_ROUTE = {
    "forward.h2_in": _W["h2_in"],
    "forward.O_in": _W["o_in"],
    "forward.O_out(softmax)": _W["o"],
    "loss.sum_binary_ce_ln(exact forward)": _W["E"],
    "grad.dE_dO_out(sum-BCE)": _W["dE/dO"],
    "grad.dO_i/dO_in_i(diagonal only)": [_W["jacobian"][i][i] for i in R3],
    "grad.dE_dWkl(sum-BCE)": _W["grads"][2],
    "update.Wkl(sum-BCE)": _W["updated"][2],
    "grad.sigmoid_prime(h2_in)": [h * (1 - h) for h in _W["h2_out"]],
    "grad.dE_dh2_out(sum-BCE)": _W["dE/dh2_out"],
    "grad.dE_dWjk(sum-BCE)": _W["grads"][1],
    "update.Wjk(sum-BCE)": _W["updated"][1],
    "grad.dE_dh1_out(sum-BCE)": _W["dE/dh1_out"],
    "grad.dE_dWij(sum-BCE)": _W["grads"][0],
    "update.Wij(sum-BCE)": _W["updated"][0],
}


@pytest.mark.parametrize("name", list(MISMATCHES))
def test_each_mismatch_at_its_exact_value(result, name):
    quantity = result[name]
    assert quantity.agreement == "MISMATCH"
    assert quantity.reason
    exact = MISMATCHES[name]
    second = SECOND_ROUTE[name]
    if isinstance(exact, float):
        assert quantity.computed == pytest.approx(exact, rel=1e-11)
        assert float(second) == pytest.approx(exact, rel=1e-11)
    elif isinstance(exact[0], float):
        close(quantity.computed, exact, rel=1e-11)
        close(second, exact, rel=1e-11)
    else:
        matrix_close(quantity.computed, exact, rel=1e-11)
        matrix_close(second, exact, rel=1e-11)


def test_the_softmax_diagonal_third_value_is_the_wrong_one(result):
    # the article's 0.3685 should be O3(1-O3) = 0.2497; its first two agree to 3 digits
    diagonal = result["grad.dO_i/dO_in_i(diagonal only)"].computed
    assert round(diagonal[2], 4) == 0.2497
    assert [round(d, 3) for d in diagonal[:2]] == [0.159, 0.204]


# --- exact values against the hand-derived backward pass and finite differences ----------------


def test_forward_values_and_losses_equal_forty_digit_arithmetic(result):
    w = result.extra["written"]
    for key, nodes in (
        ("h1_in", w.h1_in),
        ("h1_out", w.h1_out),
        ("h2_in", w.h2_in),
        ("h2_out", w.h2_out),
        ("o_in", w.o_in),
        ("o", w.o_out),
    ):
        close([n.data for n in nodes], EXACT[WRITTEN][key], rel=1e-15)
    assert result["loss.sum_binary_ce_ln(exact forward)"].computed == pytest.approx(
        float(EXACT[WRITTEN]["E"]), rel=1e-14
    )
    with mpmath.workdps(40):
        log10_loss = EXACT[WRITTEN]["E"] / mpmath.log(10)
        minus_ln_o1 = -mpmath.log(EXACT[WRITTEN]["o"][0])
    assert result["loss.sum_binary_ce_log10(exact forward)"].computed == pytest.approx(
        float(log10_loss), rel=1e-14
    )
    for name in ("loss.categorical_ce_ln(exact forward)", "categorical.loss"):
        assert result[name].computed == pytest.approx(float(minus_ln_o1), rel=1e-14)
        assert result[name].computed == pytest.approx(float(EXACT[CATEGORICAL]["E"]), rel=1e-14)


PREFIX = {WRITTEN: ("grad.", "(sum-BCE)"), CATEGORICAL: ("categorical.", "")}


@pytest.mark.parametrize("loss", [WRITTEN, CATEGORICAL])
def test_every_gradient_and_update_equals_the_hand_derived_backward_pass(result, loss):
    exact = EXACT[loss]
    start, end = PREFIX[loss]
    o_in = "dE_dO_in(sum-BCE, full Jacobian)" if loss == WRITTEN else "dE_dO_in(=O-y)"
    close(result[start + o_in].computed, exact["dE/dO_in"])
    for key in ("dE/dh2_out", "dE/dh2_in", "dE/dh1_out"):
        close(result[start + key.replace("/", "_") + end].computed, exact[key])
    for i, name in enumerate(("Wij", "Wjk", "Wkl")):
        matrix_close(result[f"{start}dE_d{name}{end}"].computed, exact["grads"][i])
        update = f"update.{name}(sum-BCE)" if loss == WRITTEN else f"categorical.update.{name}"
        matrix_close(result[update].computed, exact["updated"][i], rel=1e-15)
    bias = (
        "grad.bias(sum-BCE) dE_dbl,dE_dbk,dE_dbj"
        if loss == WRITTEN
        else "categorical.bias_grads[l,k,j]"
    )
    matrix_close(result[bias].computed, exact["bias grads"])


def test_the_written_losss_output_gradient_and_full_softmax_jacobian(result):
    close(result["grad.dE_dO_out(sum-BCE)"].computed, EXACT[WRITTEN]["dE/dO"])
    matrix_close(result["grad.softmax Jacobian dO_out_a/dO_in_b"].computed, _W["jacobian"])
    assert (
        result.extra["softmax_jacobian"]
        == result["grad.softmax Jacobian dO_out_a/dO_in_b"].computed
    )


def test_categorical_gradient_wrt_the_logits_is_output_minus_target(result):
    c = result.extra["categorical"]
    outputs = [o.data for o in c.o_out]
    assert [o.grad for o in c.o_in] == pytest.approx(
        [o - t for o, t in zip(outputs, article.TARGET)], abs=1e-15
    )
    close(
        result["categorical.dE_dO_in(=O-y)"].computed, [o - t for o, t in zip(_W["o"], [1, 0, 0])]
    )


def finite_difference_gradients(loss: str) -> list[list[list[mpmath.mpf]]]:
    """dE/dW for every weight by central differences of the 40-digit forward pass."""
    with mpmath.workdps(40):
        return central_differences(
            lambda weights: by_hand(weights, loss)["E"], initial_weights(), h=mpmath.mpf("1e-15")
        )


@pytest.mark.parametrize("loss", [WRITTEN, CATEGORICAL])
def test_weight_gradients_equal_finite_differences_of_the_forward_pass(result, loss):
    start, end = PREFIX[loss]
    for name, fd in zip(("Wij", "Wjk", "Wkl"), finite_difference_gradients(loss)):
        matrix_close(result[f"{start}dE_d{name}{end}"].computed, fd, rel=1e-11, abs_=1e-14)


def test_both_losses_give_the_same_sign_pattern_and_the_article_the_wrong_one(result):
    expected_right = {
        "Wkl": [[True, False, False]] * 3,  # only column 1 has the right sign
        "Wjk": [[False] * 3] * 3,
        "Wij": [[False] * 3] * 3,
    }
    assert result.extra["printed_gradient_sign_is_right"] == expected_right
    for i, name in enumerate(("Wij", "Wjk", "Wkl")):
        printed = article.PRINTED[f"grad.dE_d{name}(sum-BCE)"]
        for a in R3:
            for b in R3:
                written = EXACT[WRITTEN]["grads"][i][a][b]
                categorical = EXACT[CATEGORICAL]["grads"][i][a][b]
                assert (written > 0) == (categorical > 0)
                same_sign = (float(printed[a][b]) > 0) == (written > 0)
                assert same_sign == expected_right[name][a][b]
    assert any("24 of the article's 27 weight gradients" in note for note in result.notes)


def test_biases_are_used_forward_but_frozen(result):
    written = result.extra["written"]
    without_bias = [sum(x * w for x, w in zip(article.INPUT, col)) for col in zip(*article.WIJ)]
    assert [n.data for n in written.h1_in] == pytest.approx([s + 1.0 for s in without_bias])
    assert all(
        g != 0 for row in result["grad.bias(sum-BCE) dE_dbl,dE_dbk,dE_dbj"].computed for g in row
    )
    for loss in (WRITTEN, CATEGORICAL):
        weights, biases = prakash_333.one_step(loss)
        assert biases == [[1.0] * 3] * 3
        assert weights != [[list(r) for r in w] for w in (article.WIJ, article.WJK, article.WKL)]
    assert len(prakash_333.weights_only(prakash_333.network())) == 27


# --- the article's own arithmetic, replayed from its printed digits ------------------------------


def fr(printed) -> Fraction | list:
    return [fr(p) for p in printed] if isinstance(printed, list) else Fraction(printed)


def test_replays_of_the_articles_arithmetic_equal_exact_rationals(result):
    p = {k: fr(v) for k, v in article.PRINTED.items()}
    w = {
        k: fr([[str(v) for v in row] for row in REF["initial_parameters"][k]])
        for k in ("Wij", "Wjk", "Wkl")
    }
    h1, h2 = p["forward.h1_out(relu)"], p["forward.h2_out(sigmoid)"]
    d_out, diag = p["grad.dE_dO_out(sum-BCE)"], p["grad.dO_i/dO_in_i(diagonal only)"]
    sig, dh2, dh1 = (
        p["grad.sigmoid_prime(h2_in)"],
        p["grad.dE_dh2_out(sum-BCE)"],
        p["grad.dE_dh1_out(sum-BCE)"],
    )
    x = fr([str(v) for v in REF["inputs"]["x"]])
    upstream = [d_out[0], Fraction("-0.301"), d_out[2]]
    expected = {
        "article.O_in of its h2_out [0.938,0.94,0.98]": [
            sum(h2[a] * w["Wkl"][a][b] for a in R3) + 1 for b in R3
        ],
        "article.sum of its printed loss terms": sum(fr(article.PRINTED_LOSS_TERMS)),
        "article.O(1-O) at its outputs": [o * (1 - o) for o in p["forward.O_out(softmax)"]],
        "article.dE_dWkl of its factors": [[upstream[b] * diag[b] * h2[a] for b in R3] for a in R3],
        "article.h2_out(1-h2_out) of its h2_out": [h * (1 - h) for h in h2],
        "article.dE_dh2_out terms of its factors": [
            [d_out[b] * diag[b] * w["Wkl"][a][b] for b in R3] for a in R3
        ],
        "article.dE_dh2_out sums of its terms": [
            sum(row) for row in fr(article.PRINTED_DH2_OUT_TERMS)
        ],
        "article.dE_dh2_out sums of its products": [
            sum(d_out[b] * diag[b] * w["Wkl"][a][b] for b in R3) for a in R3
        ],
        "article.dE_dWjk of its factors": [[dh2[b] * sig[b] * h1[a] for b in R3] for a in R3],
        "article.dE_dh1_out of its factors": [dh2[j] * sig[j] * w["Wjk"][j][j] for j in R3],
        "article.dE_dWij of its dE_dh1_out": [[dh1[b] * x[a] for b in R3] for a in R3],
    }
    for name in ("Wkl", "Wjk", "Wij"):
        g = p[f"grad.dE_d{name}(sum-BCE)"]
        expected[f"article.update.{name} of its gradient"] = [
            [w[name][a][b] - Fraction(1, 100) * g[a][b] for b in R3] for a in R3
        ]
    for name, value in expected.items():
        computed = result[name].computed
        if isinstance(value, Fraction):
            assert computed == pytest.approx(float(value), rel=1e-15)
        elif isinstance(value[0], Fraction):
            close(computed, value, rel=1e-14)
        else:
            matrix_close(computed, value, rel=1e-14)
    # the reference's numbers on the printed outputs (loss_on_printed_output)
    on_printed = REF["loss_on_printed_output"]
    assert result["article.-log10 terms of its outputs"].computed == pytest.approx(
        on_printed["terms_log10"], rel=1e-14
    )
    assert result["article.ln loss of its outputs"].computed == pytest.approx(
        on_printed["sum_ln"], rel=1e-14
    )
    assert result["article.-(y/O+(1-y)/(1-O)) at its outputs"].computed == pytest.approx(
        on_printed["article_dE_dO"], rel=1e-14
    )
    assert result["article.O(1-O) at its outputs"].computed == pytest.approx(
        on_printed["O_times_1_minus_O"], rel=1e-14
    )


def test_softmax_of_the_printed_logits_is_not_the_printed_output(result):
    with mpmath.workdps(40):
        logits = [mp(v) for v in article.PRINTED["forward.O_in"]]
        z = mpmath.fsum(mpmath.exp(v) for v in logits)
        exact = [mpmath.exp(v) / z for v in logits]
    replay = result["article.softmax of its printed O_in"]
    close(replay.computed, exact, rel=1e-14)
    # printed [0.2698, 0.3223, 0.4078]; softmax of the printed O_in is:
    assert replay.computed == pytest.approx(
        [0.198576510198, 0.285594926989, 0.515828562813], abs=1e-12
    )
    assert replay.agreement == "MISMATCH"


def test_where_the_article_is_consistent_with_itself_and_where_it_slips(result):
    def mismatched(name):
        words = result[name].words
        return [i for i, word in enumerate(words) if word == "MISMATCH"]

    # consistent: each of these steps, done on its printed inputs, gives what it prints next
    for name in (
        "article.O_in of its h2_out [0.938,0.94,0.98]",
        "article.-(y/O+(1-y)/(1-O)) at its outputs",
        "article.dE_dWkl of its factors",
        "article.h2_out(1-h2_out) of its h2_out",
        "article.dE_dWjk of its factors",
        "article.dE_dh1_out of its factors",
        "article.dE_dWij of its dE_dh1_out",
        "article.update.Wij of its gradient",
    ):
        assert mismatched(name) == [], name
    # slips: misplaced digits in four updated Wkl entries and one Wjk entry (row-major index)
    assert mismatched("article.update.Wkl of its gradient") == [3, 5, 6, 8]
    assert result["article.update.Wkl of its gradient"].computed[1][0] == pytest.approx(0.30554347)
    assert mismatched("article.update.Wjk of its gradient") == [8]
    assert result["article.update.Wjk of its gradient"].computed[2][2] == pytest.approx(0.8003813)
    # dE/dh2_out: the first term of each row is its product, the other two are not
    assert mismatched("article.dE_dh2_out terms of its factors") == [1, 2, 4, 5, 7, 8]
    assert mismatched("article.dE_dh2_out sums of its terms") == [2]  # -1.0808, printed -1.0810
    assert result["article.dE_dh2_out sums of its products"].computed == pytest.approx(
        [-0.677173, -0.512071, -0.915090], abs=5e-7
    )
    # the loss: -log10 terms with two misplaced digits, summing to 0.966248, printed 0.985
    assert mismatched("article.-log10 terms of its outputs") == [0, 1]
    assert result["article.sum of its printed loss terms"].computed == pytest.approx(0.966248)


# --- the trace, the graph and the command line --------------------------------------------------


def test_the_trace_is_the_written_losss_graph(result):
    assert result.root.label == "E"
    assert len(topological_order(result.root)) <= 500  # the renderer's limit
    assert result.trace.node("E").data == result["loss.sum_binary_ce_ln(exact forward)"].computed
    # the trace is nn's graph with the article's names, the table the checker's (its file):
    # two routes to the same numbers, equal to the last bit or so
    gradients = result.trace.gradients()
    dwkl = result["grad.dE_dWkl(sum-BCE)"].computed
    assert gradients["Wk1l1"] == pytest.approx(dwkl[0][0], rel=1e-15)
    assert gradients["Wk3l2"] == pytest.approx(dwkl[2][1], rel=1e-15)
    dwij = result["grad.dE_dWij(sum-BCE)"].computed
    assert gradients["Wi2j3"] == pytest.approx(dwij[1][2], rel=1e-15)
    text = result.trace.to_text()
    assert "h2_in3 = h1_out1*Wj1k3 + h1_out2*Wj2k3 + h1_out3*Wj3k3 + bk3" in text


def test_the_labelled_pass_is_the_models_own_forward_pass(result):
    # the example's model has trained on since; a fresh network from the article's weights
    # gives, through its own __call__, the numbers of the labelled pass
    for loss in (WRITTEN, CATEGORICAL):
        walk = result.extra["written" if loss == WRITTEN else "categorical"]
        fresh = prakash_333.network()
        assert [o.data for o in fresh(list(article.INPUT))] == [o.data for o in walk.o_out]


def test_command_line_prints_the_table_with_its_mismatches():
    done = example_table("prakash-333")
    lines = done.stdout.splitlines()
    assert lines[0] == prakash_333.TITLE
    rows = [line for line in lines if "MISMATCH" in line]
    assert any(line.split()[0] == "forward.O_out(softmax)" for line in rows)
    assert any(line.split()[0] == "grad.dE_dWjk(sum-BCE)" for line in rows)
    assert "Backward pass" not in done.stdout  # --table-only leaves out the step-through


def test_pytorch_agrees_when_installed(result, torch):
    for loss in (WRITTEN, CATEGORICAL):
        ws = [
            torch.tensor(m, dtype=torch.float64, requires_grad=True)
            for m in (article.WIJ, article.WJK, article.WKL)
        ]
        x = torch.tensor([article.INPUT], dtype=torch.float64)
        y = torch.tensor([article.TARGET], dtype=torch.float64)
        h2 = torch.sigmoid(torch.relu(x @ ws[0] + 1.0) @ ws[1] + 1.0)
        logits = h2 @ ws[2] + 1.0
        if loss == WRITTEN:
            out = torch.softmax(logits, dim=1)
            e = torch.nn.functional.binary_cross_entropy(out, y, reduction="sum")
        else:
            e = torch.nn.functional.cross_entropy(logits, torch.tensor([0]))
        e.backward()
        start, end = PREFIX[loss]
        for name, w in zip(("Wij", "Wjk", "Wkl"), ws):
            matrix_close(result[f"{start}dE_d{name}{end}"].computed, w.grad.tolist(), rel=1e-10)
