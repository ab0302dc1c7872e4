"""What Prakash Jay's article (seed 001) gives and prints, why each wrong number is wrong,
and the article's own arithmetic replayed from its printed numbers.

The digits are those of the author's notebook ``Backpropogation_with_Images.ipynb``
(github.com/Prakashvanapalli/TensorFlow), the source of the Medium article, whose
equations are images. Replaying the article's arithmetic from what it printed shows
where each error enters: a replay that agrees with the next printed number means the
step itself was done as written; one that disagrees pins the slip to that step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd_lite import softmax

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

PRINTED: dict[str, object] = {
    "forward.h1_in": ["1.35", "1.27", "1.8"],
    "forward.h1_out(relu)": ["1.35", "1.27", "1.8"],
    "forward.h2_in": ["2.73", "2.76", "4.001"],
    "forward.h2_out(sigmoid)": ["0.938", "0.94", "0.98"],
    "forward.O_in": ["1.8658", "2.2292", "2.8204"],
    "forward.O_out(softmax)": ["0.2698", "0.3223", "0.4078"],
    "loss.sum_binary_ce_ln(exact forward)": "0.985",
    f"grad.dE_dO_out({WRITTEN})": ["-3.70644", "-1.4755", "-1.6886"],
    "grad.dO_i/dO_in_i(diagonal only)": ["0.15911", "0.2040", "0.3685"],
    f"grad.dE_dWkl({WRITTEN})": [
        ["-0.5531", "-0.0576", "-0.5836"],
        ["-0.554347", "-0.0577", "-0.5849"],
        ["-0.577937", "-0.06017", "-0.6098"],
    ],
    f"update.Wkl({WRITTEN})": [
        ["0.105531", "0.400576", "0.805836"],
        ["0.30055", "0.700577", "0.2005849"],
        ["0.5005779", "0.2006017", "0.9006098"],
    ],
    "grad.sigmoid_prime(h2_in)": ["0.058156", "0.0564", "0.0196"],
    f"grad.dE_dh2_out({WRITTEN})": ["-0.8903", "-0.74218", "-1.0810"],
    f"grad.dE_dWjk({WRITTEN})": [
        ["-0.06989", "-0.0565", "-0.0286"],
        ["-0.06575", "-0.05316", "-0.0269"],
        ["-0.0932", "-0.0753", "-0.03813"],
    ],
    f"update.Wjk({WRITTEN})": [
        ["0.2006989", "0.300565", "0.500286"],
        ["0.3006575", "0.5005316", "0.700269"],
        ["0.600932", "0.400753", "0.803813"],
    ],
    "grad.relu_prime(h1_in)": ["1.0", "1.0", "1.0"],
    f"grad.dE_dh1_out({WRITTEN})": ["-0.01035", "-0.0209", "-0.0169"],
    f"grad.dE_dWij({WRITTEN})": [
        ["-0.001035", "-0.00209", "-0.00169"],
        ["-0.00207", "-0.00418", "-0.00338"],
        ["-0.007245", "-0.01463", "-0.01183"],
    ],
    f"update.Wij({WRITTEN})": [
        ["0.10001035", "0.2000209", "0.3000169"],
        ["0.3000207", "0.2000418", "0.7000338"],
        ["0.40007245", "0.3001463", "0.9001183"],
    ],
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

DWKL_COLUMN_2_FACTOR = "-0.301"
"""What the article's dWkl substitution uses for dE2/dO_out2 in place of its own -1.4755."""

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
    "grad.relu_prime(h1_in)": "every h1_in is positive",
}


def number(printed: str) -> float:
    """A printed number as the article wrote it, for replaying its arithmetic."""
    return float(printed)


def numbers(printed: Sequence) -> list:
    """Printed numbers (a vector or a matrix of strings) as floats, same shape."""
    return [number(p) if isinstance(p, str) else numbers(p) for p in printed]


