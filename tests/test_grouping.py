"""Drawings that fit: neurons found from the records (group="layer"), flat edges marked, the
rank direction chosen by shape, notes in records, and Jupyter's fitted display."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from autograd_lite import GraphTooLargeError, Value, dot, draw, explain, stepper_page
from autograd_lite.errors import ArgumentError, NodeNotFoundError
from autograd_lite.fit import FONT_SIZE, MIN_TEXT_PX, fitted_html, min_scale, svg_size
from autograd_lite.grouping import find_neurons, hidden_by
from autograd_lite.ids import in_edge_id
from autograd_lite.render_labels import FLAT_MARK
from tests.test_render import svg_groups, texts
from tests.test_stepper import embedded

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="graphviz's dot is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def mlp():
    """One example through MLP(2, [16, 16, 1]) and its squared error."""
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = nn.mse([out], [Value(1.0, "y")])
    loss.backward()
    return model, explain(loss)


def test_seed_002s_neuron_is_one_neuron_its_inputs_left_outside(seed002_neuron_backward):
    (neuron,) = find_neurons(explain(seed002_neuron_backward.E))
    assert neuron.box_id == "predicted" and neuron.activation_id == "predicted"
    assert neuron.sum_id == "s" and neuron.parameters == ("W1", "W2", "b")
    assert neuron.inputs == ((0, "X1"), (2, "X2"))  # dot records x1, w1, x2, w2, b
    assert hidden_by([neuron]) == {
        "s": "predicted",
        "predicted": "predicted",
        **{p: "predicted" for p in ("W1", "W2", "b")},
    }


def test_an_mlp_has_a_neuron_per_unit_in_three_layers(mlp):
    model, trace = mlp
    neurons = find_neurons(trace)
    assert len(neurons) == 16 + 16 + 1
    assert [sum(n.layer == k for n in neurons) for k in (1, 2, 3)] == [16, 16, 1]
    assert all(n.activation_id for n in neurons[:32]) and neurons[32].activation_id is None
    by_name = {n.node_id: n for n in trace.nodes}
    for neuron, unit in zip(neurons[16:32], model.layers[1].neurons, strict=True):
        assert [by_name[p].data for p in neuron.parameters] == [w.data for w in unit.parameters()]
    owned = [p for n in neurons for p in n.parameters]
    assert len(owned) == len(set(owned)) == len(model.parameters()) == 337


def test_a_shared_weight_stays_outside_and_a_dot_of_computed_values_is_no_neuron():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    w, shared = Value(0.5, "w"), Value(0.25, "shared")
    a = dot([w, shared], [x, y]).named("a")
    b = dot([shared], [y]).named("b")
    c = dot([a * 1.0], [b * 1.0]).named("c")  # both operands computed: no parameter
    trace = explain(c.tanh().named("out"))
    neurons = {n.sum_id: n for n in find_neurons(trace)}
    assert set(neurons) == {"a"}  # b owns nothing (shared is shared), c neither
    assert neurons["a"].parameters == ("w",) and (3, "shared") in neurons["a"].inputs
    assert neurons["a"].activation_id is None  # a feeds a mul, not an activation


def test_a_bad_group_is_refused_naming_it(seed002_neuron_backward):
    with pytest.raises(ArgumentError, match=r"group must be None or one of 'layer', got 'layers'"):
        draw(seed002_neuron_backward.E, group="layers")
    with pytest.raises(ArgumentError, match="got 3"):
        stepper_page(seed002_neuron_backward.E, group=3)


@needs_dot
def test_group_layer_draws_one_box_per_neuron_with_its_parameters(mlp):
    _, trace = mlp
    with pytest.raises(GraphTooLargeError, match="407 Values"):
        draw(trace, max_nodes=100)
    graph = draw(trace, group="layer", max_nodes=100)  # 2 inputs, 33 boxes and the loss
    groups = svg_groups(graph.pipe(format="svg"))
    neurons = find_neurons(trace)
    nodes = {i for i, g in groups.items() if g.get("class") == "node"}
    hidden = set(hidden_by(neurons)) - {n.box_id for n in neurons}
    assert not nodes & hidden and {n.box_id for n in neurons} <= nodes
    assert len(nodes) < 60
    first = neurons[0]
    shown = texts(groups[first.box_id])
    assert shown[0] == f"{first.box_id} = relu({first.sum_id})"
    assert "w1" in shown and "w2" in shown and "b" in shown and f"sum {first.sum_id}" in shown
    assert {f"layer{k}" for k in (1, 2, 3)} <= set(groups)  # each layer a cluster
    assert in_edge_id(first.sum_id, 0) in groups  # x1's edge into the box keeps its id
    # group=None draws every value, as before
    full = draw(trace, max_nodes=500)
    assert len([line for line in full.source.splitlines() if "shape=plain" in line]) == 407


@needs_dot
def test_a_layer_page_embeds_each_neurons_expansion_and_maps_hidden_nodes(mlp):
    _, trace = mlp
    page = stepper_page(trace, group="layer")
    data = embedded(page.html)
    neurons = find_neurons(trace)
    assert [n["box"] for n in data["neurons"]] == [n.box_id for n in neurons]
    assert data["shownAs"][neurons[0].sum_id] == neurons[0].box_id
    assert page.html.count('class="neuron-detail"') == 33
    assert data["minScale"] == pytest.approx(MIN_TEXT_PX / FONT_SIZE)


@needs_dot
def test_a_dead_relu_and_a_saturated_sigmoid_are_marked_flat():
    x, w = Value(-2.0, "x"), Value(0.5, "w")
    dead = (x * w).relu().named("dead")
    saturated = Value(12.0, "z").sigmoid().named("saturated")
    out = (dead + saturated).named("out")
    groups = svg_groups(draw(out, digits=3).pipe(format="svg"))
    assert f"{FLAT_MARK}: ddead/dv1 = 0" in texts(groups["dead"])
    assert f"{FLAT_MARK}: dsaturated/dz = 6.14e-06" in texts(groups["saturated"])
    assert not any(FLAT_MARK in t for t in texts(groups["out"]))
    for edge in ("dead~in0", "saturated~in0"):
        assert groups[edge].find("{http://www.w3.org/2000/svg}path").get("stroke-dasharray")
    assert (
        groups["out~in0"].find("{http://www.w3.org/2000/svg}path").get("stroke-dasharray") is None
    )
    data = embedded(stepper_page(out).html)
    flat = {s["node"]: s.get("flat") for s in data["steps"][1:] if s["phase"] == "forward"}
    assert "ddead/dv1 = 0" in flat["dead"] and flat["out"] is None
    backward = [s for s in data["steps"] if s.get("parent") == "v1"]
    assert backward and "no gradient reaches v1" in backward[0]["flat"]


@needs_dot
def test_a_graph_wider_than_tall_is_drawn_top_to_bottom(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    wide = svg_size(draw(error, rankdir="LR").pipe(format="svg", encoding="utf-8"))
    assert wide[0] > wide[1]
    auto = draw(error)
    assert auto.graph_attr["rankdir"] == "TB"
    width, height = svg_size(auto.pipe(format="svg", encoding="utf-8"))
    assert width < height and width < wide[0] / 1.8
    chain = [Value(float(i), f"x{i}") for i in range(12)]
    many = dot(chain[:6], chain[6:]).named("many")  # twelve leaves side by side
    assert draw(many).graph_attr["rankdir"] == "LR"


@needs_dot
def test_records_stack_name_data_and_grad_and_text_is_one_size(seed002_neuron_backward):
    svg = draw(seed002_neuron_backward.E).pipe(format="svg", encoding="utf-8")
    root = ET.fromstring(svg)
    sizes = {t.get("font-size") for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert sizes == {f"{FONT_SIZE:.2f}"}
    w1 = svg_groups(svg.encode())["W1"]
    ys = [float(t.get("y")) for t in w1.iter("{http://www.w3.org/2000/svg}text")]
    assert len(ys) == 3 and ys[0] < ys[1] < ys[2]  # name, data, grad: one under another


@needs_dot
def test_jupyter_shows_a_drawing_fitted_to_the_cell_never_under_11_px(seed002_neuron_backward):
    graph = draw(seed002_neuron_backward.E)
    shown = graph._repr_html_()
    bundle = graph._repr_mimebundle_()
    assert bundle["text/html"] == shown
    assert re.search(r'<svg[^>]* width="100%"', bundle["image/svg+xml"])
    assert 'height="' not in re.search(r"<svg[^>]*>", bundle["image/svg+xml"]).group(0)
    width, _ = svg_size(graph.pipe(format="svg", encoding="utf-8"))
    assert shown.startswith('<div style="overflow-x:auto;max-width:100%">')
    svg_tag = re.search(r"<svg[^>]*>", shown).group(0)
    assert not re.search(r'\s(width|height)="', svg_tag)  # sized by its style, not in points
    assert "width:100%" in svg_tag and f"max-width:{width:.0f}px" in svg_tag
    assert f"min-width:{width * min_scale():.0f}px" in svg_tag
    assert min_scale() * FONT_SIZE == pytest.approx(MIN_TEXT_PX)
    assert fitted_html(graph.pipe(format="svg", encoding="utf-8")) == shown


@needs_dot
def test_notes_are_rows_of_their_records_and_an_unknown_name_is_refused(seed002_neuron_backward):
    error = seed002_neuron_backward.E
    groups = svg_groups(draw(error, notes={"predicted": "printed 0.8744\n(rounded)"}).pipe("svg"))
    assert "\u270e printed 0.8744 (rounded)" in texts(groups["predicted"])
    with pytest.raises(NodeNotFoundError, match="'h1'"):
        draw(error, notes={"h1": "x"})
    boxed = svg_groups(draw(error, group="layer", notes={"W1": "from the article"}).pipe("svg"))
    assert "\u270e W1: from the article" in texts(boxed["predicted"])


@needs_dot
def test_a_step_inside_a_neuron_highlights_its_box(seed002_neuron_backward):
    from autograd_lite.render import HIGHLIGHT_FILL
    from tests.test_render import fills

    trace = explain(seed002_neuron_backward.E)
    forward_s = trace.forward[0]  # s = X1*W1 + X2*W2 + b, inside the neuron's box
    groups = svg_groups(draw(trace, group="layer", highlight=forward_s).pipe(format="svg"))
    assert HIGHLIGHT_FILL in fills(groups["predicted"])
    assert HIGHLIGHT_FILL not in fills(groups["X1"])  # an operand: lightly marked
    assert "#fff3c4" in fills(groups["X1"])
