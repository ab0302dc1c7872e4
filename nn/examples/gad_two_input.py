"""Seed 002's code listing: a two-input sigmoid neuron trained for 80,000 iterations.

The article's Python listing trains ``y = w1*x1 + w2*x2`` (no bias),
``predicted = sigmoid(y)``, ``err = (predicted - target)^2`` with x1 = 0.1, x2 = 0.4,
target = 0.7 and learning rate 0.01, appending prediction and error *before* each
update, and reports where both saturate: error 3.150953682878443e-13, prediction
0.6999994386664375 (the last of the 80,000 recorded, at iteration 79999). Its weights
are ``numpy.random.rand()`` draws, unseeded, so the run cannot be replayed as such;
the variant w1 = w2 = 0.5 is this project's deterministic choice.

Why the printed numbers depend only on the initial weighted sum s0 = x1*w1 + x2*w2:
both gradients are their input times the same factor,
``dE/dwi = xi * delta`` with ``delta = 2 (p - target) p (1 - p)``, so one update moves
the weighted sum by ``-lr * (x1^2 + x2^2) * delta``, a function of the sum alone.
Each iteration is therefore a map of s to s; the prediction and the error are
functions of s; and the whole series depends on (w1, w2) only through s0 (the final
weights do not: each moves by its own input times the same total).

The article's numbers are therefore reproducible from s0 alone. s0 = 0.275498457637
(found by bisection on the printed prediction; initial prediction 0.56844226711) gives,
in exact arithmetic, a last prediction 0.69999943866643758..., which rounds to the
printed double; the printed error is that double's ``(p - 0.7)^2`` to all 16 digits. In
floating point the last bit depends on how s0 is split between w1 and w2, because the
rounding along 80,000 steps differs. Trying w1 = 0, 0.025, 0.05, ..., 1, about one split
in four lands on both printed numbers bit for bit, the first being w1 = 0.05,
w2 = 0.6762461440925, used here; w1 = w2 = s0 / 0.5 lands one unit in the last place above,
which the squared difference ``(p - 0.7)^2`` (p - 0.7 is -5.6e-7) turns into a change in
the 10th digit of the error.

An 80,000-iteration run on the engine takes about a second; this example makes three.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd_lite import ArgumentError, Trace, Value, dot, explain
from nn import SGD

from .report import ExampleResult, Quantity

TITLE = "Seed 002, Ahmed Gad's code: a two-input sigmoid neuron, 80,000 iterations"
SOURCE = (
    "A. Gad, 'A Comprehensive Guide to the Backpropagation Algorithm in Neural Networks', "
    "neptune.ai, section 'Coding backpropagation in Python'"
)

X1, X2 = 0.1, 0.4
TARGET = 0.7
LEARNING_RATE = 0.01
ITERATIONS = 80_000

RECOVERED_S0 = 0.275498457637
"""The initial weighted sum that reproduces the article's printed prediction (bisection)."""
S0_WEIGHTS = (0.05, 0.6762461440925)
"""A split of RECOVERED_S0 (0.1*0.05 + 0.4*0.6762461440925) landing on the printed bits."""
S0_SYMMETRIC = (RECOVERED_S0 / 0.5, RECOVERED_S0 / 0.5)
"""The symmetric split of RECOVERED_S0, which lands one unit in the last place above."""

PRINTED_ERROR = "3.150953682878443e-13"
PRINTED_PREDICTION = "0.6999994386664375"


@dataclass(frozen=True)
class Neuron:
    """One iteration's graph, every node named as in the article's code."""

    w1: Value
    w2: Value
    y: Value
    predicted: Value
    err: Value


def neuron(w1: Value, w2: Value) -> Neuron:
    """``y = w1*x1 + w2*x2``, ``predicted = sigmoid(y)``, ``err = (predicted - target)^2``."""
    x1, x2, target = Value(X1, "x1"), Value(X2, "x2"), Value(TARGET, "target")
    y = dot([w1, w2], [x1, x2]).named("y")
    predicted = y.sigmoid().named("predicted")
    err = ((predicted - target) ** 2).named("err")
    return Neuron(w1, w2, y, predicted, err)


@dataclass(frozen=True)
class Run:
    """What the article's loop records: prediction and error before each update, final weights.

    ``first`` is iteration 0's graph and ``trace`` its snapshot, taken after
    ``backward()`` and before the update (which makes the graph itself stale);
    ``after_first`` holds (w1, w2) after that update.
    """

    predictions: list[float]
    errors: list[float]
    w1: float
    w2: float
    first: Neuron
    trace: Trace
    after_first: tuple[float, float]


