"""sood-line (seed 000): every number confirmed by a route that does not use backward().

The article prints no numbers, so every quantity is ``computed``. Each is checked
against hand-derived formulas (40-digit mpmath, exact fractions or plain floats),
finite differences of the forward pass, and hand-written float versions of
torch.optim's documented update rules; torch itself, when installed, is a third route.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import mpmath
import pytest

import nn
from autograd_lite import Value, no_grad
from nn.examples import sood_line as ex
from tests.cli import example_table
from tests.numeric import central_difference, central_differences
from tests.reference import check_printed_numbers, reference

EXAMPLE = "sood-line"  # run by the `result` fixture (tests/conftest.py), once a session
REPO = Path(__file__).resolve().parents[1]
EXAMPLE_ID = "sood_line_classifier_y_mx_c"
ANCHOR = ex.ANCHOR_PART


def test_reference_names_are_quantities_and_nothing_is_a_mismatch(result):
    check_printed_numbers(result, EXAMPLE_ID)
    for name in reference(EXAMPLE_ID)["expected"]:
        assert result[name].agreement == "computed", name
    assert result.mismatches() == []
    assert {q.agreement for q in result.quantities} == {"computed"}  # the article prints nothing


# --- hand-derived losses and gradients, in whatever number type m and c are --------------


def rms_by_hand(m, c, xs, ys, sqrt=math.sqrt):
    """L = sqrt(mean r^2) with r = m x + c - y; dL/dm = mean(r x) / L, dL/dc = mean(r) / L."""
    n = len(xs)
    residuals = [m * x + c - y for x, y in zip(xs, ys)]
    loss = sqrt(sum(r * r for r in residuals) / n)
    return loss, [sum(r * x for r, x in zip(residuals, xs)) / n / loss, sum(residuals) / n / loss]


def fruit():
    """(x, colour, label) of the 20 fruit, x = radius - 4 cm, apple = 1."""
    return [(r - 4.0, g, 1.0) for r, g in ex.APPLES] + [(r - 4.0, g, 0.0) for r, g in ex.ORANGES]


def float_softplus(z):
    """log(1 + e^z) without overflow or log(0): the start line gives logits near 50."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def bce_by_hand(m, c, k=50.0, exp=math.exp, softplus=float_softplus):
    """Mean BCE of p = sigmoid(k (g - m x - c)); dL/dz = (p - y)/n, dz/dm = -k x, dz/dc = -k.

    -(y log p + (1 - y) log(1 - p)) = softplus(z) - y z, since log p = z - softplus(z)
    and log(1 - p) = -softplus(z).
    """
    points = fruit()
    n = len(points)
    loss, gm, gc = 0, 0, 0
    for x, g, y in points:
        z = k * (g - m * x - c)
        p = 1 / (1 + exp(-z))
        loss += (softplus(z) - y * z) / n
        gm += (p - y) * (-k * x) / n
        gc += (p - y) * (-k) / n
    return loss, [gm, gc]


def midpoints_by_hand():
    return [
        ((ra + ro) / 2 - 4.0, (ga + go) / 2) for (ra, ga), (ro, go) in zip(ex.APPLES, ex.ORANGES)
    ]


def rms_on_midpoints(m, c, **kw):
    mids = midpoints_by_hand()
    return rms_by_hand(m, c, [x for x, _ in mids], [y for _, y in mids], **kw)


def engine_forward(loss):
    """The example's own loss as a plain function of [m, c]: forward only, no graph."""

    def f(point):
        m, c = point
        with no_grad():
            return loss(Value(m), Value(c)).data

    return f


# --- hand-written float versions of torch.optim's documented rules -----------------------


