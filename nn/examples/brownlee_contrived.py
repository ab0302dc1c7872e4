"""Seed 004, Brownlee's tutorial: the 2-2-2 sigmoid network on his contrived data set.

Amy Ma's article (seed 004) explains the code of Jason Brownlee's "How to Code a
Neural Network with Backpropagation In Python (from scratch)". The tutorial builds
a sigmoid network whose neurons keep their bias as the last weight, draws the
weights with ``random()`` after ``random.seed(1)``, and checks it in steps, each
reproduced here:

- the initialisation test (a 2-1-2 network), the forward test on the row [1, 0] and
  the backpropagation test, a fixed computation: the checker file
  ``files/brownlee_contrived.toml``, which says how the test's stored outputs
  (``sigmoid(bias)``, the hidden-to-output term missing: a bug fixed in Nov 2016) are
  held while its deltas ``dL/dz`` of ``L = 1/2 sum (o - e)^2`` are taken. Since Oct
  2021 the tutorial prints them with ``error = output - expected`` (this sign);
  before, with ``expected - output`` (the negation), with the same weights either way;
- 20 epochs of per-row SGD at ``l_rate`` 0.5 on ten rows. The printed epoch
  "error" is the sum over rows of ``sum (e - o)^2``, without the half, each
  measured before its row's update; the final weights, and the outputs and deltas
  the network stores from the last row, printed to 16-17 digits;
- the predictions. The predict section hard-codes a network that is NOT the one
  trained above (it comes from an earlier version of the code: its output weights
  0.7887233511355132 and 0.8357651039198697 are untouched initial values). Both
  classify all ten rows correctly.

The graph traced and drawn is the first training step's loss (epoch 0, row 0),
snapshot before that step's update; the same network then trains on.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import nn
from autograd_lite import Trace

from ._brownlee import (
    Matrix,
    Step,
    initial_weights,
    network,
    one_hot,
    predict,
    traced_sgd_step,
    train_epoch,
)
from ._checked import Checked, file_note
from .checker.evaluate import forward_graph
from .report import ExampleResult, Quantity

TITLE = "Seed 004, Brownlee: the 2-2-2 sigmoid network, its deltas and 20 epochs of SGD"
SOURCE = (
    "J. Brownlee, 'How to Code a Neural Network with Backpropagation In Python (from scratch)', "
    "Machine Learning Mastery (quoted by A. Ma, TDS)"
)

DATASET = [
    [2.7810836, 2.550537003, 0],
    [1.465489372, 2.362125076, 0],
    [3.396561688, 4.400293529, 0],
    [1.38807019, 1.850220317, 0],
    [3.06407232, 3.005305973, 0],
    [7.627531214, 2.759262235, 1],
    [5.332441248, 2.088626775, 1],
    [6.922596716, 1.77106367, 1],
    [8.675418651, -0.242068655, 1],
    [7.673756466, 3.508563011, 1],
]
"""Brownlee's contrived data set: two features, then the class."""

SEED, L_RATE, N_EPOCH, N_HIDDEN = 1, 0.5, 20, 2

HARDCODED_NETWORK = [
    [
        [-1.482313569067226, 1.8308790073202204, 1.078381922048799],
        [0.23244990332399884, 0.3621998343835864, 0.40289821191094327],
    ],
    [
        [2.5001872433501404, 0.7887233511355132, -1.1026649757805829],
        [-2.429350576245497, 0.8357651039198697, 1.0699217181280656],
    ],
]
"""The network the tutorial's predict section hard-codes (bias last in each row)."""

