"""Seed 001, Prakash Jay: a 3-3-3 ReLU / sigmoid / softmax network, one step of backpropagation.

The article's network, in row-vector form (``W[a][b]`` joins unit a of the lower layer
to unit b of the upper one): ``h1 = relu(x Wij + bj)``, ``h2 = sigmoid(h1 Wjk + bk)``,
``O = softmax(h2 Wkl + bl)``, with x = [0.1, 0.2, 0.7], target [1, 0, 0], every bias
1.0, learning rate 0.01 and one example. The biases are used in the forward pass but
the article "eliminated bias when differentiating": here they are frozen as well,
their gradients shown but never applied (the optimizer is given the weights only).

The article writes its loss as a sum of per-class binary cross-entropies of the
softmax outputs, ``E = -sum_i [y_i ln O_i + (1 - y_i) ln(1 - O_i)]``; the example runs
that loss and the usual categorical cross-entropy ``-ln O_1`` (whose gradient with
respect to O_in is ``O - y``), each with exact forward values, every gradient, and the
updated weights.

What the article gets wrong (``prakash_333_article`` replays its own arithmetic, so
the table shows where each error enters): h2_in has a slip (4.001 for 4.004) and
h2_out is cut to 2-3 digits; the printed softmax output [0.2698, 0.3223, 0.4078] is
not the softmax of anything shown (exactly [0.198446894233, 0.285355530425,
0.516197575342]); the loss terms are -log10 of those outputs and do not add up to the
printed 0.985; dE/dO has a sign error on the (1 - y) term; only the diagonal of the
softmax Jacobian is used, its third value wrong; dWkl's column 2 uses -0.301 instead
of -1.4755; dE/dh2_out's printed terms are not its own products; dE/dh1_out uses only
the diagonal weight Wjk[j][j]; and four updated Wkl entries and one Wjk entry
misplace a digit. As a result the printed gradients have the wrong sign for Wkl's
columns 2-3 and for every entry of Wjk and Wij: those weights move the wrong way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from autograd_lite import ArgumentError, Value, dot, explain, grad, local_grads, softmax
from nn import MLP, SGD, Layer, binary_cross_entropy, cross_entropy

from .prakash_333_article import (
    BJ,
    BK,
    BL,
    INPUT,
    LEARNING_RATE,
    NOTES,
    PRINTED,
    REASONS,
    TARGET,
    WIJ,
    WJK,
    WKL,
    WRITTEN,
    number,
    replay,
)
from .report import ExampleResult, Quantity

TITLE = "Seed 001, Prakash Jay: a 3-3-3 ReLU/sigmoid/softmax network, two cross-entropies"
SOURCE = (
    "Prakash Jay, 'Back-Propagation is very simple. Who made it Complicated?', Medium "
    "(Becoming Human), 2017"
)

CATEGORICAL = "categorical"
LAYERS = (("i", "j"), ("j", "k"), ("k", "l"))
"""Each layer's lower and upper unit letters, as the article names weights (W_{i1j1})."""


@dataclass
class Pass:
    """The network's forward pass under one loss, every node named; gradients after ``backward()``.

    Under categorical cross-entropy the loss reads ``o_in`` (through ``log_softmax``), so
    ``o_out`` is computed for display but is not part of the loss's graph.
    """

    model: MLP
    inputs: list[Value]
    h1_in: list[Value]
    h1_out: list[Value]
    h2_in: list[Value]
    h2_out: list[Value]
    o_in: list[Value]
    o_out: list[Value]
    loss: Value


def network() -> MLP:
    """The article's network with its weights; parameters labelled as it names them."""
    model = MLP.from_weights(
        [WIJ, WJK, WKL], [BJ, BK, BL], ["relu", "sigmoid", "softmax"], layout="in_out"
    )
    for layer, (lower, upper) in zip(model.layers, LAYERS):
        for b, neuron in enumerate(layer.neurons, 1):
            for a, w in enumerate(neuron.w, 1):
                w.named(f"W{lower}{a}{upper}{b}")
            neuron.b.named(f"b{upper}{b}")
    return model


def _sums(layer: Layer, xs: list[Value], name: str) -> list[Value]:
    return [dot(n.w, xs, n.b).named(f"{name}{b}") for b, n in enumerate(layer.neurons, 1)]


