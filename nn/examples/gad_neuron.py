"""Seed 002's single sigmoid neuron: forward, gradients, one update, the second forward pass.

Ahmed Gad's article moves W1 and W2 by gradient descent but, believing ds/db = 0,
moves the bias by the perceptron rule ``W(n+1) = W(n) + eta (d - Y) X``. Here both
bias updates stand side by side, and the second forward pass is run both ways:
as the article does (its printed, rounded weights with the perceptron bias) and
as plain gradient descent does.
"""

from __future__ import annotations

from autograd_lite import Value, dot, explain
from autograd_lite.demo import LEARNING_RATE, gad_neuron

from .report import ExampleResult, Quantity

TITLE = "Seed 002, Ahmed Gad: one sigmoid neuron, its gradients and one update"
SOURCE = "A. Gad, 'A Comprehensive Guide to the Backpropagation Algorithm in Neural Networks', neptune.ai"


def _forward(w1: float, w2: float, b: float) -> tuple[float, float, float]:
    """s, predicted and E of the neuron at these parameters (a fresh graph)."""
    s = dot([w1, w2], [0.1, 0.3], b)
    predicted = s.sigmoid()
    return s.data, predicted.data, (0.5 * (0.03 - predicted) ** 2).data


def run() -> ExampleResult:
    n = gad_neuron()
    n.E.backward()
    lr = LEARNING_RATE
    exp_minus_s = (-n.s).exp().data
    d_minus_y = n.desired.data - n.predicted.data

    # ds/d parameter: the table's local derivatives of the dot node, read by the tracer
    trace = explain(n.E)
    local = {c.parent_name: c.local for step in trace.backward for c in step.contributions}

    # the perceptron rule, applied to [b, W1, W2] with X = [+1, X1, X2]
    increments = [lr * d_minus_y * x for x in (1.0, n.X1.data, n.X2.data)]
    b_perceptron, w1_perceptron, w2_perceptron = (
        p + inc for p, inc in zip((n.b.data, n.W1.data, n.W2.data), increments)
    )
    w1_new = n.W1.data - lr * n.W1.grad
    w2_new = n.W2.data - lr * n.W2.grad
    b_gd = n.b.data - lr * n.b.grad

    # second forward pass as printed: from the article's rounded weights and perceptron bias
    s2, p2, e2 = _forward(0.49990723907, 0.1997217172, 1.821556479)
    # ... and from unrounded values, and by plain gradient descent
    s2_exact, p2_exact, e2_exact = _forward(w1_new, w2_new, b_perceptron)
    s2_gd, p2_gd, e2_gd = _forward(w1_new, w2_new, b_gd)

    q = Quantity
    quantities = [
        q("forward.s", n.s.data, "1.94"),
        q("forward.exp(-s)", exp_minus_s, "0.143703949"),
        q("forward.1+exp(-s)", 1 + exp_minus_s, "1.143703949"),
        q("forward.predicted", n.predicted.data, "0.874352143"),
        q("loss.E", n.E.data, "0.356465271", note="also printed as ~0.357"),
        q("grad.dE_dpredicted", n.predicted.grad, "0.844352143"),
        q("grad.1-predicted", 1 - n.predicted.data, "0.125647857"),
        q("grad.dpredicted_ds", n.s.grad / n.predicted.grad, "0.109860473"),
        q("grad.ds_dW1", local["W1"], "0.1"),
        q("grad.ds_dW2", local["W2"], "0.3"),
        q(
            "grad.ds_db",
            local["b"],
            "0",
            reason="the article says s does not change with b (ds/db = 0); b enters s with "
            "coefficient 1",
        ),
        q("grad.dE_dW1", n.W1.grad, "0.009276093"),
        q("grad.dE_dW2", n.W2.grad, "0.027828278"),
        q("grad.dE_db", n.b.grad, note="never computed by the article"),
        q("perceptron.d-Y", d_minus_y, "-0.844352143"),
        q("perceptron.eta*(d-Y)", lr * d_minus_y, "-0.00844352143"),
        q(
            "perceptron.increments[b,W1,W2]",
            increments,
            ["-0.008443521", "-0.000844352", "-0.002533056"],
        ),
        q("perceptron.b_new", b_perceptron, "1.821556479"),
        q("perceptron.W1_new", w1_perceptron, "0.499155648"),
        q("perceptron.W2_new", w2_perceptron, "0.197466943"),
        q(
            "perceptron.table_W1new_W2new_bnew",
            [w1_perceptron, w2_perceptron, b_perceptron],
            ["0.197466943", "0.499155648", "1.821556479"],
            reason="the table swaps W1new and W2new (its bracketed vector [b, W1, W2] is right)",
        ),
        q("update.W1_new", w1_new, "0.49990723907"),
        q("update.W2_new", w2_new, "0.1997217172"),
        q("update.b_new_article(perceptron)", b_perceptron, "1.821556479"),
        q("update.b_new_if_gradient_descent", b_gd, note="what autodiff and SGD give"),
        q(
            "forward2_article_mix.s",
            s2,
            "1.931463718067",
            note="from the printed, rounded weights and the perceptron bias",
        ),
        q("forward2_article_mix.predicted", p2, "0.873411342830056"),
        q("forward2_article_mix.E", e2, "0.35567134660719907"),
        q(
            "forward2_article_mix.reduction",
            0.356465271 - e2,
            "0.0007939243928009043",
            note="subtracted from the rounded 0.356465271, as the article does",
        ),
        q(
            "forward2_unrounded_mix.E",
            e2_exact,
            note=f"the same mix without rounding: s = {s2_exact:.12g}, predicted = {p2_exact:.12g}",
        ),
        q("forward2_pure_gd.b", b_gd),
        q("forward2_pure_gd.s", s2_gd),
        q("forward2_pure_gd.predicted", p2_gd),
        q(
            "forward2_pure_gd.E",
            e2_gd,
            note=f"{'lower' if e2_gd < e2_exact else 'higher'} than the article's mix: the "
            f"perceptron rule moves b by {b_perceptron - n.b.data:.4g}, gradient descent by "
            f"{b_gd - n.b.data:.4g}",
        ),
        q("warmup.N2=0.5*4+1", (Value(0.5) * 4 + 1).data, "3"),
        q("warmup.params_10x6+6", 10 * 6 + 6, "66"),
    ]
    return ExampleResult(
        name="gad-neuron",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=n.E,
        trace=trace,
        notes=[
            (
                "The article's bias update is the perceptron rule; gradient descent moves b "
                f"to {b_gd:.12g} instead of 1.821556479."
            ),
        ],
        extra={"neuron": n},
    )
