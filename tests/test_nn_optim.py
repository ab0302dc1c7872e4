"""nn.optim against torch.optim's documented update rules, re-derived here at 40 digits.

The problem is seed 000's line fit (reference file, ``sood_line_classifier_y_mx_c``):
points x = [1, 2, 3], y = [2, 3, 5], the line y = m*x + c from m0 = 0.5, c0 = 0.1,
learning rate 0.1, loss the mean squared error, a quadratic in (m, c) whose gradient is
dL/dm = 2/3 * sum (m x + c - y) x and dL/dc = 2/3 * sum (m x + c - y).
"""

import math
from fractions import Fraction

import mpmath
import pytest

import nn
from autograd_lite import Value

XS, YS = [1, 2, 3], [2, 3, 5]
M0, C0, LR = 0.5, 0.1, 0.1


def line_gradient(m, c):
    """The hand-derived gradient of the mean squared error, in whatever number type m, c are."""
    residuals = [m * x + c - y for x, y in zip(XS, YS)]
    return [2 * sum(r * x for r, x in zip(residuals, XS)) / 3, 2 * sum(residuals) / 3]


def run(optimizer_class, steps=3, **options):
    """Three steps of ``optimizer_class`` on the line fit, through backward()."""
    m, c = Value(M0, "m"), Value(C0, "c")
    optimizer = optimizer_class([m, c], lr=LR, **options)
    trajectory = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.mse([m * x + c for x in XS], YS)
        loss.backward()
        assert [m.grad, c.grad] == pytest.approx(line_gradient(m.data, c.data), rel=1e-13)
        optimizer.step()
        trajectory.append([m.data, c.data])
    return trajectory


# --- the documented rules, at 40 digits --------------------------------------------------


def sgd_reference(steps, momentum=0, dampening=0, weight_decay=0, nesterov=False):
    theta, buffers, out = [mpmath.mpf(M0), mpmath.mpf(C0)], [None, None], []
    for _ in range(steps):
        grads = line_gradient(*theta)
        for i, g in enumerate(grads):
            g = g + weight_decay * theta[i]
            if momentum:
                buffers[i] = (
                    g if buffers[i] is None else momentum * buffers[i] + (1 - dampening) * g
                )
                g = g + momentum * buffers[i] if nesterov else buffers[i]
            theta[i] = theta[i] - LR * g
        out.append(list(theta))
    return out


def rmsprop_reference(steps, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False):
    theta, v, g_avg, b, out = [mpmath.mpf(M0), mpmath.mpf(C0)], [0, 0], [0, 0], [0, 0], []
    for _ in range(steps):
        grads = line_gradient(*theta)
        for i, g in enumerate(grads):
            g = g + weight_decay * theta[i]
            v[i] = alpha * v[i] + (1 - alpha) * g**2
            v_tilde = v[i]
            if centered:
                g_avg[i] = alpha * g_avg[i] + (1 - alpha) * g
                v_tilde = v_tilde - g_avg[i] ** 2
            if momentum:
                b[i] = momentum * b[i] + g / (mpmath.sqrt(v_tilde) + eps)
                theta[i] = theta[i] - LR * b[i]
            else:
                theta[i] = theta[i] - LR * g / (mpmath.sqrt(v_tilde) + eps)
        out.append(list(theta))
    return out


