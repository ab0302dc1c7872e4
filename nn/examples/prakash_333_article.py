"""What Prakash Jay's article (seed 001) gives and prints, why each wrong number is wrong,
and the article's own arithmetic replayed from its printed numbers.

The digits are those of the author's notebook ``Backpropogation_with_Images.ipynb``
(github.com/Prakashvanapalli/TensorFlow), the source of the Medium article, whose
equations are images. Replaying the article's arithmetic from what it printed shows
where each error enters: a replay that agrees with the next printed number means the
step itself was done as written; one that disagrees pins the slip to that step.
"""

from __future__ import annotations

from typing import NamedTuple

from ._checked import Checked, Keys, grid
from .report import Quantity

INPUT = (0.1, 0.2, 0.7)
TARGET = (1.0, 0.0, 0.0)
WIJ = ((0.1, 0.2, 0.3), (0.3, 0.2, 0.7), (0.4, 0.3, 0.9))
WJK = ((0.2, 0.3, 0.5), (0.3, 0.5, 0.7), (0.6, 0.4, 0.8))
WKL = ((0.1, 0.4, 0.8), (0.3, 0.7, 0.2), (0.5, 0.2, 0.9))
"""Row-vector form: ``W[a][b]`` joins unit a of the lower layer to unit b of the upper one."""
BJ = BK = BL = (1.0, 1.0, 1.0)
LEARNING_RATE = 0.01

WRITTEN = "sum-BCE"
"""The loss as the article writes it: per-class binary cross-entropies of the softmax outputs, summed."""


def vector(key: str) -> Keys:
    """``key`` for units 1 to 3: ``vector("dE/da4_{i}")``."""
    return grid(key, i=3)


def in_out(key: str) -> Keys:
    """``key`` for every weight, in the article's orientation: row a (unit a of the lower
    layer), column b (unit b above), which the file names ``w{layer}_b_a``."""
    return grid(key, a=3, b=3)


S = f"({WRITTEN})"
NETWORK: dict[str, object] = {
    "forward.h1_in": vector("z2_{i}"),
    "forward.h1_out(relu)": vector("a2_{i}"),
    "forward.h2_in": vector("z3_{i}"),
    "forward.h2_out(sigmoid)": vector("a3_{i}"),
    "forward.O_in": vector("z4_{i}"),
    "forward.O_out(softmax)": vector("a4_{i}"),
    "loss.sum_binary_ce_ln(exact forward)": "E",
    "loss.categorical_ce_ln(exact forward)": "CE",
    f"grad.dE_dO_out{S}": vector("dE/da4_{i}"),
    "grad.dO_i/dO_in_i(diagonal only)": vector("da4_{i}/dz4_{i}"),
    "grad.softmax Jacobian dO_out_a/dO_in_b": in_out("da4_{a}/dz4_{b}"),
    f"grad.dE_dO_in({WRITTEN}, full Jacobian)": vector("dE/dz4_{i}"),
    f"grad.dE_dWkl{S}": in_out("dE/dw4_{b}_{a}"),
    f"update.Wkl{S}": in_out("w4_{b}_{a}@1"),
    "grad.sigmoid_prime(h2_in)": vector("da3_{i}/dz3_{i}"),
    f"grad.dE_dh2_out{S}": vector("dE/da3_{i}"),
    f"grad.dE_dh2_in{S}": vector("dE/dz3_{i}"),
    f"grad.dE_dWjk{S}": in_out("dE/dw3_{b}_{a}"),
    f"update.Wjk{S}": in_out("w3_{b}_{a}@1"),
    "grad.relu_prime(h1_in)": vector("da2_{i}/dz2_{i}"),
    f"grad.dE_dh1_out{S}": vector("dE/da2_{i}"),
    f"grad.dE_dWij{S}": in_out("dE/dw2_{b}_{a}"),
    f"update.Wij{S}": in_out("w2_{b}_{a}@1"),
    f"grad.bias{S} dE_dbl,dE_dbk,dE_dbj": [vector(f"dE/db{n}_{{i}}") for n in (4, 3, 2)],
}
"""The table's rows under the written loss, in order -> their keys in ``files/prakash_333.toml``."""

