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

Every number of the table is the example checker's: the network, both losses, the step
and the article's printed digits are ``files/prakash_333.toml`` (the article's own
arithmetic on its printed numbers, ``files/prakash_333_replay.toml``). The graph traced is
the same network built with ``nn``, every node named as the article names it.

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

from autograd_lite import ArgumentError, Value, dot, explain, softmax
from nn import MLP, SGD, Layer, binary_cross_entropy, cross_entropy

from ._checked import Checked, file_note
from .prakash_333_article import (
    BJ,
    BK,
    BL,
    CATEGORICAL_ROWS,
    INPUT,
    LEARNING_RATE,
    NETWORK,
    NETWORK_FILE,
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


def _signs_agree(printed: list[list[str]], exact: list[list[float]]) -> list[list[bool]]:
    return [
        [(number(p) > 0) == (e > 0) for p, e in zip(row, xs)] for row, xs in zip(printed, exact)
    ]


def _interleave(quantities: list[Quantity], replays: list[tuple[str, Quantity]]) -> list[Quantity]:
    """Each replay of the article's arithmetic right after the quantity it explains."""
    out = []
    for q in quantities:
        out.append(q)
        out.extend(r for after, r in replays if after == q.name)
    return out


def _row(checked: Checked, name: str, keys: object) -> Quantity:
    reason, note, printed = REASONS.get(name, ""), NOTES.get(name, ""), name in PRINTED
    return checked.quantity(name, keys, reason=reason, note=note, printed=printed)


def run() -> ExampleResult:
    model = network()  # the article's network in nn, every node named: the graph traced
    w = forward(model, WRITTEN)
    w.loss.backward()
    trace = explain(w.loss)
    c = forward(network(), CATEGORICAL)
    c.loss.backward()

    checked = NETWORK_FILE  # every row's numbers: the checker's, from the file
    categorical = checked.training_on("CE")
    quantities = [_row(checked, name, keys) for name, keys in NETWORK.items()]
    log10 = Quantity(
        "loss.sum_binary_ce_log10(exact forward)",
        checked.value("E") / math.log(10.0),
        note="the article's log10 applied to the exact outputs",
    )
    quantities.insert(7, log10)
    quantities += [_row(categorical, name, keys) for name, keys in CATEGORICAL_ROWS.items()]
    rows = {q.name: q.computed for q in quantities}
    jacobian = rows["grad.softmax Jacobian dO_out_a/dO_in_b"]
    s = f"({WRITTEN})"
    gw = [rows[f"grad.dE_d{name}{s}"] for name in ("Wij", "Wjk", "Wkl")]
    gc = [rows[f"categorical.dE_d{name}"] for name in ("Wij", "Wjk", "Wkl")]

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
        file_note("prakash_333", "prakash_333_replay"),
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