def forward(model: MLP, loss: str) -> Pass:
    """The model's forward pass with every intermediate named (h1_in1, ..., O_out3, E).

    Each layer is the model's own sum ``dot(w, x, b)`` and activation, so the outputs are
    bit for bit ``model(INPUT)``; only the names are added, for the trace and the graph.
    """
    xs = [Value(v, f"i{a}") for a, v in enumerate(INPUT, 1)]
    h1_in = _sums(model.layers[0], xs, "h1_in")
    h1_out = [h.relu().named(f"h1_out{b}") for b, h in enumerate(h1_in, 1)]
    h2_in = _sums(model.layers[1], h1_out, "h2_in")
    h2_out = [h.sigmoid().named(f"h2_out{b}") for b, h in enumerate(h2_in, 1)]
    o_in = _sums(model.layers[2], h2_out, "O_in")
    o_out = [o.named(f"O_out{b}") for b, o in enumerate(softmax(o_in), 1)]
    if loss == WRITTEN:
        e = binary_cross_entropy(o_out, list(TARGET), reduction="sum")
    elif loss == CATEGORICAL:
        e = cross_entropy(o_in, list(TARGET))
    else:
        raise ArgumentError(f"loss must be {WRITTEN!r} or {CATEGORICAL!r}, got {loss!r}")
    return Pass(model, xs, h1_in, h1_out, h2_in, h2_out, o_in, o_out, e.named("E"))


def weights_only(model: MLP) -> list[Value]:
    """The weights without the biases: what the article differentiates and updates."""
    return [p for name, p in model.named_parameters() if ".w." in name]


def step(model: MLP) -> tuple[list[list[list[float]]], list[list[float]]]:
    """The article's update, once ``backward()`` has run: one SGD step on the weights only.

    Returns the weights (in the article's orientation) and the biases after it. The
    model's graphs are stale from then on: trace them before the step.
    """
    SGD(weights_only(model), lr=LEARNING_RATE).step()
    return model.weights("in_out"), model.biases()


def one_step(loss: str) -> tuple[list[list[list[float]]], list[list[float]]]:
    """Weights (in the article's orientation) and biases after one SGD step from the article's."""
    model = network()
    forward(model, loss).loss.backward()
    return step(model)


def _data(xs: list[Value]) -> list[float]:
    return [x.data for x in xs]


def _grads(xs: list[Value]) -> list[float]:
    return [float(x.grad) for x in xs]


def _bias_grads(model: MLP) -> list[list[float]]:
    """[dE/dbl, dE/dbk, dE/dbj]: the output layer's first, as the article goes backwards."""
    return model.biases(grad=True)[::-1]


def _signs_agree(printed: list[list[str]], exact: list[list[float]]) -> list[list[bool]]:
    return [
        [(number(p) > 0) == (e > 0) for p, e in zip(row, xs)] for row, xs in zip(printed, exact)
    ]


def _quantity(name: str, computed: object, note: str = "") -> Quantity:
    """A quantity with the article's printed digits and, where it is wrong, the reason."""
    return Quantity(
        name,
        computed,
        PRINTED.get(name),
        reason=REASONS.get(name, ""),
        note=note or NOTES.get(name, ""),
    )


def _interleave(quantities: list[Quantity], replays: list[tuple[str, Quantity]]) -> list[Quantity]:
    """Each replay of the article's arithmetic right after the quantity it explains."""
    out = []
    for q in quantities:
        out.append(q)
        out.extend(r for after, r in replays if after == q.name)
    return out