class HandOptimizer:
    """torch.optim's SGD, RMSprop and Adam update rules (no weight decay, no momentum)."""

    def __init__(self, kind, lr, alpha=0.99, betas=(0.9, 0.999), eps=1e-8):
        self.kind, self.lr, self.alpha, self.betas, self.eps = kind, lr, alpha, betas, eps
        self.v, self.m, self.t = [0.0, 0.0], [0.0, 0.0], 0

    def step(self, theta, grads):
        self.t += 1
        out = []
        for i, (p, g) in enumerate(zip(theta, grads)):
            if self.kind == "sgd":
                p = p - self.lr * g
            elif self.kind == "rmsprop":
                self.v[i] = self.alpha * self.v[i] + (1 - self.alpha) * g * g
                p = p - self.lr * g / (math.sqrt(self.v[i]) + self.eps)
            else:
                b1, b2 = self.betas
                self.m[i] = b1 * self.m[i] + (1 - b1) * g
                self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
                m_hat, v_hat = self.m[i] / (1 - b1**self.t), self.v[i] / (1 - b2**self.t)
                p = p - self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
            out.append(p)
        return out


def hand_fit(gradient, kind, lr, steps, start=(0.5, 0.1)):
    """(m, c) before and after every step, from the hand gradient and the hand rule."""
    opt, theta, path = HandOptimizer(kind, lr), list(start), [tuple(start)]
    for _ in range(steps):
        theta = opt.step(theta, gradient(*theta)[1])
        path.append(tuple(theta))
    return path


# --- the reference's illustrative line fit -------------------------------------------------

ANCHOR_XS, ANCHOR_YS = [1, 2, 3], [2, 3, 5]


def test_anchor_loss_and_gradient_at_forty_digits(result):
    with mpmath.workdps(40):
        m, c = mpmath.mpf("0.5"), mpmath.mpf("0.1")
        loss, grads = rms_by_hand(m, c, ANCHOR_XS, ANCHOR_YS, sqrt=mpmath.sqrt)
        # By hand: residuals -1.4, -1.9, -3.4; mean square 17.13 / 3 = 5.71
        assert loss == pytest.approx(mpmath.sqrt(mpmath.mpf("5.71")), rel=1e-35)
        assert grads[0] == pytest.approx(mpmath.mpf("-15.4") / 3 / loss, rel=1e-35)
        assert result[ex.ANCHOR].computed == pytest.approx(float(loss), rel=1e-15)
        assert result[f"{ANCHOR}.grad[m,c]"].computed == pytest.approx(
            [float(g) for g in grads], rel=1e-14
        )
    forward = engine_forward(lambda m, c: ex.rms_loss(m, c, ANCHOR_XS, ANCHOR_YS))
    assert result[f"{ANCHOR}.grad[m,c]"].computed == pytest.approx(
        central_differences(forward, [0.5, 0.1], h=1e-6), rel=1e-8
    )


def test_minus_the_gradient_goes_down_plus_goes_up(result):
    grads = rms_by_hand(0.5, 0.1, ANCHOR_XS, ANCHOR_YS)[1]
    down = rms_by_hand(0.5 - 0.1 * grads[0], 0.1 - 0.1 * grads[1], ANCHOR_XS, ANCHOR_YS)[0]
    up = rms_by_hand(0.5 + 0.1 * grads[0], 0.1 + 0.1 * grads[1], ANCHOR_XS, ANCHOR_YS)[0]
    assert result[f"{ANCHOR}.loss_after_m-lr*grad"].computed == pytest.approx(down, rel=1e-14)
    assert result[f"{ANCHOR}.loss_after_m+lr*grad"].computed == pytest.approx(up, rel=1e-14)
    assert down < result[ex.ANCHOR].computed < up


@pytest.mark.parametrize("kind", ["sgd", "adam", "rmsprop"])
def test_anchor_steps_follow_the_documented_rules(result, kind):
    path = hand_fit(lambda m, c: rms_by_hand(m, c, ANCHOR_XS, ANCHOR_YS), kind, 0.1, 2)
    for step in (1, 2):
        assert result[f"{ANCHOR}.{kind}.step{step}[m,c]"].computed == pytest.approx(
            list(path[step]), rel=1e-13
        )


