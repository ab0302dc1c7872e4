"""A trace is a snapshot: frozen, picklable, JSON round-trip; a stale graph is an error.

Readers (``explain``, ``chain``, ``draw``, ``save_svg``, the stepper page) record or draw a
graph only while every node's data is what its operands give; after an optimizer step or
an edit of ``.data`` they raise ``GraphChangedError`` instead of showing false arithmetic.
"""

from __future__ import annotations

import json
import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd_lite import (
    AutogradError,
    GraphChangedError,
    Trace,
    Value,
    allow_nonfinite,
    chain,
    dot,
    draw,
    explain,
    save_html,
    save_svg,
    stepper_page,
    topological_order,
    vsum,
)
from autograd_lite.render import GraphTooLargeError


def _state(root: Value) -> list[tuple[float, object]]:
    """Every node's data and grad, exactly (a Value grad by identity)."""
    return [(n.data, n.grad) for n in topological_order(root)]


# --- stale graphs ---------------------------------------------------------------------------------


def test_a_sgd_step_makes_explain_raise_naming_the_stale_node(seed002_neuron_backward):
    n = seed002_neuron_backward
    for p in (n.W1, n.W2, n.b):
        p.data -= 50.0 * p.grad  # the weights move; s, predicted and E keep their old data
    with pytest.raises(GraphChangedError) as info:
        explain(n.E)
    message = str(info.value)
    assert isinstance(info.value, AutogradError)
    assert "s = 1.94" in message  # the first stale node and its data at the forward pass
    assert "dot" in message
    now = n.W1.data * 0.1 + n.W2.data * 0.3 + n.b.data
    assert f"give {now:.12g}" in message  # what its operands give now
    for name in ("W1", "W2", "b"):
        assert f"{name} (now {getattr(n, name).data:.12g})" in message
    assert "forward pass again" in message


def test_an_nn_optimizer_step_makes_every_reader_raise(tmp_path):
    neuron = nn.Neuron(2, activation="sigmoid")
    loss = (neuron([0.1, 0.3]) - 0.03) ** 2
    loss.backward()
    nn.SGD(neuron.parameters(), lr=0.5).step()
    readers = [
        lambda: explain(loss),
        lambda: chain(loss, neuron.parameters()[0]),
        lambda: draw(loss),
        lambda: save_svg(loss, tmp_path / "g.svg"),
        lambda: stepper_page(loss),
        lambda: save_html(loss, tmp_path / "g.html"),
    ]
    for read in readers:
        with pytest.raises(GraphChangedError, match="changed after its forward pass"):
            read()
    assert not (tmp_path / "g.svg").exists() and not (tmp_path / "g.html").exists()


def test_a_hand_edit_of_a_leaf_names_that_leaf(seed002_neuron):
    n = seed002_neuron
    n.W1.data = 0.9
    with pytest.raises(GraphChangedError) as info:
        explain(n.E)
    message = str(info.value)
    assert "s = 1.94" in message and "W1 (now 0.9)" in message
    assert "X1" in message  # X1 is read by s alone: it cannot be cleared
    assert "desired" not in message  # read by a node whose data still holds


def test_a_hand_edit_of_an_intermediate_names_it_and_its_old_value(seed002_neuron):
    n = seed002_neuron
    n.s.data = 5.0
    with pytest.raises(GraphChangedError) as info:
        explain(n.E)
    message = str(info.value)
    assert "The operand that changed is s itself" in message
    assert "was 1.94 at the forward pass and is 5 now" in message


def test_the_check_runs_before_an_edit_of_the_root_is_drawn(seed002_neuron):
    n = seed002_neuron
    n.E.data = 1.0
    with pytest.raises(GraphChangedError, match="E = 1 "):
        explain(n.E)


def test_a_graph_redone_after_the_step_explains_again(seed002_neuron_backward):
    n = seed002_neuron_backward
    for p in (n.W1, n.W2, n.b):
        p.data -= 0.5 * p.grad
    s = dot([n.W1, n.W2], [n.X1, n.X2], n.b).named("s")
    error = (0.5 * (n.desired - s.sigmoid()) ** 2).named("E")
    assert explain(error).node("s").data == s.data


def test_nonfinite_data_made_under_allow_nonfinite_is_not_stale():
    with allow_nonfinite():
        x = Value(float("inf"), "x")
        y = (x - x).named("y")  # nan
        z = (y * 2.0).named("z")
        trace = explain(z)
    assert math.isnan(trace.node("z").data)


# --- the check never fires on an unmodified graph ------------------------------------------------


@pytest.mark.parametrize("name", nn.examples.names())
def test_every_worked_example_explains_its_own_fresh_graph(name, example_result):
    result = example_result(name)
    assert isinstance(result.trace, Trace)
    assert result.trace.forward, name
    # the trace was taken on the example's graph before it trained on: the snapshot holds
    # the step-0 numbers, and reloads equal
    assert Trace.from_json(result.trace.to_json()) == result.trace


_UNARY = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "relu": lambda a: a.relu(),
    "exp": lambda a: (a.tanh() * 3.0).exp(),
    "square": lambda a: a**2,
    "neg": lambda a: -a,
    "half": lambda a: 0.5 * a,
    "log": lambda a: (1.0 + a * a).log(),
}
_BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "dot": lambda a, b: dot([a, b], [b, a], 0.25),
    "sum": lambda a, b: vsum([a, b, a]),
}