CATEGORICAL_ROWS: dict[str, object] = {
    "categorical.loss": "CE",
    "categorical.dE_dO_in(=O-y)": vector("dCE/dz4_{i}"),
    "categorical.dE_dh2_out": vector("dCE/da3_{i}"),
    "categorical.dE_dh2_in": vector("dCE/dz3_{i}"),
    "categorical.dE_dh1_out": vector("dCE/da2_{i}"),
    "categorical.dE_dWkl": in_out("dCE/dw4_{b}_{a}"),
    "categorical.dE_dWjk": in_out("dCE/dw3_{b}_{a}"),
    "categorical.dE_dWij": in_out("dCE/dw2_{b}_{a}"),
    "categorical.bias_grads[l,k,j]": [vector(f"dCE/db{n}_{{i}}") for n in (4, 3, 2)],
    "categorical.update.Wkl": in_out("w4_{b}_{a}@1"),
    "categorical.update.Wjk": in_out("w3_{b}_{a}@1"),
    "categorical.update.Wij": in_out("w2_{b}_{a}@1"),
}
"""The rows of the same network trained on categorical cross-entropy (``CE``): none printed."""

NETWORK_FILE = Checked.shipped("prakash_333")
"""The network, both losses, the article's step and every number it prints."""
PRINTED: dict[str, object] = {
    name: NETWORK_FILE.digits(keys)
    for name, keys in NETWORK.items()
    if NETWORK_FILE.has_printed(keys)
}
"""Every number the article prints for a quantity of the network, as printed, by quantity."""

PRINTED_LOSS_TERMS = ["0.569858", "0.16886", "0.22753"]
"""The article's ``Error = + 0.569858 + 0.16886 + 0.22753 = 0.985``."""

PRINTED_DH2_OUT_TERMS = [
    ["-0.0589", "-0.2383", "-0.5931"],
    ["-0.1769", "-0.417", "-0.14828"],
    ["-0.2948", "-0.119", "-0.667"],
]
"""The three products the article prints in each row of dE/dh2_out before summing them."""

REASONS: dict[str, str] = {
    "forward.h2_in": "4.001 should be 4.004 (1.35*0.5 + 1.27*0.7 + 1.8*0.8 + 1); 2.73 is 2.731 cut",
    "forward.O_in": "computed from h2_out cut to 2-3 digits [0.938, 0.94, 0.98]: exact from those",
    "forward.O_out(softmax)": "not the softmax of anything shown; everything downstream inherits it",
    "loss.sum_binary_ce_ln(exact forward)": (
        "the terms are -log10 (not ln) of the wrong outputs, two with misplaced digits, and "
        "sum to 0.966248, not 0.985"
    ),
    f"grad.dE_dO_out({WRITTEN})": (
        "-(y/O + (1-y)/(1-O)): sign error on the (1-y) term, d/dO of ln for a log10 loss, at "
        "the wrong outputs"
    ),
    "grad.dO_i/dO_in_i(diagonal only)": (
        "only the softmax Jacobian's diagonal is used (off-diagonal -O_a*O_b dropped); 0.3685 "
        "should be 0.2497 and the first two match the exact O(1-O) to 3 digits only"
    ),
    f"grad.dE_dWkl({WRITTEN})": (
        "products of the wrong factors above, column 2 with -0.301 instead of its own -1.4755; "
        "columns 2-3 have the wrong sign"
    ),
    f"update.Wkl({WRITTEN})": (
        "from the wrong gradient (columns 2-3 move the wrong way); four entries also misplace "
        "a digit (0.30055 for 0.30554347)"
    ),
    "grad.sigmoid_prime(h2_in)": (
        "h2_out(1-h2_out) of h2_out cut to 2-3 digits (0.938*0.062 = 0.058156), 1-11% off"
    ),
    f"grad.dE_dh2_out({WRITTEN})": (
        "built from the wrong dE/dO and softmax diagonal; the printed 2nd and 3rd terms of each row are not even "
        "the products written beside them"
    ),
    f"grad.dE_dWjk({WRITTEN})": (
        "dE/dh2_out * sigma' * h1_out from the wrong factors above: every entry has the wrong sign"
    ),
    f"update.Wjk({WRITTEN})": (
        "every entry moves the wrong way (wrong-sign gradient); 0.803813 should be 0.8003813 "
        "even from its own gradient"
    ),
    f"grad.dE_dh1_out({WRITTEN})": (
        "uses only the diagonal weight Wjk[j][j] instead of summing over k, from the wrong-sign "
        "dE/dh2_out"
    ),
    f"grad.dE_dWij({WRITTEN})": (
        "dE/dh1_out * 1 * x from the wrong dE/dh1_out: every entry has the wrong sign"
    ),
    f"update.Wij({WRITTEN})": "every entry moves the wrong way (wrong-sign gradient)",
}
"""One line per mismatching quantity: what the article did wrong."""

