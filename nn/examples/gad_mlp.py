"""Seed 002's book example: a 3-7-5-4-1 sigmoid network without biases, by exact gradient descent.

The article closes with code only: Ch09/MLP.py of its book repository
(ahmedfgad/IntroDLPython) trains one sample, x = [0.1, 0.4, 4.1], y = 0.2, through
hidden layers of 7, 5 and 4 neurons, sigmoid on every layer including the output, no
biases, error ``(p - y)^2``, learning rate 0.7, then predicts [0.2, 3.1, 1.7]. Weights
are one ``(n_out, n_in)`` matrix per layer of unseeded ``numpy.random.rand`` draws;
here they are the draws after ``numpy.random.seed(0)``, in the book's order (layer by
layer, one ``rand(n_in)`` per neuron), reproduced without numpy (see
``numpy_legacy_random``). Training stops once ``|y - p| <= 1e-7``, a test made before
each update (the update still happens), or after ``max_iter`` = 500 iterations.

The article prints no number for this run, so every quantity here is computed (and
confirmed in the tests by a hand-written backpropagation, finite differences and,
when installed, torch).

The first step (forward pass, every weight's gradient, the updated weights) is the
checker file ``files/gad_mlp.toml``, in the ``[network]`` form, and its numbers here are
the checker's; the 500 iterations are trained here, from the same weights, with ``nn``.

The book's own code does not compute the exact gradient. MLP.py moves every
output-layer weight by the increment of the first one (``layer_weights_grads[0][0]``);
chaining back into the last hidden layer it uses only the first output weight, and
already updated, since ``w_old = w`` makes an alias, not a copy; further back it
multiplies sums where the chain rule sums products. From the seed-0
weights its first step moves all four output weights by -0.123368146 where the exact
increments run from -0.1367 to -0.1166 (the reference, running MLP.py itself, finds its
weights after one step up to 0.0133 from exact gradient descent in the output layer and
0.0066 in the first). An autodiff engine computes the exact gradient, so this example
runs exact gradient descent and shows the book's output-layer increment beside it,
rather than matching MLP.py value by value.
"""

from __future__ import annotations

import random
from functools import partial
from itertools import pairwise

from autograd_lite import Value, explain, no_grad
from nn import MLP, SGD

from ._checked import Checked, Keys, file_note, grid
from .report import ExampleResult, Quantity

TITLE = "Seed 002, Ahmed Gad's book code (Ch09): a 3-7-5-4-1 sigmoid MLP, exact gradient descent"
SOURCE = (
    "A. Gad, 'A Comprehensive Guide to the Backpropagation Algorithm in Neural Networks', "
    "neptune.ai; code: ahmedfgad/IntroDLPython, Ch09/MLP.py"
)

SIZES = (3, 7, 5, 4, 1)
X = (0.1, 0.4, 4.1)
Y = 0.2
NEW_SAMPLE = (0.2, 3.1, 1.7)
LEARNING_RATE = 0.7
MAX_ITER = 500
TOLERANCE = 1e-7
CHECKPOINTS = (0, 1, 2, 9, 99, 499)
"""Iterations whose prediction and error (before the update) the reference lists."""


def numpy_legacy_random(seed: int) -> random.Random:
    """A ``random.Random`` whose ``random()`` returns what ``numpy.random.rand()`` does after
    ``numpy.random.seed(seed)``.

    Both are the Mersenne Twister and both build a double from two 32-bit draws the same
    way; only the seeding differs: numpy's legacy ``seed(int)`` fills the state with
    MT19937's ``init_genrand``, Python's ``seed`` uses ``init_by_array``.
    """
    state = [seed & 0xFFFFFFFF]
    for i in range(1, 624):
        previous = state[-1]
        state.append((1812433253 * (previous ^ (previous >> 30)) + i) & 0xFFFFFFFF)
    rng = random.Random()
    rng.setstate((3, (*state, 624), None))  # position 624: the next draw regenerates the state
    return rng


def initial_weights(seed: int = 0) -> list[list[list[float]]]:
    """MLP.initialize_weights' draws after ``numpy.random.seed(seed)``, one (n_out, n_in) matrix a layer."""
    rng = numpy_legacy_random(seed)
    return [
        [[rng.random() for _ in range(n_in)] for _ in range(n_out)]
        for n_in, n_out in pairwise(SIZES)
    ]


def network(weights: list[list[list[float]]]) -> MLP:
    return MLP.from_weights(weights, activations="sigmoid", layout="out_in")


def labelled_forward(model: MLP) -> tuple[list[list[Value]], Value]:
    """One forward pass on X with every weight, sum and activation named for the trace.

    ``W2[j][i]`` is the weight from neuron i of layer 1 to neuron j of layer 2, ``s2[j]``
    and ``a2[j]`` that neuron's weighted sum and activation; the output is ``p``, the
    error ``E``. Returns the activations of each layer and E.
    """
    for number, layer in enumerate(model.layers, 1):
        for j, neuron in enumerate(layer.neurons):
            for i, w in enumerate(neuron.w):
                w.named(f"W{number}[{j}][{i}]")
    activations: list[list[Value]] = []
    h: list[Value] = [Value(x, f"x{i}") for i, x in enumerate(X, 1)]
    for number, layer in enumerate(model.layers, 1):
        out = layer(h)
        h = out if isinstance(out, list) else [out]
        for j, a in enumerate(h):
            a.named(f"a{number}[{j}]").parents[0].named(f"s{number}[{j}]")
        activations.append(h)
    p = h[0].named("p")
    error = ((p - Value(Y, "y")) ** 2).named("E")
    return activations, error