def adam_reference(steps, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
    (b1, b2), theta, m, v, out = betas, [mpmath.mpf(M0), mpmath.mpf(C0)], [0, 0], [0, 0], []
    for t in range(1, steps + 1):
        grads = line_gradient(*theta)
        for i, g in enumerate(grads):
            g = g + weight_decay * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            m_hat, v_hat = m[i] / (1 - b1**t), v[i] / (1 - b2**t)
            theta[i] = theta[i] - LR * m_hat / (mpmath.sqrt(v_hat) + eps)
        out.append(list(theta))
    return out


CASES = [
    (nn.SGD, sgd_reference, {}),
    (nn.SGD, sgd_reference, {"momentum": 0.9}),
    (nn.SGD, sgd_reference, {"momentum": 0.9, "dampening": 0.1, "weight_decay": 0.01}),
    (nn.SGD, sgd_reference, {"momentum": 0.5, "nesterov": True}),
    (nn.RMSprop, rmsprop_reference, {}),
    (nn.RMSprop, rmsprop_reference, {"alpha": 0.9, "weight_decay": 0.05}),
    (nn.RMSprop, rmsprop_reference, {"momentum": 0.8, "centered": True}),
    (nn.Adam, adam_reference, {}),
    (nn.Adam, adam_reference, {"betas": (0.8, 0.99), "weight_decay": 0.1, "eps": 1e-6}),
]


def case_id(case):
    return case[0].__name__ + "".join(f"-{k}={v}" for k, v in case[2].items())


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_first_three_steps_follow_the_documented_rule(case):
    optimizer_class, reference, options = case
    with mpmath.workdps(40):
        expected = [[float(p) for p in step] for step in reference(3, **options)]
    assert run(optimizer_class, **options) == [pytest.approx(step, rel=1e-13) for step in expected]


def test_plain_sgd_is_exact_in_rationals():
    """SGD's steps are rational: the float run stays within rounding of the exact values."""
    m, c, lr = Fraction("0.5"), Fraction("0.1"), Fraction("0.1")
    expected = []
    for _ in range(3):
        gm, gc = line_gradient(m, c)
        m, c = m - lr * gm, c - lr * gc
        expected.append([m, c])
    # By hand: m0 + c0 gives residuals (-1.4, -1.9, -3.4): grad m = 2/3 * -15.4, grad c = 2/3 * -6.7.
    assert expected[0] == [
        Fraction(1, 2) + Fraction(1, 10) * Fraction(308, 30),
        Fraction(1, 10) + Fraction(1, 10) * Fraction(134, 30),
    ]
    got = run(nn.SGD)
    for step, exact in zip(got, expected):
        assert step == [pytest.approx(float(x), rel=1e-14) for x in exact]


def test_the_fit_goes_downhill():
    losses = []
    for steps in range(1, 6):
        m, c = run(nn.Adam, steps=steps)[-1]
        losses.append(math.fsum((m * x + c - y) ** 2 for x, y in zip(XS, YS)) / 3)
    assert losses == sorted(losses, reverse=True)


# --- state and mechanics ------------------------------------------------------------------


def test_state_is_public_and_documented():
    m, c = Value(M0), Value(C0)
    sgd = nn.SGD([m, c], lr=LR, momentum=0.9)
    assert sgd.momentum_buffer == [None, None]
    nn.mse([m * x + c for x in XS], YS).backward()
    grads = [m.grad, c.grad]
    sgd.step()
    assert sgd.momentum_buffer == grads  # the first buffer is the gradient itself

    adam = nn.Adam([m, c], lr=LR)
    adam.step()
    assert adam.t == 1
    assert adam.exp_avg == pytest.approx([0.1 * g for g in grads], rel=1e-15)
    assert adam.exp_avg_sq == pytest.approx([0.001 * g * g for g in grads], rel=1e-15)
    rms = nn.RMSprop([m, c], lr=LR)
    rms.step()
    assert rms.square_avg == pytest.approx([0.01 * g * g for g in grads], rel=1e-15)


def test_a_step_records_no_graph_and_keeps_parameters_leaves():
    p = Value(1.0, "p")
    (p * p).backward()
    optimizer = nn.SGD([p], lr=0.25)
    optimizer.step()
    assert p.data == 0.5 and p.op is None and p.parents == () and p.label == "p"
    optimizer.zero_grad()
    assert p.grad == 0.0


def test_lr_can_change_between_steps():
    p = Value(1.0)
    optimizer = nn.SGD([p], lr=0.5)
    p.grad = 1.0
    optimizer.step()
    optimizer.lr = 0.25
    optimizer.step()
    assert p.data == 1.0 - 0.5 - 0.25


def test_second_order_gradients_are_read_as_numbers():
    p = Value(3.0)
    (p * p * p).backward(create_graph=True)
    assert isinstance(p.grad, Value)
    nn.SGD([p], lr=0.01).step()
    assert p.data == pytest.approx(3.0 - 0.01 * 27.0, rel=1e-15)


@pytest.mark.parametrize(
    "build, error, message",
    [
        (lambda p: nn.SGD(p, lr=-0.1), ValueError, "SGD: lr must be finite and >= 0, got -0.1"),
        (lambda p: nn.SGD(p, lr=float("nan")), ValueError, "lr must be finite"),
        (lambda p: nn.SGD(p, lr="0.1"), TypeError, "lr must be a number"),
        (lambda p: nn.SGD(p, lr=0.1, nesterov=True), ValueError, "nesterov needs a momentum > 0"),
        (lambda p: nn.Adam(p, betas=(0.9, 1.0)), ValueError, r"betas\[1\] must be in \[0, 1\)"),
        (lambda p: nn.Adam(p, betas=0.9), ValueError, "betas must be a pair"),
        (lambda p: nn.RMSprop(p, eps=-1e-8), ValueError, "eps must be finite and >= 0"),
        (lambda p: nn.SGD([], lr=0.1), ValueError, "empty list of parameters"),
        (lambda p: nn.SGD([*p, 1.0], lr=0.1), TypeError, "parameter 2 is a float, not a Value"),
        (lambda p: nn.Adam([*p, p[0]]), ValueError, "parameter 2 .* appears twice"),
    ],
)
def test_bad_arguments(build, error, message):
    with pytest.raises(error, match=message):
        build([Value(1.0), Value(2.0)])


def test_a_models_parameters_can_be_optimized():
    model = nn.MLP(1, [1], activations="linear", seed=0)
    optimizer = nn.SGD(model.parameters(), lr=0.1)
    before = model.state_dict()
    nn.mse(model([2.0]), 1.0).backward()
    grads = [p.grad for p in model.parameters()]
    optimizer.step()
    assert list(model.state_dict().values()) == [
        v - 0.1 * g for v, g in zip(before.values(), grads)
    ]


# --- optional cross-check against PyTorch ---------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_matches_torch_optim(case, torch):
    optimizer_class, _, options = case
    m = torch.tensor(M0, dtype=torch.float64, requires_grad=True)
    c = torch.tensor(C0, dtype=torch.float64, requires_grad=True)
    torch_class = getattr(torch.optim, optimizer_class.__name__)
    optimizer = torch_class([m, c], lr=LR, **options)
    x = torch.tensor(XS, dtype=torch.float64)
    y = torch.tensor(YS, dtype=torch.float64)
    expected = []
    for _ in range(3):
        optimizer.zero_grad()
        ((m * x + c - y) ** 2).mean().backward()
        optimizer.step()
        expected.append([m.item(), c.item()])
    assert run(optimizer_class, **options) == [pytest.approx(step, rel=1e-13) for step in expected]


class HalfStep(nn.optim.Optimizer):
    """A learner's optimizer that writes only its rule: each weight moves half of lr * g."""

    def update(self, data, grads):
        return [d - 0.5 * self.lr * g for d, g in zip(data, grads)]


def test_an_optimizer_defined_by_its_update_steps_values_and_trains_compiled_the_same():
    p = Value(1.5)
    (p * p).backward()  # grad 3.0
    HalfStep([p], lr=0.2).step()
    assert p.data == 1.5 - 0.5 * 0.2 * 3.0
    runs = {}
    for compiled in (False, True):
        model = nn.MLP(2, [3, 1], seed=4)
        nn.fit(
            model, [[0.1, 0.2], [0.5, -0.3], [-0.4, 0.9]], [0.5, -0.2, 0.3], loss="mse",
            optimizer=HalfStep(model.parameters(), lr=0.3), epochs=5, batch_size=2, seed=0,
            progress=False, compiled=compiled,
        )  # fmt: skip
        runs[compiled] = [p.data for p in model.parameters()]
    assert runs[True] == runs[False]
    assert runs[True] != [p.data for p in nn.MLP(2, [3, 1], seed=4).parameters()]


def test_an_optimizer_with_neither_update_nor_step_says_so():
    class Nothing(nn.optim.Optimizer):
        pass

    with pytest.raises(NotImplementedError, match="Nothing defines neither update"):
        Nothing([Value(1.0)], lr=0.1).step()