def test_anchor_sgd_first_step_in_exact_arithmetic(result):
    # m1 = 0.5 + 0.1 * 15.4 / (3 sqrt(5.71)), c1 = 0.1 + 0.1 * 6.7 / (3 sqrt(5.71))
    with mpmath.workdps(40):
        root = 3 * mpmath.sqrt(mpmath.mpf("5.71"))
        expected = [0.5 + mpmath.mpf("1.54") / root, 0.1 + mpmath.mpf("0.67") / root]
    assert result[f"{ANCHOR}.sgd.step1[m,c]"].computed == pytest.approx(
        [float(v) for v in expected], rel=1e-15
    )


def test_the_first_adaptive_steps_are_lr_and_lr_over_sqrt_one_minus_alpha(result):
    # Both gradients are negative, so both parameters move up.
    adam = result[f"{ANCHOR}.adam.step1[m,c]"].computed
    rmsprop = result[f"{ANCHOR}.rmsprop.step1[m,c]"].computed
    assert adam == pytest.approx([0.6, 0.2], abs=1e-8)  # 0.1 each, less a hair for eps
    assert rmsprop == pytest.approx([1.5, 1.1], abs=1e-6)  # 0.1 / sqrt(0.01) = 1.0 each


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("sgd", {}),
        ("adam", {"betas": (0.9, 0.999), "eps": 1e-8}),
        ("rmsprop", {"alpha": 0.99, "eps": 1e-8}),
    ],
)
def test_anchor_steps_match_torch_optim(result, kind, options, torch):
    m = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    xs = torch.tensor(ANCHOR_XS, dtype=torch.float64)
    ys = torch.tensor(ANCHOR_YS, dtype=torch.float64)
    classes = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "rmsprop": torch.optim.RMSprop}
    opt = classes[kind]([m, c], lr=0.1, **options)
    for step in (1, 2):
        opt.zero_grad()
        torch.sqrt(torch.mean((m * xs + c - ys) ** 2)).backward()
        opt.step()
        assert result[f"{ANCHOR}.{kind}.step{step}[m,c]"].computed == pytest.approx(
            [m.item(), c.item()], rel=1e-13
        )


# --- BCE, and BCE through a sigmoid ----------------------------------------------------------


def test_bce_values_are_minus_log(result):
    expected = [[-math.log(p) for p in (0.1, 0.5, 0.9)], [-math.log1p(-p) for p in (0.1, 0.5, 0.9)]]
    computed = result[ex.BCE_VALUES].computed
    for row, want in zip(computed, expected):
        assert row == pytest.approx(want, rel=1e-15)
    # symmetric in y <-> 1 - y, y' <-> 1 - y' (up to 1 - 0.9 != 0.1 in floats)
    assert computed[0][0] == pytest.approx(computed[1][2], rel=1e-15)


@pytest.mark.parametrize("y", [1, 0])
def test_bce_through_a_sigmoid_has_gradient_prediction_minus_target(result, y):
    name = ex.BCE_AT_Z[y]
    with mpmath.workdps(40):
        p = 1 / (1 + mpmath.exp(-mpmath.mpf("0.3")))
        loss = -mpmath.log(p) if y == 1 else -mpmath.log(1 - p)
        assert result[name].computed == pytest.approx(float(loss), rel=1e-15)
        assert result[f"{name}.dL_dz"].computed == pytest.approx(float(p - y), rel=1e-14)
        assert result[f"{name}.y'-y"].computed == pytest.approx(float(p - y), rel=1e-15)

    def forward(z):
        with no_grad():
            return nn.binary_cross_entropy(Value(z).sigmoid(), float(y)).data

    assert result[f"{name}.dL_dz"].computed == pytest.approx(
        central_difference(forward, 0.3, h=1e-6), rel=1e-8
    )


# --- the fruit -----------------------------------------------------------------------------


def test_the_data_needs_a_slanted_line():
    assert len(ex.APPLES) == len(ex.ORANGES) == 10
    # Apples are the smaller and redder fruit, yet no threshold on one feature alone works:
    assert max(r for r, _ in ex.APPLES) > min(r for r, _ in ex.ORANGES)
    assert min(g for _, g in ex.APPLES) < max(g for _, g in ex.ORANGES)
    # while the least-squares line through the midpoints puts every apple above, every orange below
    m, c = least_squares_exact()
    assert all(Fraction(str(g)) > m * (Fraction(str(r)) - 4) + c for r, g in ex.APPLES)
    assert all(Fraction(str(g)) < m * (Fraction(str(r)) - 4) + c for r, g in ex.ORANGES)


