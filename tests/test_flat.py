"""Flat edges: the trace marks a local derivative that is 0 or below FLAT_BELOW in absolute value.

A dead ReLU (local 0) and a saturated sigmoid (``sigmoid(10)``: 4.5e-5) pass back almost
none of their gradient; ``ForwardStep.flat`` says so per operand, ``flat_note()`` in words,
and the trace's text ends the step's line with the note.
"""

from __future__ import annotations

import json
import math
import pickle

import pytest

from autograd_lite import Trace, Value, dot, explain
from autograd_lite.trace import FLAT_BELOW


def _only_step(root: Value):
    (step,) = explain(root).forward
    return step


def test_the_threshold_is_documented_as_one_thousandth():
    assert FLAT_BELOW == 1e-3


def test_a_dead_relu_is_flat():
    step = _only_step(Value(-2.0, "z").relu().named("h"))
    assert step.local == (0.0,)
    assert step.flat == (True,)
    assert step.flat_note() == "[flat: dh/dz = 0]"


def test_a_live_relu_is_not_flat():
    step = _only_step(Value(2.0, "z").relu().named("h"))
    assert step.local == (1.0,)
    assert step.flat == (False,)
    assert step.flat_note() == ""


def test_a_saturated_sigmoid_is_flat():
    step = _only_step(Value(10.0, "s").sigmoid().named("p"))
    p = 1 / (1 + math.exp(-10.0))
    assert step.local[0] == pytest.approx(p * (1 - p), rel=1e-12)
    assert step.local[0] == pytest.approx(4.54e-5, rel=1e-3)
    assert step.flat == (True,)
    assert step.flat_note(digits=3) == "[flat: dp/ds = 4.54e-05]"


def test_a_sigmoid_at_zero_is_not_flat():
    step = _only_step(Value(0.0, "s").sigmoid().named("p"))
    assert step.local == (0.25,)
    assert step.flat == (False,)


@pytest.mark.parametrize(
    ("local", "flat"),
    [(0.0, True), (-0.0, True), (9.99e-4, True), (-9.99e-4, True), (1e-3, False), (-1e-3, False)],
)
def test_the_threshold_is_on_the_absolute_value(local, flat):
    # x * k has local derivative k with respect to x
    step = _only_step((Value(1.0, "x") * local).named("y"))
    assert step.local == (local,)
    assert step.flat == (flat,)


def test_one_flag_per_operand():
    # s = X1*W1 + X2*W2 + b: ds/dW2 = X2 = 0 is flat, the others are not
    x1, w1, x2, w2, b = (
        Value(v, n) for v, n in [(0.1, "X1"), (0.5, "W1"), (0.0, "X2"), (0.2, "W2"), (1.0, "b")]
    )
    step = _only_step(dot([w1, w2], [x1, x2], b).named("s"))
    assert step.operand_names == ("X1", "W1", "X2", "W2", "b")
    assert step.flat == (False, False, False, True, False)
    assert step.flat_note() == "[flat: ds/dW2 = 0]"


def test_the_text_marks_the_flat_step_only():
    z = Value(-1.5, "z")
    E = (0.5 * (z.relu().named("h") - 1.0) ** 2).named("E")
    lines = explain(E).to_text().splitlines()
    marked = [line for line in lines if "[flat:" in line]
    assert marked == ["  1. h = relu(z) = relu((-1.5)) = 0  [flat: dh/dz = 0]"]
    assert "[flat:" not in explain(E).forward[0].text()  # the step's own text is unchanged


def test_pickle_and_json_keep_the_flags():
    s = Value(10.0, "s")
    root = (s.sigmoid() + Value(-3.0, "z").relu() + s).named("r")
    trace = explain(root)
    assert [step.flat for step in trace.forward] == [
        (True,),
        (True,),
        (False, False),
        (False, False),
    ]
    for copy in (pickle.loads(pickle.dumps(trace)), Trace.from_json(trace.to_json())):
        assert copy == trace
        assert [step.flat for step in copy.forward] == [step.flat for step in trace.forward]
        assert all(isinstance(step.flat, tuple) for step in copy.forward)
    data = json.loads(trace.to_json())
    assert data["forward"][0]["flat"] == [True]
