"""The step-through tracer: its numbers are backward()'s, bit for bit, and read from the table."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import (
    AutogradError,
    ForwardStep,
    NodeName,
    Op,
    Value,
    chain,
    dot,
    explain,
    format_number,
    local_grads,
    node_names,
    topological_order,
    vsum,
)

# --- random graphs -------------------------------------------------------------------------------

UNARY = ["neg", "tanh", "sigmoid", "relu", "square", "exp_tanh"]
BINARY = ["add", "sub", "mul", "mul_self"]
NARY = ["vsum", "dot"]


@st.composite
def random_graphs(draw):
    """A random DAG: shared subexpressions, repeated operands (x*x) and n-ary nodes."""
    n_leaves = draw(st.integers(1, 4))
    nodes = [Value(draw(st.floats(-2, 2)), f"x{i}") for i in range(n_leaves)]
    for _ in range(draw(st.integers(1, 12))):
        pick = st.integers(0, len(nodes) - 1)
        kind = draw(st.sampled_from(UNARY + BINARY + NARY))
        a, b = nodes[draw(pick)], nodes[draw(pick)]
        if kind == "neg":
            node = -a
        elif kind == "tanh":
            node = a.tanh()
        elif kind == "sigmoid":
            node = a.sigmoid()
        elif kind == "relu":
            node = a.relu()
        elif kind == "square":
            node = a**2
        elif kind == "exp_tanh":
            node = a.tanh().exp()
        elif kind == "add":
            node = a + b
        elif kind == "sub":
            node = a - draw(st.floats(-2, 2))  # a constant leaf
        elif kind == "mul":
            node = a * b
        elif kind == "mul_self":
            node = a * a
        else:
            k = draw(st.integers(1, 4))
            xs = [nodes[draw(pick)] for _ in range(k)]
            if kind == "vsum":
                node = vsum(xs)
            else:
                ws = [nodes[draw(pick)] for _ in range(k)]
                node = dot(ws, xs, draw(st.sampled_from([None, 0.5])))
        if draw(st.booleans()):
            node.named(f"n{len(nodes)}")
        nodes.append(node)
    tail = nodes[-draw(st.integers(1, min(3, len(nodes)))) :]
    root = vsum(tail) if len(tail) > 1 else tail[0]
    return root


@settings(max_examples=150, deadline=None)
@given(random_graphs(), st.sampled_from([1.0, -0.5, 2.0]))
def test_contributions_sum_to_each_gradient_backward_computes(root, seed):
    root.backward(seed)
    trace = explain(root, seed=seed)
    order = topological_order(root)
    names = node_names(order)
    by_id = {names[n].node_id: n for n in order}

    received = {node: [] for node in order}
    for step in trace.backward:
        node = by_id[step.node_id]
        # the upstream gradient of each processed node is exactly backward()'s
        assert step.upstream == node.grad
        if step.upstream == 0.0:
            assert step.contributions == ()
            continue
        locals_ = local_grads(node)
        assert [c.position for c in step.contributions] == list(range(len(node.parents)))
        for c in step.contributions:
            parent = by_id[c.parent_id]
            assert parent is node.parents[c.position]
            assert c.local == locals_[c.position]  # read from the table, untouched
            assert c.product == c.local * c.upstream
            received[parent].append(c)

    for node in order:
        if node is root:
            continue
        total = 0.0
        for c in received[node]:
            total += c.product
            assert c.accumulated == total  # the running sum after each contribution
        assert total == node.grad  # bit for bit what backward() stored
        assert trace.node(names[node].node_id).grad == node.grad


@settings(max_examples=100, deadline=None)
@given(random_graphs(), st.booleans())
def test_chain_derivation_agrees_with_backward(root, every_node):
    root.backward()
    for leaf in [n for n in topological_order(root) if not n.parents]:
        derivation = chain(root, leaf, every_node=every_node, max_paths=10**6)
        assert math.isclose(derivation.value, leaf.grad, rel_tol=1e-9, abs_tol=1e-12)
        for path in derivation.paths:
            product = 1.0
            for factor in path.factors:
                product *= factor.value
            assert path.product == product


# --- seed 002 ------------------------------------------------------------------------------------


def test_forward_steps_read_as_in_the_article(seed002_neuron):
    trace = explain(seed002_neuron.E)
    assert [s.text() for s in trace.forward] == [
        "s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = 1.94",
        "predicted = sigmoid(s) = sigmoid(1.94) = 0.874352143",
        "v1 = desired - predicted = 0.03 - 0.874352143 = -0.844352143",
        "v2 = v1**2 = (-0.844352143)**2 = 0.712930542",
        "E = 0.5*v2 = 0.5*0.712930542 = 0.356465271",
    ]
    s = trace.forward[0]
    assert s.operand_names == ("X1", "W1", "X2", "W2", "b")
    assert s.operand_values == (0.1, 0.5, 0.3, 0.2, 1.83)
    assert s.op == "dot"


def test_backward_steps_read_as_in_the_article(seed002_neuron):
    trace = explain(seed002_neuron.E)
    texts = [c.text() for c in trace.steps if c.phase == "backward"]
    assert "dE/ds = dE/dpredicted * dpredicted/ds = 0.844352143 * 0.109860473 = 0.0927609256" in (
        texts
    )
    assert "dE/dW1 = dE/ds * ds/dW1 = 0.0927609256 * 0.1 = 0.00927609256" in texts
    assert "dE/db = dE/ds * ds/db = 0.0927609256 * 1 = 0.0927609256" in texts
    # processed in reverse topological order, root first
    assert [b.name for b in trace.backward] == ["E", "v2", "v1", "predicted", "s"]
    assert trace.backward[0].upstream == 1.0


def test_chain_factors_only_through_labelled_nodes(seed002_neuron):
    n = seed002_neuron
    derivation = chain(n.E, n.W1)
    assert derivation.to_text() == (
        "dE/dW1 = dE/dpredicted * dpredicted/ds * ds/dW1"
        " = 0.844352143 * 0.109860473 * 0.1 = 0.00927609256"
    )
    (path,) = derivation.paths
    assert [f.symbol() for f in path.factors] == ["dE/dpredicted", "dpredicted/ds", "ds/dW1"]
    # dE/dpredicted runs through the unlabelled v2 and v1: 0.5 * 2*v1 * (-1)
    v1 = n.desired.data - n.predicted.data
    assert path.factors[0].value == pytest.approx(0.5 * (2 * v1) * -1, rel=1e-15)
    every = chain(n.E, n.W1, every_node=True)
    assert [f.symbol() for f in every.paths[0].factors] == [
        "dE/dv2",
        "dv2/dv1",
        "dv1/dpredicted",
        "dpredicted/ds",
        "ds/dW1",
    ]
    assert every.value == pytest.approx(derivation.value, rel=1e-15)


def test_chain_sums_over_paths():
    x = Value(3.0, "x")
    a = (x * 2).named("a")
    b = (x * x).named("b")
    loss = (a + b).named("L")
    derivation = chain(loss, x)
    assert derivation.to_text() == "dL/dx = dL/da * da/dx + dL/db * db/dx = 1 * 2 + 1 * 6 = 8"
    assert derivation.value == 8.0
    assert [p.product for p in derivation.paths] == [2.0, 6.0]


def test_chain_of_unrelated_value_and_of_the_root_itself(seed002_neuron):
    n = seed002_neuron
    assert chain(n.E, Value(1.0, "z")).to_text() == "dE/dz = 0 (E does not depend on z)"
    assert chain(n.E, Value(1.0, "z")).value == 0.0
    assert chain(n.E, n.E).to_text() == "dE/dE = 1"
    assert chain(n.E, n.predicted).to_text() == "dE/dpredicted = 0.844352143"


def test_chain_refuses_too_many_paths_naming_the_parameter():
    x = Value(1.0, "x")
    v = x
    for i in range(12):  # every level doubles the paths: 4096 in all
        v = (v.tanh().named(f"a{i}") + v.sigmoid().named(f"b{i}")).named(f"s{i}")
    with pytest.raises(ValueError, match=r"4096 paths.*max_paths=64.*max_paths=4096"):
        chain(v, x)
    assert len(chain(v, x, max_paths=4096).paths) == 4096


def test_every_number_comes_from_the_operation_table():
    # A made-up row whose "derivative" is 7 wherever it is: the trace must show 7.
    fake = Op("fake", lambda a: f"fake({a})", lambda a: 2 * a, lambda out, a: (7.0,))
    x = Value(3.0, "x")
    y = Value(6.0, "y")
    y.op, y.parents = fake, (x,)
    root = (y * 1.0).named("r")
    trace = explain(root)
    assert trace.forward[0].text() == "y = fake(x) = fake(3) = 6"
    contribution = next(c for c in trace.steps if c.phase == "backward" and c.name == "y")
    assert contribution.local == 7.0
    assert trace.node("x").grad == 7.0
    assert chain(root, x).value == 7.0


# --- names ---------------------------------------------------------------------------------------


def test_names_labels_generated_and_constants():
    a = Value(2.0, "v1")  # a user label that looks generated
    b = Value(3.0)
    c = a * b + 4.0
    d = (c * c).named("d")
    names = node_names(topological_order(d))
    assert names[a] == NodeName("v1", "v1")
    assert names[b].name == "3" and names[b].node_id.startswith("c")
    assert names[c.parents[0]].name == "v2"  # v1 is taken by the label
    assert names[c].name == "v3"
    assert names[d].name == "d"
    ids = [n.node_id for n in names.values()]
    assert len(set(ids)) == len(ids)


def test_repeated_and_odd_labels_get_unique_safe_ids():
    a, b = Value(1.0, "s"), Value(2.0, "s")
    c = (a + b).named("layer 1: out")
    names = node_names(topological_order(c))
    assert names[a].name == "s" and names[b].name == "s#2"
    assert names[a].node_id == "s" and names[b].node_id == "s#2"
    assert names[c].name == "layer 1: out" and names[c].node_id == "layer_1__out"
    assert "dlayer" not in explain(c).to_text()  # odd names are parenthesised: d(layer 1: out)
    assert "d(layer 1: out)/d(layer 1: out) = 1" in explain(c).to_text()


def test_repeated_operand_gives_two_contributions():
    x = Value(3.0, "x")
    y = (x * x).named("y")
    trace = explain(y)
    first, second = trace.backward[0].contributions
    assert (first.position, second.position) == (0, 1)
    assert first.first and not second.first
    assert second.accumulated == 6.0
    assert second.text() == "dy/dx += dy/dy * dy/dx = 1 * 3 = 3, so dy/dx = 6"


def test_zero_upstream_passes_nothing_on_like_backward():
    x = Value(-1.0, "x")
    r = x.relu().named("r")
    loss = (r * 0.0 + x).named("L")
    trace = explain(loss)
    at_r = next(b for b in trace.backward if b.name == "r")
    assert at_r.upstream == 0.0 and at_r.contributions == ()
    assert "nothing to pass on" in trace.to_text()


# --- renderings ----------------------------------------------------------------------------------


def test_digits_parameter_and_its_validation(seed002_neuron):
    trace = explain(seed002_neuron.E, digits=4)
    assert trace.forward[1].text(4) == "predicted = sigmoid(s) = sigmoid(1.94) = 0.8744"
    assert "predicted = sigmoid(s) = sigmoid(1.94) = 0.8744" in str(trace)
    assert "0.874352143" in trace.to_text(digits=9)
    for bad in (0, 18, 2.5, True):
        with pytest.raises(ValueError, match="digits"):
            explain(seed002_neuron.E, digits=bad)
    assert format_number(-0.0) == "0" and format_number(2.0) == "2"


def test_markdown_html_and_dict_forms(seed002_neuron):
    trace = explain(seed002_neuron.E)
    md = trace.to_markdown()
    assert "| 1 | `s` | dot | `X1*W1 + X2*W2 + b` | `0.1*0.5 + 0.3*0.2 + 1.83` | 1.94 |" in md
    assert "| 12 | `s` | 0.0927609256 | `W1` | 0.1 | 0.00927609256 | 0.00927609256 |" in md

    html = trace._repr_html_()
    root = ET.fromstring(html)  # well-formed
    rows = root.findall(".//tbody/tr")
    assert len(rows) == len(trace.steps)
    assert rows[0].get("data-node-id") == "s"
    assert [td.text for td in rows[0]][-1] == "1.94"

    data = json.loads(trace.to_json())
    assert data["root_id"] == "E"
    assert data["forward"][0]["text"] == trace.forward[0].text()
    assert data["forward"][0]["operand_ids"] == ["X1", "W1", "X2", "W2", "b"]
    assert "show" not in data["forward"][0]
    contributions = [c for b in data["backward"] for c in b["contributions"]]
    assert [c["index"] for c in contributions] == list(range(6, 16))  # 5 forward steps, 10 products
    assert [s.index for s in trace.steps] == list(range(1, len(trace.steps) + 1))
    assert {n["node_id"] for n in data["nodes"]} >= {"X1", "W1", "s", "predicted", "E"}

    derivation = chain(seed002_neuron.E, seed002_neuron.W1)
    assert derivation.to_dict()["text"] == derivation.to_text()
    assert ET.fromstring(derivation._repr_html_()).text == derivation.to_text()
    assert derivation.to_markdown() == f"`{derivation.to_text()}`"


def test_leaf_root_and_bad_arguments():
    trace = explain(Value(2.0, "x"))
    assert trace.forward == () and trace.backward == ()
    assert trace.node("x").grad == 1.0
    with pytest.raises(TypeError, match="Value"):
        explain(2.0)
    with pytest.raises(TypeError, match="Value"):
        chain(Value(1.0), 3)
    with pytest.raises(KeyError, match="nope"):
        trace.node("nope")


def test_local_derivative_failure_names_the_node():
    x = Value(0.0, "x")
    y = (x**0.5).named("root_x")
    with pytest.raises(AutogradError, match="root_x"):
        explain(y)


def test_deep_chain_needs_no_recursion():
    x = Value(0.5, "x")
    v = x
    for _ in range(20_000):
        v = v * 1.0
    v.named("y")
    trace = explain(v)
    assert len(trace.forward) == 20_000
    assert trace.node("x").grad == 1.0
    assert chain(v, x).value == 1.0
    assert len(chain(v, x, every_node=True).paths[0].factors) == 20_000


def test_steps_are_plain_frozen_records(seed002_neuron):
    step = explain(seed002_neuron.E).forward[0]
    assert isinstance(step, ForwardStep)
    with pytest.raises(AttributeError):
        step.result = 0.0  # type: ignore[misc]


def test_a_traces_repr_is_one_line():
    x = Value(2.0, "x")
    y = (x * x).named("y")
    assert repr(explain(y)) == (
        "<Trace of y: 1 forward steps, 2 chain-rule products; print() it for every step>"
    )
