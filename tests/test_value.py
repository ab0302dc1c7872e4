"""`Value` itself: construction, operators with numbers on either side, repr, labels, no_grad."""

from __future__ import annotations

import math

import pytest

from autograd_lite import OPS, OperandTypeError, Value, no_grad


def test_a_leaf_holds_float_data_and_zero_grad():
    x = Value(3, label="x")
    assert type(x.data) is float and x.data == 3.0
    assert x.grad == 0.0 and x.label == "x"
    assert x.op is None and x.parents == ()


def test_repr_is_short():
    assert repr(Value(0.874352143, "p")) == "Value(data=0.8744, grad=0.0, label='p')"
    assert repr(Value(2.0)) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(1e-7)) == "Value(data=1e-07, grad=0.0)"


@pytest.mark.parametrize(
    ("expression", "expected", "op"),
    [
        (lambda x: x + 2, 5.0, "add_k"),
        (lambda x: 2 + x, 5.0, "add_k"),
        (lambda x: x - 2, 1.0, "sub_k"),
        (lambda x: 2 - x, -1.0, "rsub_k"),
        (lambda x: x * 2, 6.0, "mul_k"),
        (lambda x: 2 * x, 6.0, "mul_k"),
        (lambda x: x / 2, 1.5, "div_k"),
        (lambda x: 6 / x, 2.0, "rdiv_k"),
        (lambda x: -x, -3.0, "neg"),
        (lambda x: x**2, 9.0, "pow"),
        (lambda x: 2**x, 8.0, "rpow_k"),
        (lambda x: x ** Value(2.0), 9.0, "powv"),
        (lambda x: x + Value(1.5), 4.5, "add"),
    ],
)
def test_operators_take_numbers_on_either_side(expression, expected, op):
    result = expression(Value(3.0))
    assert result.data == expected
    assert result.op is OPS[op]


def test_parents_keep_order_and_multiplicity():
    x, y = Value(2.0), Value(5.0)
    assert (x - y).parents == (x, y)
    square = x * x
    assert square.parents == (x, x)
    square.backward()
    assert x.grad == 4.0  # both edges contribute


def test_named_sets_the_label_and_returns_the_value():
    x = Value(1.0)
    y = (x * 2).named("y")
    assert y.label == "y"


def test_plain_numbers_are_constants_not_nodes():
    x = Value(3.0)
    assert ((x**2).parents, (x**2).constant) == ((x,), 2)
    assert ((0.5 * x).parents, (0.5 * x).constant) == ((x,), 0.5)
    assert ((1 - x).parents, (1 - x).constant) == ((x,), 1)
    y = 0.5 * (1 - x) ** 2 + x / 4
    y.backward()
    assert x.grad == -(1 - 3.0) + 0.25  # d/dx of 0.5 (1 - x)^2 + x/4


def test_float_and_math_of_a_value_say_to_stay_in_the_graph():
    x = Value(2.0, "x")
    for cut in (float, math.exp, math.log, math.tanh):
        with pytest.raises(OperandTypeError, match=r"use the Value's own methods \(x.exp\(\)"):
            cut(x)
    y = x * x.exp()  # in the graph: d/dx x e^x = (1 + x) e^x = 22.17 at 2, not e^2 = 7.39
    y.backward()
    assert x.grad == pytest.approx(3 * math.exp(2.0), rel=1e-15)


def test_no_grad_records_no_graph_and_restores_on_exit():
    x = Value(2.0)
    with no_grad():
        y = x * 3 + 1
    assert y.data == 7.0 and y.parents == () and y.op is None
    z = x * 3
    assert z.parents[0] is x


def test_no_grad_restores_recording_after_an_error():
    with pytest.raises(ZeroDivisionError), no_grad():
        Value(1.0) / 0
    assert (Value(1.0) * 2).parents != ()


def test_numpy_like_reals_are_accepted():
    from fractions import Fraction

    assert Value(Fraction(1, 4)).data == 0.25
    assert (Value(1.0) + Fraction(1, 2)).data == 1.5
