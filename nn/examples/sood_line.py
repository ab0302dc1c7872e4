"""Seed 000, Devashish Sood: a line ``y = m x + c`` between apples and oranges, fitted two ways.

The article trains a line classifier on apples and oranges, radius on the x axis
and colour ("rgb value") on the y axis, with a loss it calls "RMS prop (root mean
square of correct values vs predicted values)", and mentions Adam and RMSprop and,
later, its favourite loss ``L(y', y) = -(y log y' + (1 - y) log(1 - y'))``. It gives
no data, no starting line and no learning rate, so this example supplies them:

- **Data** (invented, written out below): 10 apples and 10 oranges, radius in cm and
  colour as the redness ``R / (R + G)`` of the skin's mean RGB colour. Riper fruit is
  bigger and redder, so neither radius alone nor colour alone tells them apart, but a
  slanted line does: apples lie above it. ``x`` is measured from 4 cm
  (``x = radius - 4``): with raw radii, which are never near 0, m and c are so
  entangled (a long, narrow valley) that plain SGD has not settled after 20,000 steps.
- **(a) the RMS loss the article describes**, ``sqrt(mean((m x_i + c - y_i)^2))``.
  That is a regression, so it needs "correct values" the line should pass through:
  here the midpoints between each apple and the orange listed beside it (each pair
  straddles the gap). Its optimum is the least-squares line through the midpoints.
- **(b) BCE on a logistic score** ``sigmoid(k (rgb - m x - c))`` with labels apple = 1,
  orange = 0, and a fixed sharpness ``k = 50`` (if ``k`` were trained too, scaling it
  up would lower the loss forever on separable data; fixed, the optimum is finite).
- Each loss is minimised from ``(m, c) = (0.5, 0.1)`` for the article's 100 iterations
  with ``nn``'s SGD, RMSprop and Adam; ``extra["paths"]`` keeps (m, c) after every step
  so a notebook can draw the line moving.
- The reference file's illustrative numbers: two steps of each optimizer on the line
  fit ``x = [1, 2, 3]``, ``y = [2, 3, 5]`` from (0.5, 0.1), and BCE through a sigmoid
  at ``z = 0.3``, whose gradient with respect to ``z`` is ``y' - y``.

What the article gets wrong (it prints no numbers, so nothing to mark MISMATCH):

- "RMS prop" is RMSprop, an *optimizer* (it divides each step by a running root mean
  square of past gradients), not a loss; the loss it describes is the RMS error.
- "The gradient will be d/dx(mx+c) => m" differentiates with respect to the input x;
  training needs dL/dm and dL/dc (here d(mx+c)/dm = x and d(mx+c)/dc = 1).
- Backpropagation is called "integrating the gradient"; it *computes* the gradient
  by the chain rule. ``m100 = m0 + sum of the 100 steps`` is a telescoping sum of
  discrete steps, not an integral.
- ``m1 = m0 + delta`` with delta "obtained by partial differentiation": adding the
  derivative climbs the loss. The update is ``m - lr * dL/dm`` (the table shows the
  loss after a step each way).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import nn
from autograd_lite import Value, dot, explain, no_grad, vsum

from .report import ExampleResult, Quantity

TITLE = "Seed 000, Devashish Sood: y = m x + c between apples and oranges, RMS loss and BCE"
SOURCE = (
    "D. Sood, 'Backpropagation concept explained in 5 levels of difficulty', Coinmonks (Medium)"
)

# (radius in cm, redness R/(R+G)): invented, chosen so that a slanted line separates them.
APPLES: tuple[tuple[float, float], ...] = (
    (3.0, 0.62), (3.2, 0.66), (3.3, 0.64), (3.5, 0.70), (3.6, 0.68),
    (3.8, 0.74), (3.9, 0.71), (4.1, 0.79), (4.2, 0.75), (4.4, 0.81),
)  # fmt: skip
ORANGES: tuple[tuple[float, float], ...] = (
    (3.6, 0.56), (3.8, 0.61), (3.9, 0.59), (4.1, 0.65), (4.3, 0.64),
    (4.4, 0.67), (4.6, 0.68), (4.7, 0.72), (4.9, 0.70), (5.0, 0.75),
)  # fmt: skip
REFERENCE_RADIUS = 4.0
"""x = radius - 4 cm, so c is the line's colour at 4 cm and m its slope per cm."""
SHARPNESS = 50.0
"""k in sigmoid(k (rgb - m x - c)): one unit of logit per 0.02 of redness."""
M0, C0 = 0.5, 0.1
STEPS = 100

OPTIMIZERS: dict[str, type] = {
    "sgd": nn.SGD,
    "rmsprop": nn.RMSprop,
    "adam": nn.Adam,
}
LEARNING_RATES: dict[str, dict[str, float]] = {
    "rms": {"sgd": 0.03, "rmsprop": 0.003, "adam": 0.03},
    "bce": {"sgd": 0.01, "rmsprop": 0.01, "adam": 0.1},
}
"""Chosen so that each optimizer settles within the 100 steps (bigger ones oscillate or diverge)."""

