"""``autograd-lite example NAME --program``: the example's graph printed as the compiled program."""

from __future__ import annotations

import pytest

import nn.examples
from autograd_lite import compile_graph, topological_order
from tests.cli import run_cli


def test_gad_neuron_prints_its_program_after_the_table():
    done = run_cli("example", "gad-neuron", "--program")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("MISMATCH") < out.index("The backward pass is this program")
    lines = [line.strip() for line in out.splitlines()]
    assert "s = b + X1 * W1 + X2 * W2  # 1.94" in lines
    assert "predicted = _sigmoid(s)  # 0.874352" in lines
    assert "grad_s = predicted * (1 - predicted) * grad_predicted" in lines
    assert "grad_W1 = X1 * grad_s" in lines
    assert "Forward pass" not in out  # the program instead of the step-through
    assert "def forward(" not in out


@pytest.mark.parametrize("name", list(nn.examples.CATALOGUE))
def test_every_example_compiles_and_its_program_gives_backwards_gradients(example_result, name):
    result = example_result(name)
    order = topological_order(result.root)
    leaves = [v for v in order if not v.parents]
    prog = compile_graph(result.root, leaves)
    # The example may have trained on since its trace: the engine again, on the numbers now.
    from autograd_lite.recording import rebuild

    root, fresh, _ = rebuild(prog.recording, [v.data for v in leaves])
    root.backward()
    out, grads = prog([v.data for v in leaves])
    assert out == root.data
    assert list(grads) == [v.grad for v in fresh]
    assert prog.source.count("\n") >= len(order)
