"""A node whose gradient is 0.0 is passed over by the program, as ``backward()`` passes over it.

``backward()`` never computes the local derivatives of such a node (a neuron behind a ReLU
that is off, a square root behind one). Nor does the program: it would meet the error the
engine never meets (``0.5 * x ** -0.5`` at ``x = 0``) and hand the call over to the engine
to find none, and it would spend the time of every product of a dead neuron for nothing.
"""

from __future__ import annotations

import struct
import sys
from unittest.mock import patch

import pytest

from autograd_lite import Value, chunked, compile_graph, dot


def bits(xs) -> list[bytes]:
    return [struct.pack("<d", x) for x in xs]


def sqrt_behind_relu(x0: float, w0: float):
    x, w = Value(x0, "x"), Value(w0, "w")
    root = (x**0.5 * w).relu() + x * 0.25  # relu(0) passes 0.0 back: sqrt's gradient is 0.0
    return root, [x, w]


@pytest.mark.parametrize("chunk", [False, True])
def test_a_derivative_that_would_divide_by_zero_is_never_computed(chunk):
    root, leaves = sqrt_behind_relu(4.0, 1.5)
    if chunk:  # the same in a program cut into parts (a long graph)
        with patch("autograd_lite.compiler.MAX_LINES", 2), patch.object(chunked, "PART_LINES", 2):
            prog = compile_graph(root, leaves)
        assert "def _backward1(_V, _L, _G, _GL):" in prog.source
    else:
        prog = compile_graph(root, leaves)
    assert "if grad_" in prog.source or "if _g" in prog.source  # the guard, flat or in parts
    root2, leaves2 = sqrt_behind_relu(0.0, 1.5)  # d sqrt(x) / dx at 0 is 1 / 0
    root2.backward()  # the engine passes over it: no error
    assert [v.grad for v in leaves2] == [0.25, 0.0]
    with patch("autograd_lite.program.replay", side_effect=AssertionError("replayed")):
        out, grads = prog([0.0, 1.5])  # no ZeroDivisionError handed over to the engine
    assert bits([out, *grads]) == bits([root2.data, *(v.grad for v in leaves2)])
    root3, leaves3 = sqrt_behind_relu(9.0, 2.0)  # alive: the same products as backward()
    root3.backward()
    out, grads = prog([9.0, 2.0])
    assert bits([out, *grads]) == bits([root3.data, *(v.grad for v in leaves3)])


def wide_neurons(ws0: list[list[float]], xs0: list[float]):
    xs = [Value(x, f"x{i}") for i, x in enumerate(xs0)]
    weights = [[Value(w, f"w{j}_{i}") for i, w in enumerate(row)] for j, row in enumerate(ws0)]
    hidden = [dot(row, xs).relu() for row in weights]
    return dot([1.0] * len(hidden), hidden), [w for row in weights for w in row] + xs


def _lines_run(prog, call):
    """The source lines of ``prog`` that ran during ``call()`` (a line trace of its code)."""
    ran: set[int] = set()

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != prog.filename:
            return None
        if event == "line":
            ran.add(frame.f_lineno)
        return tracer

    sys.settrace(tracer)
    try:
        result = call()
    finally:
        sys.settrace(None)
    lines = prog.source.splitlines()
    return [lines[n - 1].strip() for n in sorted(ran)], result


def test_a_dead_neurons_products_are_skipped_and_its_gradients_are_zero():
    ws = [[0.5, -0.25, 1.0, 0.75], [-1.0, 0.5, -0.5, 0.25]]
    root, inputs = wide_neurons(ws, [1.0, 2.0, 3.0, 4.0])
    prog = compile_graph(root, inputs)
    assert prog.source.count("if grad_") == 2  # each neuron's 8 products behind one test
    xs = [1.0, -2.0, 3.0, 4.0]  # the second neuron: -1 - 1 - 1.5 + 1 < 0, off
    ran, (out, grads) = _lines_run(prog, lambda: prog([w for row in ws for w in row] + xs))
    dead = [line for line in prog.source.splitlines() if line.strip().startswith("grad_w1_")]
    assert dead and not set(map(str.strip, dead)) & set(ran)  # none of its products ran
    assert any(line.startswith("grad_w0_0") for line in ran)  # the live neuron's did
    root2, inputs2 = wide_neurons(ws, xs)
    root2.backward()
    assert bits([out, *grads]) == bits([root2.data, *(v.grad for v in inputs2)])
    assert bits(grads[4:8]) == bits([0.0] * 4)  # +0.0, as the engine's, not -0.0
