"""Seed 002's single sigmoid neuron: forward, gradients, one update, the second forward pass.

Ahmed Gad's article moves W1 and W2 by gradient descent but, believing ds/db = 0,
moves the bias by the perceptron rule ``W(n+1) = W(n) + eta (d - Y) X``. The whole
computation, with every number the article prints, is the checker file
``files/gad_neuron.toml``; this module names its rows for the catalogue's table. Both
bias updates stand side by side, and the second forward pass is run both ways: as the
article does (its printed, rounded weights with the perceptron bias) and as plain
gradient descent does.
"""

from __future__ import annotations

from functools import partial

from autograd_lite import explain
from autograd_lite.demo import gad_neuron

from ._checked import Checked, file_note
from .report import ExampleResult, Quantity

TITLE = "Seed 002, Ahmed Gad: one sigmoid neuron, its gradients and one update"
SOURCE = "A. Gad, 'A Comprehensive Guide to the Backpropagation Algorithm in Neural Networks', neptune.ai"

ROWS = [
    ("forward.s", "s"),
    ("forward.exp(-s)", "exp_minus_s"),
    ("forward.1+exp(-s)", "one_plus_exp_minus_s"),
    ("forward.predicted", "predicted"),
    ("loss.E", "E"),
    ("grad.dE_dpredicted", "dE/dpredicted"),
    ("grad.1-predicted", "one_minus_predicted"),
    ("grad.dpredicted_ds", "dpredicted/ds"),
    ("grad.ds_dW1", "ds/dW1"),
    ("grad.ds_dW2", "ds/dW2"),
    ("grad.ds_db", "ds/db"),
    ("grad.dE_dW1", "dE/dW1"),
    ("grad.dE_dW2", "dE/dW2"),
    ("perceptron.d-Y", "d_minus_Y"),
    ("perceptron.eta*(d-Y)", "eta_d_minus_Y"),
    ("perceptron.increments[b,W1,W2]", ["increment_b", "increment_W1", "increment_W2"]),
    ("perceptron.b_new", "b_perceptron"),
    ("perceptron.W1_new", "W1_perceptron"),
    ("perceptron.W2_new", "W2_perceptron"),
    ("perceptron.table_W1new_W2new_bnew", ["table_W1new", "table_W2new", "table_bnew"]),
    ("update.W1_new", "W1@1"),
    ("update.W2_new", "W2@1"),
    ("update.b_new_article(perceptron)", "b_perceptron"),
    ("update.b_new_article_vs_gradient_descent", "b@1"),
    ("forward2_article_mix.s", "s2"),
    ("forward2_article_mix.predicted", "predicted2"),
    ("forward2_article_mix.E", "E2"),
    ("forward2_article_mix.reduction", "reduction"),
    ("warmup.N2=0.5*4+1", "N2"),
    ("warmup.params_10x6+6", "parameters_10x6"),
]
"""The catalogue's row -> the file's printed key(s), in the article's order."""
# A row that mismatches without a reason below takes the mistake models' findings.

REASONS = {
    "grad.ds_db": "the article says s does not change with b (ds/db = 0); b enters s with "
    "coefficient 1",
    "perceptron.table_W1new_W2new_bnew": "the table swaps W1new and W2new (its bracketed "
    "vector [b, W1, W2] is right)",
}
NOTES = {
    "loss.E": "also printed as ~0.357",
    "forward2_article_mix.s": "from the printed, rounded weights and the perceptron bias",
    "forward2_article_mix.reduction": "subtracted from the rounded 0.356465271, as the article does",
}


def run() -> ExampleResult:
    checked = Checked.shipped("gad_neuron")
    rows = [
        checked.quantity(name, keys, reason=REASONS.get(name, ""), note=NOTES.get(name, ""))
        for name, keys in ROWS
    ]
    b, b_gd, b_perceptron = (checked.value(k) for k in ("b", "b@1", "b_perceptron"))
    # the article's mix without rounding: gradient-descent weights, the perceptron bias
    mix = checked.at(
        W1_printed=checked.value("W1@1"), W2_printed=checked.value("W2@1"), b_printed=b_perceptron
    )
    s, p, e = mix.values(["s2", "predicted2", "E2"])
    e_gd = checked.value("E@1")
    computed = partial(checked.quantity, printed=False)
    after = {
        "grad.dE_dW2": [computed("grad.dE_db", "dE/db", note="never computed by the article")],
        "update.b_new_article(perceptron)": [
            computed("update.b_new_if_gradient_descent", "b@1", note="what autodiff and SGD give")
        ],
        "forward2_article_mix.reduction": [
            Quantity(
                "forward2_unrounded_mix.E",
                e,
                note=f"the same mix without rounding: s = {s:.12g}, predicted = {p:.12g}",
            ),
            computed("forward2_pure_gd.b", "b@1"),
            computed("forward2_pure_gd.s", "s@1"),
            computed("forward2_pure_gd.predicted", "predicted@1"),
            computed(
                "forward2_pure_gd.E",
                "E@1",
                note=f"{'lower' if e_gd < e else 'higher'} than the article's mix: the "
                f"perceptron rule moves b by {b_perceptron - b:.4g}, gradient descent by "
                f"{b_gd - b:.4g}",
            ),
        ],
    }
    quantities = [q for row in rows for q in (row, *after.get(row.name, ()))]
    neuron = gad_neuron()  # the article's graph, s one weighted-sum node, for the trace
    neuron.E.backward()
    return ExampleResult(
        name="gad-neuron",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=neuron.E,
        trace=explain(neuron.E),
        notes=[
            (
                "The article's bias update is the perceptron rule; gradient descent moves b "
                f"to {b_gd:.12g} instead of 1.821556479."
            ),
            file_note("gad_neuron"),
        ],
        extra={"neuron": neuron, "file": checked.computation},
    )