ANCHOR = "illustrative.line_fit_rms(x=[1,2,3], y=[2,3,5], m0=0.5, c0=0.1)"
"""The reference's name for the line fit: its loss; the rest is under ``ANCHOR_PART``."""
ANCHOR_PART = "illustrative.line_fit_rms"
ANCHOR_XS, ANCHOR_YS, ANCHOR_LR = (1.0, 2.0, 3.0), (2.0, 3.0, 5.0), 0.1
ANCHOR_OPTIONS: dict[str, dict[str, object]] = {
    "sgd": {},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
}
BCE_VALUES = "illustrative(not from article).bce_values"
BCE_PREDICTIONS = (0.1, 0.5, 0.9)
BCE_AT_Z = {
    1: "illustrative.bce_through_sigmoid_z0.3_y1",
    0: "illustrative.bce_through_sigmoid_z0.3_y0",
}
Z = 0.3

LossFn = Callable[[Value, Value], Value]


def xs_of(points: Sequence[tuple[float, float]]) -> list[float]:
    """Each point's x: its radius measured from 4 cm."""
    return [r - REFERENCE_RADIUS for r, _ in points]


def midpoints() -> list[tuple[float, float]]:
    """(x, rgb) halfway between each apple and the orange beside it: where the line should pass."""
    return [
        ((ra + ro) / 2 - REFERENCE_RADIUS, (ga + go) / 2)
        for (ra, ga), (ro, go) in zip(APPLES, ORANGES, strict=True)
    ]


def rms_loss(m: Value, c: Value, xs: Sequence[float], ys: Sequence[float]) -> Value:
    """sqrt(mean((m x_i + c - y_i)^2)): the root-mean-square error the article calls 'RMS prop'."""
    squares = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True), 1):
        predicted = dot([m], [Value(x, f"x{i}")], c).named(f"pred{i}")
        residual = (predicted - Value(y, f"y{i}")).named(f"r{i}")
        squares.append((residual**2).named(f"sq{i}"))
    mean = (vsum(squares) / Value(len(squares), "n")).named("mean_square")
    return (mean**0.5).named("L")


def bce_loss(m: Value, c: Value) -> Value:
    """Mean BCE of sigmoid(k (rgb - m x - c)) against apple = 1, orange = 0 (from the logits)."""
    scores = [SHARPNESS * (g - dot([m], [x], c)) for x, (_, g) in zip(xs_of(APPLES), APPLES)]
    scores += [SHARPNESS * (g - dot([m], [x], c)) for x, (_, g) in zip(xs_of(ORANGES), ORANGES)]
    labels = [1.0] * len(APPLES) + [0.0] * len(ORANGES)
    return nn.binary_cross_entropy_with_logits(scores, labels)


def accuracy(m: float, c: float) -> float:
    """The share of fruit on its side: apples above the line, oranges below (on it is wrong)."""
    right = sum(g > m * x + c for x, (_, g) in zip(xs_of(APPLES), APPLES))
    right += sum(g < m * x + c for x, (_, g) in zip(xs_of(ORANGES), ORANGES))
    return right / (len(APPLES) + len(ORANGES))


def fit_line(
    loss: LossFn,
    optimizer: str,
    lr: float,
    steps: int = STEPS,
    start: tuple[float, float] = (M0, C0),
    **options: object,
) -> tuple[list[tuple[float, float]], list[float]]:
    """(m, c) before and after each step, and the loss at each of those lines."""
    m, c = Value(start[0], "m"), Value(start[1], "c")
    opt = OPTIMIZERS[optimizer]([m, c], lr=lr, **options)
    path, losses = [(m.data, c.data)], []
    for _ in range(steps):
        opt.zero_grad()
        value = loss(m, c)
        value.backward()
        opt.step()
        losses.append(value.data)
        path.append((m.data, c.data))
    with no_grad():
        losses.append(loss(m, c).data)
    return path, losses


def gradient_at(loss: LossFn, m: float, c: float) -> tuple[float, list[float]]:
    """The loss and [dL/dm, dL/dc] at one line, by backward()."""
    mv, cv = Value(m, "m"), Value(c, "c")
    value = loss(mv, cv)
    value.backward()
    return value.data, [mv.grad, cv.grad]


