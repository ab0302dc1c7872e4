"""The Graphviz renderer: the SVG shows every labelled Value, its data and grad, and the step."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from autograd_lite import (
    DotNotFoundError,
    GraphTooLargeError,
    Value,
    draw,
    explain,
    format_number,
    local_grads,
    save_svg,
    topological_order,
    vsum,
)
from autograd_lite.ids import op_id
from autograd_lite.render import HIGHLIGHT_FILL, HIGHLIGHT_LINE

SVG = "{http://www.w3.org/2000/svg}"

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="graphviz's dot is not installed (make test installs it)"
)


def svg_groups(svg: bytes) -> dict[str, ET.Element]:
    """The SVG's <g> elements by id: Graphviz gives each node and edge the id we set."""
    root = ET.fromstring(svg)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


def texts(group: ET.Element) -> list[str]:
    return [t.text for t in group.iter(f"{SVG}text")]


def fills(group: ET.Element) -> set[str]:
    return {e.get("fill") for e in group.iter() if e.get("fill")}


def strokes(group: ET.Element) -> set[str]:
    return {e.get("stroke") for e in group.iter() if e.get("stroke")}


@needs_dot
def test_svg_parses_and_shows_each_labelled_value_and_gradient(seed002_neuron_backward, tmp_path):
    error = seed002_neuron_backward.E
    path = save_svg(error, tmp_path / "neuron.svg")
    groups = svg_groups(path.read_bytes())
    labelled = [n for n in topological_order(error) if n.label]
    assert len(labelled) == 9
    for node in labelled:
        shown = texts(groups[node.label])
        assert node.label in shown
        assert f"data {format_number(node.data, 4)}" in shown
        assert f"grad {format_number(node.grad, 4)}" in shown
    assert "grad 0.009276" in texts(groups["W1"])  # dE/dW1, four digits
    assert "grad 0.09276" in texts(groups["b"])  # dE/db: the article says 0