def run() -> ExampleResult:
    model = network()
    w = forward(model, WRITTEN)
    jacobian = [[float(g) for g in grad(o, w.o_in)] for o in w.o_out]  # before backward()
    w.loss.backward()
    trace = explain(w.loss)  # before the step below moves the weights
    gw = w.model.weights("in_out", grad=True)
    new_w, _ = step(w.model)

    c = forward(network(), CATEGORICAL)
    c.loss.backward()
    gc = c.model.weights("in_out", grad=True)
    new_c, _ = step(c.model)
    q = _quantity
    s = f"({WRITTEN})"
    quantities = [
        q("forward.h1_in", _data(w.h1_in)),
        q("forward.h1_out(relu)", _data(w.h1_out)),
        q("forward.h2_in", _data(w.h2_in)),
        q("forward.h2_out(sigmoid)", _data(w.h2_out)),
        q("forward.O_in", _data(w.o_in)),
        q("forward.O_out(softmax)", _data(w.o_out)),
        q("loss.sum_binary_ce_ln(exact forward)", w.loss.data),
        q(
            "loss.sum_binary_ce_log10(exact forward)",
            w.loss.data / math.log(10.0),
            note="the article's log10 applied to the exact outputs",
        ),
        q("loss.categorical_ce_ln(exact forward)", c.loss.data, note="-ln O_out1"),
        q(f"grad.dE_dO_out{s}", _grads(w.o_out), note="-y/O + (1-y)/(1-O)"),
        q("grad.dO_i/dO_in_i(diagonal only)", [jacobian[i][i] for i in range(3)]),
        q(
            "grad.softmax Jacobian dO_out_a/dO_in_b",
            jacobian,
            note="O_a(1-O_a) on the diagonal, -O_a*O_b off it (which the article drops)",
        ),
        q(f"grad.dE_dO_in({WRITTEN}, full Jacobian)", _grads(w.o_in)),
        q(f"grad.dE_dWkl{s}", gw[2]),
        q(f"update.Wkl{s}", new_w[2]),
        q("grad.sigmoid_prime(h2_in)", [local_grads(h)[0] for h in w.h2_out]),
        q(f"grad.dE_dh2_out{s}", _grads(w.h2_out)),
        q(f"grad.dE_dh2_in{s}", _grads(w.h2_in)),
        q(f"grad.dE_dWjk{s}", gw[1]),
        q(f"update.Wjk{s}", new_w[1]),
        q("grad.relu_prime(h1_in)", [local_grads(h)[0] for h in w.h1_out]),
        q(f"grad.dE_dh1_out{s}", _grads(w.h1_out)),
        q(f"grad.dE_dWij{s}", gw[0]),
        q(f"update.Wij{s}", new_w[0]),
        q(
            f"grad.bias{s} dE_dbl,dE_dbk,dE_dbj",
            _bias_grads(w.model),
            note="computed, not applied: the biases are frozen",
        ),
        q("categorical.loss", c.loss.data),
        q("categorical.dE_dO_in(=O-y)", _grads(c.o_in)),
        q("categorical.dE_dh2_out", _grads(c.h2_out)),
        q("categorical.dE_dh2_in", _grads(c.h2_in)),
        q("categorical.dE_dh1_out", _grads(c.h1_out)),
        q("categorical.dE_dWkl", gc[2]),
        q("categorical.dE_dWjk", gc[1]),
        q("categorical.dE_dWij", gc[0]),
        q("categorical.bias_grads[l,k,j]", _bias_grads(c.model), note="computed, not applied"),
        q("categorical.update.Wkl", new_c[2]),
        q("categorical.update.Wjk", new_c[1]),
        q("categorical.update.Wij", new_c[0]),
    ]

    layers = {"Wij": 0, "Wjk": 1, "Wkl": 2}
    signs = {
        name: _signs_agree(PRINTED[f"grad.dE_d{name}{s}"], gw[i]) for name, i in layers.items()
    }
    wrong = sum(not ok for matrix in signs.values() for row in matrix for ok in row)
    same_pattern = all(
        (a > 0) == (b > 0)
        for i in layers.values()
        for ra, rb in zip(gw[i], gc[i])
        for a, b in zip(ra, rb)
    )
    notes = [
        (
            "The biases enter the forward pass but are frozen: their gradients are shown, not "
            "applied (the optimizer is given the 27 weights only)."
        ),
        (
            f"{wrong} of the article's 27 weight gradients have the wrong sign, so those "
            "weights move the wrong way; categorical cross-entropy's exact gradients have "
            f"{'the same' if same_pattern else 'a different'} sign pattern as the written loss's."
        ),
    ]
    return ExampleResult(
        name="prakash-333",
        title=TITLE,
        source=SOURCE,
        quantities=_interleave(quantities, replay()),
        root=w.loss,
        trace=trace,
        notes=notes,
        extra={
            "written": w,
            "categorical": c,
            "softmax_jacobian": jacobian,
            "printed_gradient_sign_is_right": signs,
        },
    )