def least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The closed-form minimiser of the RMS (and of the mean square) error: slope and intercept."""
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in points)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def _anchor(q: type[Quantity]) -> tuple[list[Quantity], Value, dict]:
    """The reference's illustrative line fit: its loss, gradient, and two steps per optimizer."""

    def loss(m: Value, c: Value) -> Value:
        return rms_loss(m, c, ANCHOR_XS, ANCHOR_YS)

    m, c = Value(M0, "m"), Value(C0, "c")
    root = loss(m, c)
    root.backward()
    grad = [m.grad, c.grad]
    with no_grad():
        downhill = loss(Value(M0 - ANCHOR_LR * grad[0]), Value(C0 - ANCHOR_LR * grad[1])).data
        uphill = loss(Value(M0 + ANCHOR_LR * grad[0]), Value(C0 + ANCHOR_LR * grad[1])).data
    quantities = [
        q(ANCHOR, root.data, note="L = sqrt(mean((m x + c - y)^2)) at m0 = 0.5, c0 = 0.1"),
        q(f"{ANCHOR_PART}.grad[m,c]", grad, note="dL/dm = mean(r x) / L, dL/dc = mean(r) / L"),
        q(f"{ANCHOR_PART}.loss_after_m-lr*grad", downhill, note="gradient descent: the loss drops"),
        q(
            f"{ANCHOR_PART}.loss_after_m+lr*grad",
            uphill,
            note="the article's '+ delta' with delta = the derivative: the loss climbs",
        ),
    ]
    first_step = {
        "sgd": "m0 - lr * dL/dm, c0 - lr * dL/dc",
        "adam": "the bias-corrected first step moves each parameter by lr = 0.1",
        "rmsprop": "v starts at 0, so the first step is lr / sqrt(1 - alpha) = 1.0 per parameter",
    }
    paths = {}
    for name, options in ANCHOR_OPTIONS.items():
        path, _ = fit_line(loss, name, ANCHOR_LR, steps=2, **options)
        paths[name] = path
        quantities += [
            q(f"{ANCHOR_PART}.{name}.step1[m,c]", list(path[1]), note=first_step[name]),
            q(f"{ANCHOR_PART}.{name}.step2[m,c]", list(path[2])),
        ]
    return quantities, root, paths


def _bce_illustrations(q: type[Quantity]) -> list[Quantity]:
    """BCE at a few predictions, and BCE through a sigmoid at z = 0.3, whose dL/dz is y' - y."""
    table = [
        [nn.binary_cross_entropy(Value(p), y).data for p in BCE_PREDICTIONS] for y in (1.0, 0.0)
    ]
    quantities = [
        q(
            BCE_VALUES,
            table,
            note="L(y', y): rows y = 1, 0; columns y' = 0.1, 0.5, 0.9 (-log y' and -log(1 - y'))",
        )
    ]
    for y, name in BCE_AT_Z.items():
        z = Value(Z, "z")
        prediction = z.sigmoid().named("y'")
        loss = nn.binary_cross_entropy(prediction, float(y))
        loss.backward()
        quantities += [
            q(name, loss.data, note=f"L(sigmoid(0.3), {y})"),
            q(f"{name}.dL_dz", z.grad, note="by backward(), through log and sigmoid"),
            q(f"{name}.y'-y", prediction.data - y, note="the closed form: the same number"),
        ]
    return quantities


def run() -> ExampleResult:
    q = Quantity
    quantities, root, anchor_paths = _anchor(q)
    quantities += _bce_illustrations(q)

    points = midpoints()
    losses: dict[str, LossFn] = {
        "rms": lambda m, c: rms_loss(m, c, [x for x, _ in points], [y for _, y in points]),
        "bce": bce_loss,
    }
    quantities.append(q("fruit.start.accuracy", accuracy(M0, C0), note="m0 = 0.5, c0 = 0.1"))
    paths: dict[str, dict[str, list[tuple[float, float]]]] = {}
    loss_curves: dict[str, dict[str, list[float]]] = {}
    for kind, loss in losses.items():
        start_loss, start_grad = gradient_at(loss, M0, C0)
        quantities += [
            q(f"fruit.{kind}.start.loss", start_loss),
            q(f"fruit.{kind}.start.grad[m,c]", start_grad),
        ]
        if kind == "rms":
            quantities.append(
                q(
                    "fruit.rms.least_squares[m,c]",
                    list(least_squares(points)),
                    note="closed form: the optimum the optimizers approach",
                )
            )
        paths[kind], loss_curves[kind] = {}, {}
        for name in OPTIMIZERS:
            lr = LEARNING_RATES[kind][name]
            path, curve = fit_line(loss, name, lr)
            paths[kind][name], loss_curves[kind][name] = path, curve
            m, c = path[-1]
            quantities += [
                q(f"fruit.{kind}.{name}.final[m,c]", [m, c], note=f"lr {lr}, {STEPS} steps"),
                q(f"fruit.{kind}.{name}.final_loss", curve[-1]),
                q(f"fruit.{kind}.{name}.accuracy", accuracy(m, c)),
            ]

    return ExampleResult(
        name="sood-line",
        title=TITLE,
        source=SOURCE,
        quantities=quantities,
        root=root,
        trace=explain(root),
        notes=[
            "The article prints no numbers; its data, start and learning rates are ours.",
            "'RMS prop' is RMSprop, an optimizer; the loss it describes is the RMS error.",
            "The update is m - lr * dL/dm: adding the derivative ('+ delta') climbs the loss.",
            "Lines are rgb = m * (radius - 4 cm) + c; apples lie above, oranges below.",
        ],
        extra={
            "apples": list(APPLES),
            "oranges": list(ORANGES),
            "reference_radius": REFERENCE_RADIUS,
            "midpoints": points,
            "sharpness": SHARPNESS,
            "learning_rates": LEARNING_RATES,
            "paths": paths,
            "losses": loss_curves,
            "anchor_paths": anchor_paths,
        },
    )
