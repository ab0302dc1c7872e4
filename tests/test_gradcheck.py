"""`gradcheck` passes right gradients and names the input whose gradient is wrong."""

from __future__ import annotations

import math

from autograd_lite import Value, gradcheck


def test_passes_a_correct_function_and_reports_every_input():
    result = gradcheck(lambda a, b: (a * b).tanh() + a.log(), [1.2, 0.3])
    assert result and result.ok and result.failures == ()
    a, b = 1.2, 0.3
    sech2 = 1 - math.tanh(a * b) ** 2
    assert [row.analytic for row in result.rows] == [sech2 * b + 1 / a, sech2 * a]
    assert all(row.error < 1e-8 for row in result.rows)


def test_names_the_input_whose_gradient_is_wrong():
    # Reading .data cuts the graph: backward() sees a constant, finite differences do not.
    result = gradcheck(lambda x, y: x * x.data + y, [Value(3.0, "x"), Value(1.0, "y")])
    assert not result
    (failure,) = result.failures
    assert failure.label == "x" and failure.index == 0
    assert failure.analytic == 3.0
    assert abs(failure.numeric - 6.0) < 1e-6
    text = str(result)
    assert "MISMATCH" in text and "x" in text and "disagrees" in text


def test_leaves_the_given_values_untouched():
    x = Value(0.5, "x")
    gradcheck(lambda v: v.sigmoid(), [x])
    assert x.grad == 0.0 and x.data == 0.5