def least_squares_exact():
    """Slope and intercept through the midpoints, in exact rationals from the printed data."""
    pairs = zip(ex.APPLES, ex.ORANGES)
    mids = [
        (
            (Fraction(str(ra)) + Fraction(str(ro))) / 2 - 4,
            (Fraction(str(ga)) + Fraction(str(go))) / 2,
        )
        for (ra, ga), (ro, go) in pairs
    ]
    n = len(mids)
    mx, my = sum(x for x, _ in mids) / n, sum(y for _, y in mids) / n
    slope = sum((x - mx) * (y - my) for x, y in mids) / sum((x - mx) ** 2 for x, _ in mids)
    return slope, my - slope * mx


def test_least_squares_line(result):
    m, c = least_squares_exact()
    assert result["fruit.rms.least_squares[m,c]"].computed == pytest.approx(
        [float(m), float(c)], rel=1e-14
    )
    assert result.extra["midpoints"] == midpoints_by_hand()


def test_start_accuracy_is_half(result):
    # The start line rgb = 0.5 (radius - 4) + 0.1 is below every fruit: all called apples.
    assert all(g > 0.5 * (r - 4) + 0.1 for r, g in ex.APPLES + ex.ORANGES)
    assert result["fruit.start.accuracy"].computed == 0.5


@pytest.mark.parametrize("kind", ["rms", "bce"])
def test_start_gradients_by_hand_and_by_finite_differences(result, kind):
    by_hand = {"rms": rms_on_midpoints, "bce": bce_by_hand}[kind]
    with mpmath.workdps(40):
        m, c = mpmath.mpf("0.5"), mpmath.mpf("0.1")
        if kind == "rms":
            loss, grads = rms_on_midpoints(m, c, sqrt=mpmath.sqrt)
        else:
            loss, grads = bce_by_hand(
                m, c, exp=mpmath.exp, softplus=lambda z: mpmath.log(1 + mpmath.exp(z))
            )
    assert result[f"fruit.{kind}.start.loss"].computed == pytest.approx(float(loss), rel=1e-13)
    assert result[f"fruit.{kind}.start.grad[m,c]"].computed == pytest.approx(
        [float(g) for g in grads], rel=1e-12
    )
    assert result[f"fruit.{kind}.start.grad[m,c]"].computed == pytest.approx(
        central_differences(lambda p: by_hand(*p)[0], [0.5, 0.1], h=1e-6), rel=1e-7
    )
    loss_fn = ex.bce_loss if kind == "bce" else None
    if loss_fn is not None:  # the example's own forward pass, differenced
        assert result["fruit.bce.start.grad[m,c]"].computed == pytest.approx(
            central_differences(engine_forward(loss_fn), [0.5, 0.1], h=1e-6), rel=1e-7
        )


FITS = [(kind, name) for kind in ("rms", "bce") for name in ("sgd", "rmsprop", "adam")]


def hand_accuracy(m, c):
    right = sum(g > m * x + c for x, g, y in fruit() if y == 1.0)
    right += sum(g < m * x + c for x, g, y in fruit() if y == 0.0)
    return right / 20


