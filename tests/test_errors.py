"""Bad input gets a clear error that names the operation, the operand's value and its label."""

from __future__ import annotations

import pytest

from autograd_lite import (
    AutogradError,
    DivisionByZeroError,
    DomainError,
    NonFiniteError,
    OperandTypeError,
    Value,
    ValueOverflowError,
    allow_nonfinite,
    dot,
    logsumexp,
    softmax,
)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: Value("3"), ["Value()", "str", "'3'"]),
        (lambda: Value(None), ["Value()", "NoneType"]),
        (lambda: Value([1.0]), ["Value()", "list"]),
        (lambda: Value(Value(1.0)), ["Value()", "a Value"]),
        (lambda: Value(1.0) + "a", ["+", "str", "'a'"]),
        (lambda: "a" + Value(1.0), ["+", "str"]),
        (lambda: Value(1.0) * [1], ["*", "list", "[1]"]),
        (lambda: [1] * Value(1.0), ["*", "list"]),
        (lambda: Value(1.0) - None, ["-", "NoneType"]),
        (lambda: Value(1.0) / "2", ["/", "str"]),
        (lambda: Value(1.0) ** "2", ["**", "str"]),
        (lambda: Value(2.0) ** None, ["**", "NoneType"]),
        (lambda: dot([Value(1.0)], ["x"]), ["dot", "str"]),
    ],
)
def test_wrong_operand_types_name_the_operation_and_the_type(make, words):
    with pytest.raises(OperandTypeError) as caught:
        make()
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, AutogradError)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: Value(-2.0, "x").log(), DomainError, ["log", "positive", "x = -2.0"]),
        (lambda: Value(0.0, "x").log(), DomainError, ["log", "x = 0.0"]),
        (lambda: Value(-4.0, "x") ** 0.5, DomainError, ["pow", "x**0.5", "x = -4.0"]),
        (lambda: Value(0.0, "x") ** -1, DivisionByZeroError, ["pow", "x**-1", "x = 0.0"]),
        (lambda: Value(1.0, "a") / Value(0.0, "b"), DivisionByZeroError, ["a / b", "b = 0.0"]),
        (lambda: 1 / Value(0.0, "b"), DivisionByZeroError, ["div", "b = 0.0"]),
        (
            lambda: Value(-2.0, "x") ** Value(0.5),
            DomainError,
            ["powv", "positive base", "x = -2.0"],
        ),
        (lambda: 0 ** Value(2.0, "y"), DomainError, ["rpow_k", "positive base", "0**y"]),
        (lambda: Value(1000.0, "x").exp(), ValueOverflowError, ["exp", "x = 1000.0"]),
        (lambda: Value(1e300, "x") * 1e300, ValueOverflowError, ["mul", "inf", "x = 1e+300"]),
        (lambda: Value(10.0, "x") ** 400, ValueOverflowError, ["pow", "x = 10.0"]),
    ],
)
def test_domain_errors_name_the_operation_value_and_label(make, error, words):
    with pytest.raises(error) as caught:
        make()
    assert isinstance(caught.value, AutogradError)
    for word in words:
        assert word in str(caught.value), str(caught.value)


def test_the_builtin_error_classes_still_catch_them():
    with pytest.raises(ValueError):
        Value(-1.0).log()
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0
    with pytest.raises(OverflowError):
        Value(1e4).exp()


def test_an_infinite_local_derivative_is_reported_in_backward():
    x = Value(0.0, "x")
    root = x**0.5
    assert root.data == 0.0
    with pytest.raises(DomainError, match=r"derivative of pow .* x\*\*0\.5 with x = 0\.0"):
        root.backward()


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_inf_are_refused_unless_allowed(bad):
    with pytest.raises(NonFiniteError, match="allow_nonfinite"):
        Value(bad, "x")
    with allow_nonfinite():
        x = Value(bad, "x")
        y = x * 2
    assert y.data != y.data or abs(y.data) == float("inf")


def test_empty_sequences_are_refused_where_the_result_is_undefined():
    with pytest.raises(DomainError, match="logsumexp"):
        logsumexp([])
    with pytest.raises(DomainError, match="softmax"):
        softmax([])


def test_dot_of_different_lengths_names_both():
    with pytest.raises(ValueError, match="2 weights and 3 inputs"):
        dot([1.0, 2.0], [1.0, 2.0, 3.0])


def test_backward_seed_must_be_a_number():
    with pytest.raises(OperandTypeError, match="grad"):
        Value(1.0).backward(grad="1")