def _per_weight(key: str) -> list[Keys]:
    """``key`` (``"w{layer}_{{j}}_{{i}}"``) for every weight of ``files/gad_mlp.toml``, one
    (n_out, n_in) matrix a layer, numbered from the inputs' (``w5_1_3``: output neuron 1,
    from unit 3 of layer 4)."""
    return [
        grid(key.format(layer=layer), j=n_out, i=n_in)
        for layer, (n_in, n_out) in enumerate(pairwise(SIZES), 2)
    ]


def predict(model: MLP, x: tuple[float, ...]) -> float:
    with no_grad():
        return model(list(x)).data


def run() -> ExampleResult:
    weights = initial_weights(0)
    model = network(weights)
    optimizer = SGD(model.parameters(), lr=LEARNING_RATE)
    predictions: list[float] = []
    errors: list[float] = []
    first_within = None
    book_stop: dict[str, float] = {}
    for iteration in range(MAX_ITER):
        if iteration == 0:  # every node named, for the trace: the same sums, bit for bit
            activations, first_error = labelled_forward(model)
            p, error = activations[-1][0], first_error
        else:
            p = model(list(X))
            error = (p - Y) ** 2
        predictions.append(p.data)
        errors.append(error.data)
        optimizer.zero_grad()
        error.backward()
        if iteration == 0:  # the snapshot of step 0, taken before the update moves the weights
            trace = explain(first_error)
        optimizer.step()
        if first_within is None and abs(Y - p.data) <= TOLERANCE:
            first_within = iteration
            book_stop = {"pred": p.data, "new": predict(model, NEW_SAMPLE)}

    step0 = Checked.shipped("gad_mlp")  # the first step, as the example checker computes it
    output_grads = step0.values(_per_weight("dE/dw{layer}_{{j}}_{{i}}")[-1][0])
    exact_increments = [-LEARNING_RATE * g for g in output_grads]
    book_increments = [-LEARNING_RATE * output_grads[0]] * len(output_grads)
    gd = "seed0.exact_gd."
    q = Quantity
    computed = partial(step0.quantity, printed=False)
    quantities = [
        computed(
            "seed0.step0.hidden_activations",
            [grid(f"a{layer}_{{j}}", j=n) for layer, n in enumerate(SIZES[1:-1], 2)],
            note="layers of 7, 5 and 4 sigmoid neurons",
        ),
        computed("seed0.step0.pred", "a5_1"),
        computed("seed0.step0.E", "E", note="(p - y)^2"),
        computed(
            "seed0.step0.grads(exact, per layer, shape n_out x n_in)",
            _per_weight("dE/dw{layer}_{{j}}_{{i}}"),
        ),
        computed(
            "seed0.step0.updated_weights(exact GD)",
            _per_weight("w{layer}_{{j}}_{{i}}@1"),
            note=f"W - {LEARNING_RATE} dE/dW",
        ),
        q(
            gd + "pred_E_before_update_at_iters_0,1,2,9,99,499",
            [[predictions[i], errors[i]] for i in CHECKPOINTS],
        ),
        q(
            gd + "first_iter_with_abs(y-p)<=1e-7",
            first_within,
            note=f"|y - p| = {abs(Y - predictions[first_within]):.3g}: the book's loop would "
            f"stop after this iteration's update, {first_within + 1} updates in all",
        ),
        q(gd + f"pred_after_{MAX_ITER}_updates", predict(model, X)),
        q(gd + f"predict([0.2,3.1,1.7])_after_{MAX_ITER}", predict(model, NEW_SAMPLE)),
        q(
            "book_stop.predict([0.2,3.1,1.7])",
            book_stop["new"],
            note=f"after {first_within + 1} updates, where MLP.py's stop rule ends training",
        ),
        q("exact.step0.output_layer_increments", exact_increments, note="-lr dE/dW4[0][j]"),
        q(
            "book_ch09.step0.output_layer_increments",
            book_increments,
            note="MLP.py gives every output weight the first one's increment",
        ),
        q(
            "book_ch09.step0.output_layer_max_difference",
            max(abs(b - e) for b, e in zip(book_increments, exact_increments)),
            note="the reference's run of MLP.py: 0.0133",
        ),
    ]
    return ExampleResult(
        name="gad-mlp",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=first_error,
        trace=trace,
        notes=[
            "The article prints no number for this run: every quantity is computed.",
            (
                "The book's MLP.py does not compute the exact gradient: every output weight "
                "gets the first one's increment, the last hidden layer chains through the first "
                "(already updated) output weight only. This example runs exact gradient descent."
            ),
            (
                f"MLP.py stops once |y - p| <= {TOLERANCE:g} (tested before the update); with "
                f"exact gradients that is iteration {first_within}. Training here goes on to "
                f"max_iter = {MAX_ITER}."
            ),
            file_note("gad_mlp"),
        ],
        extra={
            "predictions": predictions,
            "errors": errors,
            "first_iter_within_tolerance": first_within,
            "initial_weights": weights,
            "final_weights": model.weights(),
        },
    )