# What the tutorial prints of its training, digit for digit (the fixed part is in the file).
PRINTED_EPOCH_ERRORS = [
    "6.350",
    "5.531",
    "5.221",
    "4.951",
    "4.519",
    "4.173",
    "3.835",
    "3.506",
    "3.192",
    "2.898",
    "2.626",
    "2.377",
    "2.153",
    "1.953",
    "1.774",
    "1.614",
    "1.472",
    "1.346",
    "1.233",
    "1.132",
]
PRINTED_FINAL_WEIGHTS = [
    [
        ["-1.4688375095432327", "1.850887325439514", "1.0858178629550297"],
        ["0.37711098142462157", "-0.0625909894552989", "0.2765123702642716"],
    ],
    [
        ["2.515394649397849", "-0.3391927502445985", "-0.9671565426390275"],
        ["-2.5584149848484263", "1.0036422106209202", "0.42383086467582715"],
    ],
]
PRINTED_FINAL_OUTPUTS = [
    ["0.029980305604426185", "0.9456229000211323"],
    ["0.23648794202357587", "0.7790535202438367"],
]
PRINTED_FINAL_DELTAS = [
    ["0.0059546604162323625", "-0.0026279652850863837"],
    ["0.04270059278364587", "-0.03803132596437354"],
]
PRINTED_HARDCODED_PREDICTIONS = ["0"] * 5 + ["1"] * 5
"""The 'Got' of each 'Expected=e, Got=g' line of the predict section."""

HIDDEN = ["h1_w1", "h1_w2", "h1_b"]
OUTPUT = [["o1_w1", "o1_b"], ["o2_w1", "o2_b"]]
DELTAS = ["dL/do1_z", "dL/do2_z"]
HIDDEN_DELTA = "dL/dh1_z"
"""The tests' quantities in ``files/brownlee_contrived.toml``."""


def _negated(printed: list[str] | str) -> list[str] | str:
    """The pre-2021 page's digits: the same numbers with the other sign."""
    if isinstance(printed, str):
        return printed[1:] if printed.startswith("-") else "-" + printed
    return [_negated(p) for p in printed]


@dataclass
class Training:
    """Brownlee's ``train_network`` on one network, its first step (epoch 0, row 0) traced."""

    model: nn.MLP
    first: Step
    trace: Trace
    """The first step's graph, snapshot before its update (the graph itself is stale after)."""
    after_first: list[Matrix]
    """The weights after that first update."""
    errors: list[float]
    weights_per_epoch: list[list[Matrix]]
    last: Step


def _train(weights: list[Matrix]) -> Training:
    """Brownlee's ``train_network``: epoch errors, weights after each epoch, the last step."""
    model = network(weights)
    optimizer = nn.SGD(model.parameters(), lr=L_RATE)
    row = DATASET[0]
    first, trace = traced_sgd_step(model, optimizer, row[:-1], one_hot(row[-1], 2))
    after_first = model.weights("bias_last")
    errors, weights_per_epoch = [], []
    for epoch in range(N_EPOCH):
        done = first if epoch == 0 else None
        error, last = train_epoch(model, optimizer, DATASET, n_outputs=2, first=done)
        errors.append(error)
        weights_per_epoch.append(model.weights("bias_last"))
    return Training(model, first, trace, after_first, errors, weights_per_epoch, last)