NOTES: dict[str, str] = {
    "forward.h1_in": "the 'Example' shows another matrix, but the result uses the declared Wij",
    "forward.h2_out(sigmoid)": "0.938 is cut, not rounded; later steps use these 2-3 digits",
    "loss.categorical_ce_ln(exact forward)": "-ln O_out1",
    f"grad.dE_dO_out({WRITTEN})": "-y/O + (1-y)/(1-O)",
    "grad.softmax Jacobian dO_out_a/dO_in_b": (
        "O_a(1-O_a) on the diagonal, -O_a*O_b off it (which the article drops)"
    ),
    "grad.relu_prime(h1_in)": "every h1_in is positive",
    f"grad.bias({WRITTEN}) dE_dbl,dE_dbk,dE_dbj": "computed, not applied: the biases are frozen",
    "categorical.bias_grads[l,k,j]": "computed, not applied",
}


def number(printed: str) -> float:
    """A printed number as the article wrote it, for replaying its arithmetic."""
    return float(printed)


class Replay(NamedTuple):
    """A step of the article's arithmetic, checked from ``files/prakash_333_replay.toml``."""

    after: str
    """The row of the table it explains, and follows."""
    name: str
    keys: object
    """Its keys in the file: a vector or matrix of step names."""
    reason: str = ""
    note: str = ""
    printed: bool = True