@pytest.mark.parametrize(("kind", "name"), FITS)
def test_every_step_of_every_fit_follows_the_hand_written_rule(result, kind, name):
    gradient = {"rms": rms_on_midpoints, "bce": bce_by_hand}[kind]
    lr = ex.LEARNING_RATES[kind][name]
    expected = hand_fit(gradient, name, lr, ex.STEPS)
    path = result.extra["paths"][kind][name]
    assert len(path) == ex.STEPS + 1 and path[0] == (0.5, 0.1)
    for got, want in zip(path, expected):
        assert list(got) == pytest.approx(list(want), rel=1e-13)
    m, c = path[-1]
    assert result[f"fruit.{kind}.{name}.final[m,c]"].computed == [m, c]
    assert result[f"fruit.{kind}.{name}.final_loss"].computed == pytest.approx(
        gradient(m, c)[0], rel=1e-12
    )
    curve = result.extra["losses"][kind][name]
    assert curve[0] == pytest.approx(gradient(0.5, 0.1)[0], rel=1e-12)
    assert curve[-1] < curve[0] / 10
    assert result[f"fruit.{kind}.{name}.accuracy"].computed == hand_accuracy(m, c) == 1.0


@pytest.mark.parametrize(("kind", "name"), FITS)
def test_every_fit_matches_torch_optim(result, kind, name, torch):
    points = midpoints_by_hand() if kind == "rms" else fruit()
    xs = torch.tensor([p[0] for p in points], dtype=torch.float64)
    ys = torch.tensor([p[1] for p in points], dtype=torch.float64)
    m = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(0.1, dtype=torch.float64, requires_grad=True)
    classes = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}
    opt = classes[name]([m, c], lr=ex.LEARNING_RATES[kind][name])
    for _ in range(ex.STEPS):
        opt.zero_grad()
        if kind == "rms":
            loss = torch.sqrt(torch.mean((m * xs + c - ys) ** 2))
        else:
            labels = torch.tensor([p[2] for p in points], dtype=torch.float64)
            logits = 50.0 * (ys - m * xs - c)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        loss.backward()
        opt.step()
    assert result[f"fruit.{kind}.{name}.final[m,c]"].computed == pytest.approx(
        [m.item(), c.item()], rel=1e-10
    )


def test_the_fits_reach_their_optima(result):
    m, c = (float(v) for v in least_squares_exact())
    for name in ("sgd", "rmsprop", "adam"):
        assert result[f"fruit.rms.{name}.final[m,c]"].computed == pytest.approx([m, c], abs=2e-3)
    assert result["fruit.rms.sgd.final[m,c]"].computed == pytest.approx([m, c], rel=1e-9)
    # BCE has no closed form; at SGD's and RMSprop's end the hand gradient has all but vanished
    for name in ("sgd", "rmsprop"):
        grads = bce_by_hand(*result[f"fruit.bce.{name}.final[m,c]"].computed)[1]
        assert max(map(abs, grads)) < 2e-3
    finals = [result[f"fruit.bce.{n}.final[m,c]"].computed for n in ("sgd", "rmsprop", "adam")]
    assert max(abs(f[0] - finals[0][0]) for f in finals) < 5e-3


# --- the trace, the graph, the command line ---------------------------------------------------


def test_the_trace_is_the_anchor_line_fit(result):
    assert result.root.label == "L"
    assert result.trace.node("L").data == result[ex.ANCHOR].computed
    grads = result.trace.gradients()
    assert [grads["m"], grads["c"]] == result[f"{ANCHOR}.grad[m,c]"].computed
    assert len(result.trace.forward) == 12  # 3 points x (prediction, residual, square) + 3


def test_command_line_prints_the_table():
    done = example_table("sood-line")
    out = done.stdout
    assert "Forward pass" not in out  # --table-only
    # The key numbers, confirmed above, at the table's 12 significant digits
    assert "2.38956062907" in out  # sqrt(5.71)
    assert f"{math.sqrt(5.71):.12g}" == "2.38956062907"
    with mpmath.workdps(40):  # the first SGD step, as in the exact test above
        root = 3 * mpmath.sqrt(mpmath.mpf("5.71"))
        step = [float(0.5 + mpmath.mpf("1.54") / root), float(0.1 + mpmath.mpf("0.67") / root)]
    assert f"[{step[0]:.12g}, {step[1]:.12g}]" in out
    assert "-0.425557483188" in out  # sigmoid(0.3) - 1
    m, c = least_squares_exact()
    assert f"[{float(m):.12g}, {float(c):.12g}]" in out
    assert "fruit.bce.adam.accuracy" in out and "RMS prop" in out