@needs_dot
def test_one_operation_node_per_operation_and_ids_shared_with_the_trace(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    order = topological_order(error)
    groups = svg_groups(draw(error).pipe(format="svg"))
    trace = explain(error)
    node_ids = {n.node_id for n in trace.nodes}
    op_ids = {op_id(s.node_id) for s in trace.forward}
    drawn = {i for i, g in groups.items() if g.get("class") == "node"}
    assert drawn == node_ids | op_ids
    assert len(op_ids) == 5  # the five-operand dot is one operation
    assert texts(groups["s~op"]) == ["dot"]
    edges = {i for i, g in groups.items() if g.get("class") == "edge"}
    assert len(edges) == sum(len(n.parents) + 1 for n in order if n.parents)


@needs_dot
def test_edges_show_local_derivatives_from_the_table(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    predicted = error.parents[0].parents[0].parents[1]  # E = 0.5*(desired - predicted)**2
    assert predicted.label == "predicted"
    groups = svg_groups(draw(error).pipe(format="svg"))
    (local,) = local_grads(predicted)
    assert texts(groups["predicted~in0"]) == [format_number(local, 4)]  # 0.1099
    assert texts(groups["s~in1"]) == ["0.1"]  # ds/dW1 = X1
    bare = svg_groups(draw(error, show_local=False, show_grad=False).pipe(format="svg"))
    assert texts(bare["predicted~in0"]) == []
    assert not any(t.startswith("grad") for t in texts(bare["W1"]))


@needs_dot
def test_repeated_operand_draws_two_edges():
    x = Value(3.0, "x")
    y = (x * x).named("y")
    groups = svg_groups(draw(y).pipe(format="svg"))
    assert {"y~in0", "y~in1"} <= set(groups)


@needs_dot
def test_highlight_marks_the_step_node_and_its_edges(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    plain = draw(error).pipe(format="svg")
    trace = explain(error)
    step = next(c for c in trace.steps if c.phase == "backward" and c.parent_name == "s")
    marked = draw(error, highlight=step).pipe(format="svg")
    assert marked != plain
    groups = svg_groups(marked)
    assert HIGHLIGHT_FILL in fills(groups["predicted"])
    assert HIGHLIGHT_FILL in fills(groups["predicted~op"])
    assert HIGHLIGHT_LINE in strokes(groups["predicted~in0"])
    assert HIGHLIGHT_LINE in strokes(groups["predicted~out"])
    assert HIGHLIGHT_FILL not in fills(groups["E"])
    assert HIGHLIGHT_LINE not in strokes(groups["s~in0"])
    assert HIGHLIGHT_FILL not in fills(svg_groups(plain)["predicted"])

    # a name, a Value and a forward step name the same node
    by_name = draw(error, highlight="predicted").pipe(format="svg")
    by_step = draw(error, highlight=trace.forward[1]).pipe(format="svg")
    assert by_name == by_step
    assert HIGHLIGHT_FILL in fills(svg_groups(draw(error, highlight=error).pipe("svg"))["E"])


def test_highlight_errors(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    with pytest.raises(ValueError, match="no node has that name"):
        draw(error, highlight="nope")
    with pytest.raises(ValueError, match="not in this graph"):
        draw(error, highlight=Value(1.0, "elsewhere"))
    other = explain((Value(1.0, "q") * 2).named("other"))
    with pytest.raises(ValueError, match="another root"):
        draw(error, highlight=other.forward[0])
    with pytest.raises(TypeError, match="highlight takes"):
        draw(error, highlight=3)
    twins = Value(1.0) + Value(1.0)
    with pytest.raises(ValueError, match="several nodes"):
        draw(twins, highlight="1")


def test_large_graphs_are_refused_naming_the_limit_and_the_parameter():
    big = vsum([Value(float(i)) for i in range(600)])
    with pytest.raises(GraphTooLargeError, match=r"601 Values.*limit of 500.*max_nodes=601"):
        draw(big)
    with pytest.raises(ValueError, match="max_nodes"):  # also a ValueError
        draw(big, max_nodes=100)


@needs_dot
def test_large_graph_drawn_when_the_limit_is_raised():
    big = vsum([Value(float(i)) for i in range(600)])
    graph = draw(big, max_nodes=601, show_local=False)
    assert graph.source.count("->") == 601


def test_bad_arguments():
    with pytest.raises(ValueError, match="rankdir"):
        draw(Value(1.0), rankdir="XY")
    with pytest.raises(ValueError, match="digits"):
        draw(Value(1.0), digits=0)
    with pytest.raises(TypeError, match="Value"):
        draw(1.0)


def test_missing_dot_says_what_to_install(seed002_neuron_backward, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no `dot` anywhere
    error = seed002_neuron_backward.E
    for call in (lambda: draw(error), lambda: save_svg(error, tmp_path / "x.svg")):
        with pytest.raises(DotNotFoundError) as caught:
            call()
        message = str(caught.value)
        assert "apt-get install graphviz" in message
        assert "brew install graphviz" in message
        assert "conda install -c conda-forge graphviz" in message
    assert not (tmp_path / "x.svg").exists()


def test_import_needs_neither_dot_nor_graphviz(tmp_path):
    code = (
        "import sys, autograd_lite\n"
        "v = autograd_lite.Value(2.0, 'x') * 3\n"
        "v.backward()\n"
        "print(str(autograd_lite.explain(v)).splitlines()[3], 'graphviz' in sys.modules)\n"
    )
    env = {**os.environ, "PATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1. v1 = 3*x = 3*2 = 6 False"


@needs_dot
def test_grad_that_is_a_value_is_drawn():
    x = Value(2.0, "x")
    y = (x * x * x).named("y")
    y.backward(create_graph=True)
    assert isinstance(x.grad, Value)
    groups = svg_groups(draw(y).pipe(format="svg"))
    assert "grad 12" in texts(groups["x"])