def run() -> ExampleResult:
    rng = random.Random(SEED)
    init_hidden, init_output = initial_weights(rng, n_inputs=2, n_hidden=1, n_outputs=2)
    tests = Checked.shipped("brownlee_contrived")  # the initialisation, forward, backprop tests
    backprop_test = forward_graph(tests.computation)

    rng = random.Random(SEED)
    start = initial_weights(rng, n_inputs=2, n_hidden=N_HIDDEN, n_outputs=2)
    training = _train(start)
    model, first, trace, last = training.model, training.first, training.trace, training.last
    errors, after_first = training.errors, training.after_first
    final = model.weights("bias_last")

    xs = [row[:-1] for row in DATASET]
    trained_predictions = [predict(model, x) for x in xs]
    hardcoded_predictions = [predict(network(HARDCODED_NETWORK), x) for x in xs]
    classes = [row[-1] for row in DATASET]
    correct = sum(p == c for p, c in zip(trained_predictions, classes))
    hardcoded_correct = sum(p == c for p, c in zip(hardcoded_predictions, classes))

    q = Quantity
    quantities = [
        q("init_test.hidden", init_hidden, tests.digits([HIDDEN]), note="random.seed(1); random()"),
        q("init_test.output", init_output, tests.digits(OUTPUT)),
        tests.quantity(
            "forward_test.hidden_output",
            ["h1"],
            note="printed as the hidden neuron's stored output in the backprop test",
        ),
        tests.quantity("forward_test.output", ["o1", "o2"]),
        q(
            "backprop_test.stored_outputs_vs_forward",
            tests.values(["o1", "o2"]),
            tests.digits(["o1_stored", "o2_stored"]),
            reason="the backprop test's stored outputs are not this network's outputs: they "
            "are sigmoid(bias), the hidden-to-output term missing (a bug fixed in Nov 2016)",
        ),
        tests.quantity(
            "backprop_test.stored_outputs_are_sigmoid(bias)", ["o1_stored", "o2_stored"]
        ),
        tests.quantity(
            "backprop_test.output_deltas(current)",
            DELTAS,
            note="dL/dz at the stored outputs, L = 1/2 sum (o - e)^2, e = [0, 1]",
        ),
        tests.quantity("backprop_test.hidden_delta(current)", HIDDEN_DELTA),
        q(
            "backprop_test.output_deltas(pre-2021)",
            [-d for d in tests.values(DELTAS)],
            _negated(tests.digits(DELTAS)),
            note="error = expected - output: -dL/dz, and weights += l_rate*delta*input",
        ),
        q(
            "backprop_test.hidden_delta(pre-2021)",
            -tests.value(HIDDEN_DELTA),
            _negated(tests.digits(HIDDEN_DELTA)),
        ),
        q("train.initial_weights", start, note="the next 12 random() draws after seed(1): 2-2-2"),
        q("train.first_row_step.loss", first.loss.data, note="L = 1/2 sum (o - e)^2, row 0"),
        q("train.first_row_step.outputs", first.outputs),
        q("train.first_row_step.deltas", first.deltas, note="dL/dz, hidden then output"),
        q(
            "train.first_row_step(epoch 0,row 0)",
            after_first,
            note="the weights after one SGD step, w - 0.5 dL/dw",
        ),
        q(
            "train.epoch_sse",
            errors,
            PRINTED_EPOCH_ERRORS,
            note="sum over rows of sum (e - o)^2 (twice L) before each row's update, as %.3f",
        ),
        q("train.final_weights", final, PRINTED_FINAL_WEIGHTS),
        q(
            "train.final_stored_outputs(last row)",
            last.outputs,
            PRINTED_FINAL_OUTPUTS,
            note="epoch 19, row 9, before its update: hidden, then output",
        ),
        q(
            "train.final_stored_deltas(current sign)",
            last.deltas,
            PRINTED_FINAL_DELTAS,
            note="printed as 'hidden' and 'output' deltas; the pre-2021 page negates them",
        ),
        q(
            "predict.hardcoded_network",
            hardcoded_predictions,
            PRINTED_HARDCODED_PREDICTIONS,
            note="the 'Got' of the printed 'Expected=e, Got=g' lines",
        ),
        q(
            "predict.hardcoded_network_vs_trained",
            final,
            [[[repr(w) for w in row] for row in layer] for layer in HARDCODED_NETWORK],
            reason="the predict section hard-codes a network from an earlier version of the "
            "code, not the one trained above (its 0.78872... and 0.83576... are initial weights)",
        ),
        q(
            "predict.freshly_trained_network",
            trained_predictions,
            note=f"not printed: the network trained above gets {correct}/10 right",
        ),
    ]
    return ExampleResult(
        name="brownlee-contrived",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=first.loss,
        trace=trace,
        notes=[
            (
                "The backprop test differentiates at its stored outputs, which are sigmoid(bias), "
                "not the network's outputs; each output sum is held there as z = w*h + (b - w*h)."
            ),
            "delta = dL/dz of L = 1/2 sum (o - e)^2; the pre-2021 page prints -dL/dz.",
            (
                "The predict section's hard-coded network is not the trained one; it gets "
                f"{hardcoded_correct}/10 rows right, the trained one {correct}/10."
            ),
            file_note("brownlee_contrived"),
        ],
        extra={
            "model": model,
            "epoch_errors": errors,
            "weights_per_epoch": training.weights_per_epoch,
            "backprop_test_root": backprop_test["L"],
            "dataset": DATASET,
        },
    )
