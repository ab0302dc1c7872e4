"""Every row of the operation table against finite differences, first and second order.

One builder per row: adding an operation to the table without a builder here
fails `test_every_row_has_a_builder`.
"""

from __future__ import annotations

import math

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import OPS, Value, dot, grad, logsumexp, vsum
from tests.numeric import central_difference, central_differences


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(lo: float, hi: float):
    return st.one_of(floats(lo, hi), floats(-hi, -lo))


# name -> (builder of the op from Values, strategy for the operands)
ROWS = {
    "add": (lambda a, b: a + b, st.tuples(floats(-10, 10), floats(-10, 10))),
    "sub": (lambda a, b: a - b, st.tuples(floats(-10, 10), floats(-10, 10))),
    "mul": (lambda a, b: a * b, st.tuples(floats(-10, 10), floats(-10, 10))),
    "div": (lambda a, b: a / b, st.tuples(floats(-10, 10), away_from_zero(0.2, 10))),
    "neg": (lambda a: -a, st.tuples(floats(-10, 10))),
    "add_k": (lambda a: a + 1.7, st.tuples(floats(-10, 10))),
    "sub_k": (lambda a: a - 1.7, st.tuples(floats(-10, 10))),
    "rsub_k": (lambda a: 1.7 - a, st.tuples(floats(-10, 10))),
    "mul_k": (lambda a: -2.5 * a, st.tuples(floats(-10, 10))),
    "div_k": (lambda a: a / -2.5, st.tuples(floats(-10, 10))),
    "rdiv_k": (lambda a: 3 / a, st.tuples(away_from_zero(0.2, 10))),
    "rpow_k": (lambda a: 2.5**a, st.tuples(floats(-3, 3))),
    "pow": (lambda a: a**2.5, st.tuples(floats(0.1, 4))),
    "powv": (lambda a, b: a**b, st.tuples(floats(0.1, 4), floats(-3, 3))),
    "exp": (lambda a: a.exp(), st.tuples(floats(-20, 20))),
    "log": (lambda a: a.log(), st.tuples(floats(1e-2, 100))),
    "tanh": (lambda a: a.tanh(), st.tuples(floats(-5, 5))),
    "sigmoid": (lambda a: a.sigmoid(), st.tuples(floats(-30, 30))),
    "relu": (lambda a: a.relu(), st.tuples(away_from_zero(1e-3, 10))),
    "sum": (lambda *xs: vsum(xs), st.lists(floats(-10, 10), min_size=1, max_size=6).map(tuple)),
    "dot": (
        lambda *xs: dot(xs[0:-1:2], xs[1:-1:2], xs[-1]),
        st.integers(0, 4).flatmap(lambda n: st.tuples(*[floats(-5, 5)] * (2 * n + 1))),
    ),
    "logsumexp": (
        lambda *xs: logsumexp(xs),
        st.lists(floats(-50, 50), min_size=1, max_size=6).map(tuple),
    ),
}


def test_every_row_has_a_builder():
    assert set(ROWS) == set(OPS)


def test_each_builder_makes_its_row():
    for name, (build, _) in ROWS.items():
        operands = {"dot": (1.0, 2.0, 3.0), "sum": (1.0, 2.0)}.get(name, (0.5, 0.5))
        node = build(*[Value(x) for x in operands[: build.__code__.co_argcount or None]])
        assert node.op is OPS[name], name


def relative_step(x: float) -> float:
    """1e-6, or 1e-6 of the operand where it is larger than 1."""
    return 1e-6 * max(1.0, abs(x))


def forward(build):
    """The row's forward pass as a function of the list of its operands' numbers."""
    return lambda xs: build(*[Value(x) for x in xs]).data


@pytest.mark.parametrize("name", sorted(ROWS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_local_derivatives_match_finite_differences(name, data):
    build, operands = ROWS[name]
    point = list(data.draw(operands))
    leaves = [Value(x) for x in point]
    build(*leaves).backward()
    numerics = central_differences(forward(build), point, h=relative_step)
    for i, (leaf, numeric) in enumerate(zip(leaves, numerics)):
        scale = max(1.0, abs(build(*[Value(x) for x in point]).data))
        assert leaf.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6 * scale), (name, point, i)


UNARY = ["neg", "add_k", "sub_k", "rsub_k", "mul_k", "div_k", "rdiv_k", "pow", "rpow_k"]
UNARY += ["exp", "log", "tanh", "sigmoid", "relu"]


@pytest.mark.parametrize("name", UNARY)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_second_derivatives_match_finite_differences_of_the_first(name, data):
    build, operands = ROWS[name]
    (x,) = data.draw(operands)
    leaf = Value(x)
    (first,) = grad(build(leaf), [leaf], create_graph=True)
    (second,) = grad(first, [leaf], allow_unused=True) if isinstance(first, Value) else (0.0,)

    def first_derivative(t: float) -> float:
        v = Value(t)
        return grad(build(v), [v])[0]

    numeric = central_difference(first_derivative, x, h=relative_step)
    assert second == pytest.approx(numeric, rel=1e-5, abs=1e-5), (name, x)


# Exact values, computed with mpmath at 30 digits, independent of the engine.


def test_tanh_derivative_at_one_half_is_sech_squared():
    x = Value(0.5)
    x.tanh().backward()
    with mpmath.workdps(30):
        exact = mpmath.sech(0.5) ** 2
    assert x.grad == pytest.approx(float(exact), rel=1e-15)


def test_sigmoid_derivative_at_seed_002_sum():
    # seed 002 prints dpredicted/ds = 0.109860473 at s = 1.94
    s = Value(1.94)
    s.sigmoid().backward()
    with mpmath.workdps(30):
        exact = mpmath.exp(-mpmath.mpf("1.94")) / (1 + mpmath.exp(-mpmath.mpf("1.94"))) ** 2
    assert s.grad == pytest.approx(float(exact), rel=1e-14)
    assert f"{s.grad:.12f}" == "0.109860472668"
    assert round(s.grad, 9) == 0.109860473


def sigmoid_second_derivative(x):
    s = 1 / (1 + mpmath.exp(-x))
    return s * (1 - s) * (1 - 2 * s)


@pytest.mark.parametrize(
    ("build", "second"),
    [
        (lambda x: x**3, lambda x: 6 * x),
        (lambda x: x.exp(), mpmath.exp),
        (lambda x: x.tanh(), lambda x: -2 * mpmath.tanh(x) * mpmath.sech(x) ** 2),
        (lambda x: x.sigmoid(), sigmoid_second_derivative),
        (lambda x: x.log(), lambda x: -1 / x**2),
    ],
    ids=["cube", "exp", "tanh", "sigmoid", "log"],
)
@pytest.mark.parametrize("point", [0.3, 1.7, 2.5])
def test_second_derivatives_are_exact(build, second, point):
    x = Value(point)
    (first,) = grad(build(x), [x], create_graph=True)
    (value,) = grad(first, [x])
    with mpmath.workdps(30):
        exact = second(mpmath.mpf(point))
    assert value == pytest.approx(float(exact), rel=1e-13)


def test_relu_derivative_at_zero_is_zero_as_in_pytorch():
    x = Value(0.0)
    x.relu().backward()
    assert x.grad == 0.0


def test_pow_with_integer_exponent_takes_negative_bases():
    x = Value(-2.0)
    y = x**3
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)


def test_constant_base_to_a_value_power():
    y = Value(1.5)
    z = 2**y
    z.backward()
    assert z.data == pytest.approx(2**1.5, rel=1e-15)
    assert y.grad == pytest.approx(2**1.5 * math.log(2), rel=1e-15)