@st.composite
def random_graphs(draw_):
    """Up to 25 operations of the table over one to four leaves, any node reused."""
    leaves = [
        Value(draw_(st.floats(-2, 2, allow_nan=False)), f"x{i}")
        for i in range(draw_(st.integers(1, 4)))
    ]
    nodes = list(leaves)
    for _ in range(draw_(st.integers(1, 25))):
        a = draw_(st.sampled_from(nodes))
        if draw_(st.booleans()):
            nodes.append(_UNARY[draw_(st.sampled_from(sorted(_UNARY)))](a))
        else:
            b = draw_(st.sampled_from(nodes))
            nodes.append(_BINARY[draw_(st.sampled_from(sorted(_BINARY)))](a, b))
    return vsum(nodes[len(leaves) :])


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_random_graphs_never_look_stale_and_reload_equal(root):
    before = _state(root)
    trace = explain(root)
    assert pickle.loads(pickle.dumps(trace)) == trace
    assert Trace.from_dict(json.loads(json.dumps(trace.to_dict()))) == trace
    assert _state(root) == before
    root.backward()  # the replayed gradients are those backward() stores
    leaves = {n.label: n for n in topological_order(root) if not n.parents and n.label}
    for label, leaf in leaves.items():
        assert trace.node(label).grad == leaf.grad
    explain(root)  # backward() changes no data: still not stale


def test_second_order_graphs_are_not_stale():
    x = Value(0.7, "x")
    y = (x * x.tanh()).named("y")
    y.backward(create_graph=True)
    dydx = x.grad
    assert isinstance(dydx, Value)
    x.grad = 0.0
    trace = explain(dydx)
    assert trace.forward
    assert pickle.loads(pickle.dumps(trace)) == trace


# --- a snapshot is plain data ---------------------------------------------------------------------


def test_pickle_and_json_round_trips_equal_the_original(seed002_neuron_backward):
    trace = explain(seed002_neuron_backward.E)
    assert pickle.loads(pickle.dumps(trace)) == trace
    reloaded = Trace.from_json(trace.to_json())
    assert reloaded == trace
    assert reloaded.to_text() == trace.to_text()
    assert reloaded.node("W1").grad == trace.node("W1").grad


def test_records_hold_only_names_numbers_and_strings(seed002_neuron):
    trace = explain(seed002_neuron.E)

    def walk(x):
        if isinstance(x, (list, tuple)):
            for item in x:
                walk(item)
        elif isinstance(x, dict):
            for k, v in x.items():
                assert isinstance(k, str)
                walk(v)
        else:
            assert x is None or isinstance(x, (str, int, float, bool)), repr(x)

    walk(trace.to_dict())
    for step in trace.forward:
        for value in (getattr(step, f) for f in step.__slots__):
            assert not callable(value) and not isinstance(value, Value)


def test_every_edge_has_its_local_derivative_in_the_record(seed002_neuron):
    trace = explain(seed002_neuron.E)
    s = next(step for step in trace.forward if step.name == "s")
    # operands (X1, W1, X2, W2, b): ds/dX1 = W1, ds/dW1 = X1, ..., ds/db = 1
    assert s.local == (0.5, 0.1, 0.2, 0.3, 1.0)
    predicted = next(step for step in trace.forward if step.name == "predicted")
    out = 1 / (1 + math.exp(-1.94))
    assert predicted.local == pytest.approx((out * (1 - out),), rel=1e-15)


def test_a_trace_outlives_its_values_and_the_training_that_follows(seed002_neuron_backward):
    n = seed002_neuron_backward
    trace = explain(n.E)
    text = trace.to_text()
    for p in (n.W1, n.W2, n.b):
        p.data -= 0.5 * p.grad
    assert trace.to_text() == text  # the snapshot kept the step-0 numbers
    assert "s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = 1.94" in text
    page = stepper_page(trace)  # drawn from the snapshot, though the graph moved on
    assert "1.94" in page.html
    svg = draw(trace).pipe(format="svg", encoding="utf-8")
    assert "data 1.94" in svg


# --- readers never write a Value ------------------------------------------------------------------


@pytest.mark.parametrize("backward_calls", [0, 1, 2])
def test_page_and_svg_leave_every_grad_and_data_as_it_was(seed002_neuron, tmp_path, backward_calls):
    n = seed002_neuron
    for _ in range(backward_calls):
        n.E.backward()
    before = _state(n.E)
    ids_before = [id(g) for _, g in before]
    stepper_page(n.E)
    save_html(n.E, tmp_path / "page.html")
    save_svg(n.E, tmp_path / "graph.svg")
    draw(n.E, highlight=n.s)
    explain(n.E)
    chain(n.E, n.W1)
    assert _state(n.E) == before
    assert [id(g) for _, g in _state(n.E)] == ids_before


def test_the_drawing_limit_is_checked_before_the_graph_is_read():
    x = Value(1.0, "x")
    v = x
    for _ in range(600):
        v = v * 1.0
    with pytest.raises(GraphTooLargeError, match="601 Values"):
        draw(v)
    with pytest.raises(GraphTooLargeError, match="601 Values"):
        draw(explain(v))


def test_highlighting_a_value_needs_the_value_drawn(seed002_neuron):
    trace = explain(seed002_neuron.E)
    with pytest.raises(TypeError, match="highlight a Value only when drawing"):
        draw(trace, highlight=seed002_neuron.s)
    assert draw(trace, highlight="s") is not None


def test_a_record_missing_a_field_is_refused_by_name(seed002_neuron):
    data = explain(seed002_neuron.E).to_dict()
    del data["forward"][0]["flat"]
    with pytest.raises(ValueError, match="a ForwardStep record lacks its field 'flat'"):
        Trace.from_dict(data)