def replay() -> list[tuple[str, Quantity]]:
    """The article's own arithmetic on its printed numbers, each paired with the quantity it
    follows in the table; ``computed`` is the replay, ``printed`` what the article printed next.
    """
    p = {name: numbers(value) for name, value in PRINTED.items() if not isinstance(value, str)}
    h1 = p["forward.h1_out(relu)"]
    h2 = p["forward.h2_out(sigmoid)"]
    outputs = p["forward.O_out(softmax)"]
    d_out = p[f"grad.dE_dO_out({WRITTEN})"]
    diagonal = p["grad.dO_i/dO_in_i(diagonal only)"]
    sigma_prime = p["grad.sigmoid_prime(h2_in)"]
    dh2 = p[f"grad.dE_dh2_out({WRITTEN})"]
    dh1 = p[f"grad.dE_dh1_out({WRITTEN})"]
    y = TARGET
    q = Quantity
    rows = range(3)

    o_in = [math.fsum([*(h2[a] * WKL[a][b] for a in rows), BL[b]]) for b in rows]
    log10_terms = [-math.log10(o) if t == 1.0 else -math.log10(1.0 - o) for o, t in zip(outputs, y)]
    ln_terms = [-math.log(o) if t == 1.0 else -math.log(1.0 - o) for o, t in zip(outputs, y)]
    # dWkl as the article multiplies it: its dE/dO, its diagonal, printed h2_out; -0.301 in column 2
    upstream = [d_out[0], number(DWKL_COLUMN_2_FACTOR), d_out[2]]
    d_wkl = [[upstream[b] * diagonal[b] * h2[a] for b in rows] for a in rows]
    dh2_terms = [[d_out[b] * diagonal[b] * WKL[a][b] for b in rows] for a in rows]
    printed_dh2_terms = numbers(PRINTED_DH2_OUT_TERMS)

    def updated(weights: Sequence[Sequence[float]], name: str) -> list[list[float]]:
        gradient = p[f"grad.dE_d{name}({WRITTEN})"]
        return [[weights[a][b] - LEARNING_RATE * gradient[a][b] for b in rows] for a in rows]

    return [
        (
            "forward.O_in",
            q(
                "article.O_in of its h2_out [0.938,0.94,0.98]",
                o_in,
                PRINTED["forward.O_in"],
                note="the O_in error enters with h2_out cut to 2-3 digits",
            ),
        ),
        (
            "forward.O_out(softmax)",
            q(
                "article.softmax of its printed O_in",
                [o.data for o in softmax(o_in)],
                PRINTED["forward.O_out(softmax)"],
                reason="the printed outputs are not the softmax of the article's own O_in either",
            ),
        ),
        (
            "loss.sum_binary_ce_ln(exact forward)",
            q(
                "article.-log10 terms of its outputs",
                log10_terms,
                PRINTED_LOSS_TERMS,
                reason="its terms are -log10 of its outputs, with 0.568958 printed as 0.569858 "
                "and 0.168963 as 0.16886",
            ),
        ),
        (
            "loss.sum_binary_ce_ln(exact forward)",
            q(
                "article.sum of its printed loss terms",
                math.fsum(numbers(PRINTED_LOSS_TERMS)),
                PRINTED["loss.sum_binary_ce_ln(exact forward)"],
                reason="0.569858 + 0.16886 + 0.22753 = 0.966248, not 0.985",
            ),
        ),
        (
            "loss.sum_binary_ce_ln(exact forward)",
            q(
                "article.ln loss of its outputs",
                math.fsum(ln_terms),
                note="the written formula (natural log) on the article's printed outputs",
            ),
        ),
        (
            f"grad.dE_dO_out({WRITTEN})",
            q(
                "article.-(y/O+(1-y)/(1-O)) at its outputs",
                [-(t / o + (1.0 - t) / (1.0 - o)) for o, t in zip(outputs, y)],
                PRINTED[f"grad.dE_dO_out({WRITTEN})"],
                note="its printed dE/dO is its sign-flipped formula at its printed outputs",
            ),
        ),
        (
            f"grad.dE_dO_out({WRITTEN})",
            q(
                "article.-y/O+(1-y)/(1-O) at its outputs",
                [-t / o + (1.0 - t) / (1.0 - o) for o, t in zip(outputs, y)],
                note="the right formula at the article's outputs: terms 2-3 are positive",
            ),
        ),
        (
            "grad.dO_i/dO_in_i(diagonal only)",
            q(
                "article.O(1-O) at its outputs",
                [o * (1.0 - o) for o in outputs],
                PRINTED["grad.dO_i/dO_in_i(diagonal only)"],
                reason="the printed diagonal is not O(1-O) of the article's own outputs either",
            ),
        ),
        (
            f"grad.dE_dWkl({WRITTEN})",
            q(
                "article.dE_dWkl of its factors",
                d_wkl,
                PRINTED[f"grad.dE_dWkl({WRITTEN})"],
                note="its dE/dO * its diagonal * h2_out, column 2 with -0.301: as printed",
            ),
        ),
        (
            f"update.Wkl({WRITTEN})",
            q(
                "article.update.Wkl of its gradient",
                updated(WKL, "Wkl"),
                PRINTED[f"update.Wkl({WRITTEN})"],
                reason="four printed entries misplace a digit: 0.30055, 0.2005849, 0.5005779, "
                "0.9006098",
            ),
        ),
        (
            "grad.sigmoid_prime(h2_in)",
            q(
                "article.h2_out(1-h2_out) of its h2_out",
                [h * (1.0 - h) for h in h2],
                PRINTED["grad.sigmoid_prime(h2_in)"],
                note="the article's sigma' is taken from its 2-3 digit h2_out",
            ),
        ),
        (
            f"grad.dE_dh2_out({WRITTEN})",
            q(
                "article.dE_dh2_out terms of its factors",
                dh2_terms,
                PRINTED_DH2_OUT_TERMS,
                reason="only the first printed term of each row is the product written beside "
                "it (-1.4755*0.2040*0.4 = -0.1204, printed -0.2383)",
            ),
        ),
        (
            f"grad.dE_dh2_out({WRITTEN})",
            q(
                "article.dE_dh2_out sums of its terms",
                [math.fsum(row) for row in printed_dh2_terms],
                PRINTED[f"grad.dE_dh2_out({WRITTEN})"],
                reason="-0.2948 - 0.119 - 0.667 = -1.0808, printed -1.0810",
            ),
        ),
        (
            f"grad.dE_dh2_out({WRITTEN})",
            q(
                "article.dE_dh2_out sums of its products",
                [math.fsum(row) for row in dh2_terms],
                PRINTED[f"grad.dE_dh2_out({WRITTEN})"],
                reason="the sums of the products the article writes down are not what it prints",
            ),
        ),
        (
            f"grad.dE_dWjk({WRITTEN})",
            q(
                "article.dE_dWjk of its factors",
                [[dh2[b] * sigma_prime[b] * h1[a] for b in rows] for a in rows],
                PRINTED[f"grad.dE_dWjk({WRITTEN})"],
                note="its dE/dh2_out * its sigma' * h1_out: as printed",
            ),
        ),
        (
            f"update.Wjk({WRITTEN})",
            q(
                "article.update.Wjk of its gradient",
                updated(WJK, "Wjk"),
                PRINTED[f"update.Wjk({WRITTEN})"],
                reason="0.8 + 0.01*0.03813 = 0.8003813, printed 0.803813",
            ),
        ),
        (
            f"grad.dE_dh1_out({WRITTEN})",
            q(
                "article.dE_dh1_out of its factors",
                [dh2[j] * sigma_prime[j] * WJK[j][j] for j in rows],
                PRINTED[f"grad.dE_dh1_out({WRITTEN})"],
                note="its dE/dh2_out * its sigma' * the diagonal weight Wjk[j][j]: as printed",
            ),
        ),
        (
            f"grad.dE_dWij({WRITTEN})",
            q(
                "article.dE_dWij of its dE_dh1_out",
                [[dh1[b] * 1.0 * INPUT[a] for b in rows] for a in rows],
                PRINTED[f"grad.dE_dWij({WRITTEN})"],
                note="its dE/dh1_out * relu' * x: as printed",
            ),
        ),
        (
            f"update.Wij({WRITTEN})",
            q(
                "article.update.Wij of its gradient",
                updated(WIJ, "Wij"),
                PRINTED[f"update.Wij({WRITTEN})"],
                note="as printed (its substitution line's -0.0007245 is a typo for -0.007245)",
            ),
        ),
    ]