def train(w1: float, w2: float, iterations: int = ITERATIONS) -> Run:
    """The article's loop on the engine: forward, record, backward, one SGD step."""
    if iterations < 1:
        raise ArgumentError(f"iterations must be at least 1, got {iterations!r}")
    weights = [Value(w1, "w1"), Value(w2, "w2")]
    optimizer = SGD(weights, lr=LEARNING_RATE)
    predictions, errors = [], []
    for iteration in range(iterations):
        n = neuron(*weights)
        predictions.append(n.predicted.data)
        errors.append(n.err.data)
        optimizer.zero_grad()
        n.err.backward()
        if iteration == 0:
            first, trace = n, explain(n.err)
        optimizer.step()
        if iteration == 0:
            after_first = (weights[0].data, weights[1].data)
    return Run(predictions, errors, weights[0].data, weights[1].data, first, trace, after_first)


def run() -> ExampleResult:
    variant = train(0.5, 0.5)
    trace = variant.trace  # iteration 0 of the variant, before its update
    local = {(c.name, c.parent_name): c.local for s in trace.backward for c in s.contributions}
    gradients = trace.gradients()
    from_s0 = train(*S0_WEIGHTS)
    symmetric = train(*S0_SYMMETRIC)
    s0 = from_s0.trace  # its iteration 0
    logit = (Value(TARGET) / (1 - Value(TARGET))).log()
    last = ITERATIONS - 1

    v = "variant_w1=w2=0.5."
    q = Quantity
    quantities = [
        q(v + "step0.sop", trace.node("y").data, note="y = w1*x1 + w2*x2"),
        q(v + "step0.pred", trace.node("predicted").data),
        q(v + "step0.err", trace.node("err").data),
        q(v + "step0.dE_dpred", trace.node("predicted").grad, note="2 (predicted - target)"),
        q(v + "step0.dpred_dsop", local[("predicted", "y")], note="predicted (1 - predicted)"),
        q(v + "step0.gradw1", gradients["w1"]),
        q(v + "step0.gradw2", gradients["w2"], note="4 x gradw1: the ratio of the inputs"),
        q(v + "step0.w1_new", variant.after_first[0]),
        q(v + "step0.w2_new", variant.after_first[1]),
        q(v + f"last_prediction(iter {last})", variant.predictions[-1]),
        q(v + "last_error", variant.errors[-1]),
        q(v + "final_w1", variant.w1, note=f"after {ITERATIONS} updates"),
        q(v + "final_w2", variant.w2),
        q(
            "fixed_point_logit_0.7",
            logit.data,
            note="the weighted sum where sigmoid = 0.7; s creeps up to it and never reaches it",
        ),
        q(
            "recovered_s0",
            s0.node("y").data,
            note="inferred from the printed prediction, not printed",
        ),
        q("recovered_s0.initial_prediction", s0.node("predicted").data),
        q("recovered_s0.w1", S0_WEIGHTS[0], note="a split of s0 that lands on the printed bits"),
        q("recovered_s0.w2", S0_WEIGHTS[1]),
        q(
            "final_prediction",
            from_s0.predictions[-1],
            PRINTED_PREDICTION,
            note=f"{from_s0.predictions[-1]!r} from s0 (w1, w2 above), recorded at iteration {last}",
        ),
        q("final_error", from_s0.errors[-1], PRINTED_ERROR, note=repr(from_s0.errors[-1])),
        q(
            "s0_split_w1=w2.final_prediction",
            symmetric.predictions[-1],
            PRINTED_PREDICTION,
            note=f"{symmetric.predictions[-1]!r} from w1 = w2 = s0/0.5: one unit in the last "
            "place above the printed double",
        ),
        q(
            "s0_split_w1=w2.final_error",
            symmetric.errors[-1],
            note=f"the article printed {PRINTED_ERROR}; the one-ulp difference in p, "
            "squared through p - 0.7 = -5.6e-7, shows from the 10th digit",
        ),
    ]
    return ExampleResult(
        name="gad-two-input",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=variant.first.err,
        trace=trace,
        notes=[
            (
                "The article's weights are unseeded numpy.random.rand() draws; w1 = w2 = 0.5 is "
                "this project's choice."
            ),
            (
                "Both gradients are xi * 2 (p - target) p (1 - p), so an update moves "
                "s = x1*w1 + x2*w2 by a function of s alone: the run depends on (w1, w2) only "
                "through s0."
            ),
            (
                f"From s0 = {RECOVERED_S0} the printed numbers come back; the last bit of the "
                "prediction depends on how s0 is split between w1 and w2 (float rounding)."
            ),
        ],
        extra={
            "predictions": variant.predictions,
            "errors": variant.errors,
            "s0_predictions": from_s0.predictions,
            "s0_errors": from_s0.errors,
        },
    )
