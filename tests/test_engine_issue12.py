"""No silent wrong answers from the engine: modes per thread, no graph, power rule, grad().

Each case asserts the error's class and the words that name the problem.
"""

from __future__ import annotations

import asyncio
import math
import threading

import pytest

from autograd_lite import (
    ArgumentError,
    ArgumentTypeError,
    DomainError,
    NoGraphError,
    NonFiniteError,
    OperandTypeError,
    Value,
    ValueOverflowError,
    allow_nonfinite,
    explain,
    grad,
    no_grad,
    vsum,
)
from autograd_lite.engine import grad_enabled, nonfinite_allowed

# --- modes that are safe with threads and nesting -------------------------------------------------


def test_one_threads_no_grad_leaves_another_threads_graph_alone():
    inside, recorded = threading.Event(), threading.Event()
    results = {}

    def inference():
        with no_grad():
            inside.set()
            recorded.wait(5)
            results["inference"] = (Value(1.0) * 2).parents

    def training():
        inside.wait(5)
        x = Value(3.0)
        y = x * x  # while the other thread is inside no_grad
        y.backward()
        results["training"] = (y.parents, x.grad)
        recorded.set()

    threads = [threading.Thread(target=inference), threading.Thread(target=training)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results["inference"] == ()
    parents, x_grad = results["training"]
    assert len(parents) == 2 and x_grad == 6.0


def test_blocks_exiting_out_of_order_across_threads_leave_recording_on():
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()

    def a():
        with no_grad():
            a_in.set()
            b_in.wait(5)
        a_out.set()  # A leaves first, though it entered first

    def b():
        a_in.wait(5)
        with no_grad():
            b_in.set()
            a_out.wait(5)

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert grad_enabled()
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0  # not the silent 0 of a process-wide flag left off


def test_modes_nest_and_are_restored_on_an_exception():
    with no_grad():
        with no_grad():
            assert not grad_enabled()
        assert not grad_enabled()
        with pytest.raises(RuntimeError), allow_nonfinite():
            assert nonfinite_allowed()
            raise RuntimeError("inside")
        assert not nonfinite_allowed()
    assert grad_enabled() and not nonfinite_allowed()
    with pytest.raises(NonFiniteError):
        Value(float("nan"))


def test_each_async_task_has_its_own_mode():
    async def quiet(gate: asyncio.Event) -> tuple:
        with no_grad():
            await gate.wait()
            return (Value(1.0) + 1).parents

    async def loud(gate: asyncio.Event) -> tuple:
        await asyncio.sleep(0)  # the other task is inside no_grad now
        parents = (Value(1.0) + 1).parents
        gate.set()
        return parents

    async def main() -> tuple:
        gate = asyncio.Event()
        return await asyncio.gather(quiet(gate), loud(gate))

    quiet_parents, loud_parents = asyncio.run(main())
    assert quiet_parents == () and len(loud_parents) == 1


def test_backward_on_a_result_made_under_no_grad_raises():
    x = Value(2.0, "x")
    with no_grad():
        y = (x * 3).named("y")
    with pytest.raises(NoGraphError, match="y, a result computed inside no_grad"):
        y.backward()
    assert x.grad == 0.0
    leaf = Value(1.0, "leaf")  # a leaf of one's own is fine: d leaf / d leaf = 1
    leaf.backward()
    assert leaf.grad == 1.0


# --- finite gradients: the seed --------------------------------------------------------------------


@pytest.mark.parametrize("seed", [float("nan"), float("inf"), -float("inf")])
def test_a_nonfinite_seed_is_refused(seed):
    x = Value(2.0)
    with pytest.raises(NonFiniteError, match="the seed must be finite"):
        (x * x).backward(seed)
    with allow_nonfinite():
        (x * x).backward(seed)
    assert math.isnan(x.grad) or math.isinf(x.grad)


# --- the power rule at 0 ------------------------------------------------------------------------------


def test_the_derivative_of_a_zeroth_power_is_zero_everywhere():
    x = Value(0.0, "x")
    (x**0).backward()
    assert x.grad == 0.0


@pytest.mark.parametrize(("k", "order", "expected"), [(1, 2, 0.0), (2, 3, 0.0), (2, 2, 2.0)])
def test_higher_derivatives_of_integer_powers_at_zero(k, order, expected):
    x = Value(0.0, "x")
    g = x**k
    for _ in range(order - 1):
        (g,) = grad(g, [x], create_graph=True)
    (last,) = grad(g, [x], allow_unused=True) if isinstance(g, Value) else (0.0,)
    assert last == expected


def test_rosenbrock_third_derivatives_at_its_minimum():
    # f = (1 - x)^2 + 100 (y - x^2)^2; d3f/dx3 = 2400 x, d3f/dx2dy = -400, at (1, 1)
    x, y = Value(1.0, "x"), Value(1.0, "y")
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    (fx,) = grad(f, [x], create_graph=True)
    (fxx,) = grad(fx, [x], create_graph=True)
    fxxx, fxxy = grad(fxx, [x, y])
    assert (fxxx, fxxy) == (2400.0, -400.0)


# --- grad() ------------------------------------------------------------------------------------------


def test_grad_for_an_intermediate_with_create_graph_is_a_value():
    x = Value(1.5, "x")
    z = (x * x).named("z")  # an intermediate
    y = z.tanh()
    (dy_dz,) = grad(y, [z], create_graph=True)
    assert isinstance(dy_dz, Value)
    assert dy_dz.data == pytest.approx(1 - math.tanh(2.25) ** 2, rel=1e-15)
    (d2,) = grad(dy_dz, [x])  # d/dx (1 - tanh(x^2)^2) = -2 tanh(x^2) (1 - tanh(x^2)^2) 2x
    t = math.tanh(2.25)
    assert d2 == pytest.approx(-2 * t * (1 - t * t) * 3.0, rel=1e-14)


def test_grad_refuses_floats_values_not_in_the_graph_and_bare_values():
    x = Value(2.0, "x")
    y = x * x
    with pytest.raises(ArgumentTypeError, match=r"input 0 is float \(3.0\), not a Value"):
        grad(y, [3.0])
    with pytest.raises(ArgumentError, match="input z is not in the graph"):
        grad(y, [Value(1.0, "z")])
    assert grad(y, [x, Value(1.0, "z")], allow_unused=True) == [4.0, 0.0]
    with pytest.raises(ArgumentTypeError, match=r"write grad\(y, \[x\]\)"):
        grad(y, x)


def test_a_label_must_be_a_string():
    with pytest.raises(OperandTypeError, match=r"label=...\) takes a string, got int \(3\)"):
        Value(1.0, 3)
    with pytest.raises(OperandTypeError, match="named"):
        Value(1.0).named(None)


# --- finite gradients: local derivatives and products ------------------------------------------


@pytest.mark.parametrize(
    ("build", "words"),
    [
        (lambda: Value(1e-310, "x").log(), r"local derivative of log with respect to x is inf"),
        (lambda: 1 / Value(1e-200, "y"), r"local derivative of rdiv_k with respect to y is -inf"),
    ],
)
def test_a_nonfinite_local_derivative_raises_naming_the_operation(build, words):
    root = build()
    with pytest.raises(DomainError, match=words):
        root.backward()
    with pytest.raises(DomainError, match=words):
        explain(root)  # the tracer says the same, never "1 * inf = inf"
    with allow_nonfinite():
        root.backward()


def test_an_overflowing_product_raises_naming_the_values():
    x = Value(1e10, "x")
    y = (x * x).named("y")  # each edge's local derivative is 1e10; times 1e300 it overflows
    with pytest.raises(
        ValueOverflowError,
        match=r"x = 10000000000.0: local derivative 10000000000.0 times upstream gradient 1e\+300",
    ):
        y.backward(1e300)
    with pytest.raises(ValueOverflowError, match="upstream gradient 1e\\+300"):
        explain(y, seed=1e300)


def test_gradients_that_add_up_past_the_largest_float_raise():
    x = Value(1.0, "x")
    y = vsum([x, x])  # each product, 1 * 1e308, is finite; their sum is not
    with pytest.raises(ValueOverflowError, match="the gradients reaching x add up to inf"):
        y.backward(1e308)


def test_finite_gradients_are_unchanged_by_the_checks():
    x = Value(0.3, "x")
    y = (x.log() * x.exp() / (1 + x * x)).tanh()
    y.backward()
    t = math.log(0.3) * math.exp(0.3) / 1.09
    d = (1 / 0.3 * math.exp(0.3) + math.log(0.3) * math.exp(0.3)) / 1.09 - math.log(0.3) * math.exp(
        0.3
    ) * 0.6 / 1.09**2
    assert x.grad == pytest.approx((1 - math.tanh(t) ** 2) * d, rel=1e-13)


def test_large_but_finite_leaf_gradients_are_not_an_error():
    a, b = Value(1.0, "a"), Value(1.0, "b")
    y = a + b  # each leaf gets 1e308: finite, though their sum (the quick check) is not
    y.backward(1e308)
    assert a.grad == b.grad == 1e308