LOSS = "loss.sum_binary_ce_ln(exact forward)"
O_OUT, DIAGONAL = f"grad.dE_dO_out({WRITTEN})", "grad.dO_i/dO_in_i(diagonal only)"
DH2 = f"grad.dE_dh2_out({WRITTEN})"
REPLAYS = [
    Replay(
        "forward.O_in",
        "article.O_in of its h2_out [0.938,0.94,0.98]",
        vector("O_in_{i}"),
        note="the O_in error enters with h2_out cut to 2-3 digits",
    ),
    Replay(
        "forward.O_out(softmax)",
        "article.softmax of its printed O_in",
        vector("softmax_{i}"),
        reason="the printed outputs are not the softmax of the article's own O_in either",
    ),
    Replay(
        LOSS,
        "article.-log10 terms of its outputs",
        vector("log10_term_{i}"),
        reason="its terms are -log10 of its outputs, with 0.568958 printed as 0.569858 and "
        "0.168963 as 0.16886",
    ),
    Replay(
        LOSS,
        "article.sum of its printed loss terms",
        "loss_terms_sum",
        reason="0.569858 + 0.16886 + 0.22753 = 0.966248, not 0.985",
    ),
    Replay(
        LOSS,
        "article.ln loss of its outputs",
        "ln_loss",
        note="the written formula (natural log) on the article's printed outputs",
        printed=False,
    ),
    Replay(
        O_OUT,
        "article.-(y/O+(1-y)/(1-O)) at its outputs",
        vector("dE_dO_out_as_written_{i}"),
        note="its printed dE/dO is its sign-flipped formula at its printed outputs",
    ),
    Replay(
        O_OUT,
        "article.-y/O+(1-y)/(1-O) at its outputs",
        vector("dE_dO_out_right_{i}"),
        note="the right formula at the article's outputs: terms 2-3 are positive",
        printed=False,
    ),
    Replay(
        DIAGONAL,
        "article.O(1-O) at its outputs",
        vector("O_times_1_minus_O_{i}"),
        reason="the printed diagonal is not O(1-O) of the article's own outputs either",
    ),
    Replay(
        f"grad.dE_dWkl({WRITTEN})",
        "article.dE_dWkl of its factors",
        in_out("dE_dWkl_from_factors_{a}_{b}"),
        note="its dE/dO * its diagonal * h2_out, column 2 with -0.301: as printed",
    ),
    Replay(
        f"update.Wkl({WRITTEN})",
        "article.update.Wkl of its gradient",
        in_out("Wkl_updated_{a}_{b}"),
        reason="four printed entries misplace a digit: 0.30055, 0.2005849, 0.5005779, 0.9006098",
    ),
    Replay(
        "grad.sigmoid_prime(h2_in)",
        "article.h2_out(1-h2_out) of its h2_out",
        vector("sigma_prime_from_h2_out_{i}"),
        note="the article's sigma' is taken from its 2-3 digit h2_out",
    ),
    Replay(
        DH2,
        "article.dE_dh2_out terms of its factors",
        in_out("dE_dh2_out_term_from_factors_{a}_{b}"),
        reason="only the first printed term of each row is the product written beside it "
        "(-1.4755*0.2040*0.4 = -0.1204, printed -0.2383)",
    ),
    Replay(
        DH2,
        "article.dE_dh2_out sums of its terms",
        vector("dE_dh2_out_sum_of_terms_{i}"),
        reason="-0.2948 - 0.119 - 0.667 = -1.0808, printed -1.0810",
    ),
    Replay(
        DH2,
        "article.dE_dh2_out sums of its products",
        vector("dE_dh2_out_sum_of_products_{i}"),
        reason="the sums of the products the article writes down are not what it prints",
    ),
    Replay(
        f"grad.dE_dWjk({WRITTEN})",
        "article.dE_dWjk of its factors",
        in_out("dE_dWjk_from_factors_{a}_{b}"),
        note="its dE/dh2_out * its sigma' * h1_out: as printed",
    ),
    Replay(
        f"update.Wjk({WRITTEN})",
        "article.update.Wjk of its gradient",
        in_out("Wjk_updated_{a}_{b}"),
        reason="0.8 + 0.01*0.03813 = 0.8003813, printed 0.803813",
    ),
    Replay(
        f"grad.dE_dh1_out({WRITTEN})",
        "article.dE_dh1_out of its factors",
        vector("dE_dh1_out_from_factors_{i}"),
        note="its dE/dh2_out * its sigma' * the diagonal weight Wjk[j][j]: as printed",
    ),
    Replay(
        f"grad.dE_dWij({WRITTEN})",
        "article.dE_dWij of its dE_dh1_out",
        in_out("dE_dWij_from_factors_{a}_{b}"),
        note="its dE/dh1_out * relu' * x: as printed",
    ),
    Replay(
        f"update.Wij({WRITTEN})",
        "article.update.Wij of its gradient",
        in_out("Wij_updated_{a}_{b}"),
        note="as printed (its substitution line's -0.0007245 is a typo for -0.007245)",
    ),
]
"""The article's own arithmetic on its printed numbers, in the order of the table."""


def replay() -> list[tuple[str, Quantity]]:
    """Each replay, checked from the file, paired with the quantity it follows in the table;
    ``computed`` is the replay, ``printed`` what the article printed next."""
    checked = Checked.shipped("prakash_333_replay")
    return [
        (r.after, checked.quantity(r.name, r.keys, reason=r.reason, note=r.note, printed=r.printed))
        for r in REPLAYS
    ]
