"""The stepper page as a file: self-contained, its numbers from the trace, its slots in the SVG.

What the page does in a browser is tested in ``test_browser_stepper.py``.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd_lite import (
    DotNotFoundError,
    GraphTooLargeError,
    StepperPage,
    Value,
    draw,
    explain,
    format_number,
    save_html,
    stepper_page,
    topological_order,
    vsum,
)
from autograd_lite.cli import main
from autograd_lite.demo import gad_neuron
from autograd_lite.ids import in_edge_id
from tests.cli import make_dry_run

REPO = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="graphviz's dot is not installed (make test installs it)"
)
pytestmark = needs_dot


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes, and the text of its <script>s."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def embedded(page: str) -> dict:
    return json.loads(Elements(page).scripts[0])


def svg_part(page: str) -> str:
    return page[page.index("<svg") : page.index("</svg>")]


@pytest.fixture(scope="module")
def neuron():
    n = gad_neuron()
    n.E.backward()
    return n, stepper_page(n.E), explain(n.E)


def test_the_page_is_one_file_that_needs_no_network(neuron):
    page = neuron[1].html
    elements = Elements(page)
    tags = [tag for tag, _ in elements.tags]
    assert tags.count("svg") == 1 and tags.count("script") == 2 and tags.count("style") == 1
    for tag, attrs in elements.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            assert attrs["href"] == "data:,"  # no favicon request
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "@import" not in page and "fetch(" not in page and "XMLHttpRequest" not in page


def test_the_json_holds_each_step_record_as_the_text_trace_prints_it(neuron):
    _, page, trace = neuron
    data = embedded(page.html)
    assert data["total"] == len(trace.steps) == page.steps == 15
    assert [s["index"] for s in data["steps"]] == list(range(16))
    for shown, step in zip(data["steps"][1:], trace.steps, strict=True):
        assert shown["text"] == step.text() and shown["node"] == step.node_id
        assert shown["phase"] == step.phase
        assert f"{step.index}. {step.text()}" in trace.to_text()
    by_node = {s["node"]: s for s in data["steps"][1:6]}
    assert by_node["s"]["value"] == {"s": "1.94"}
    assert by_node["predicted"]["value"] == {"predicted": "0.874352143"}
    assert by_node["E"]["value"] == {"E": "0.356465271"}
    w1 = next(s for s in data["steps"] if s.get("parent") == "W1")
    assert w1["grad"] == {"W1": "0.00927609256"}
    assert w1["local"] == {"s~in1": "0.1"}
    assert data["steps"][6]["grad"] == {"E": "1", "v2": "0.5"}  # the seed, then dE/dv2 = 0.5
    assert data["steps"][0]["value"]["X1"] == "0.1" and "s" not in data["steps"][0]["value"]


def test_every_number_in_the_json_is_a_step_record_formatted(neuron):
    _, page, trace = neuron
    data = embedded(page.html)
    records = {format_number(s.result) for s in trace.forward}
    records |= {format_number(c.local) for c in trace.steps[len(trace.forward) :]}
    records |= {format_number(c.accumulated) for c in trace.steps[len(trace.forward) :]}
    records |= {format_number(n.data) for n in trace.nodes if n.kind != "op"}
    records.add(format_number(trace.seed))
    for step in data["steps"]:
        for kind in ("value", "grad", "local"):
            assert set(step[kind].values()) <= records


def test_the_drawing_has_slots_instead_of_numbers(neuron):
    _, page, trace = neuron
    svg = svg_part(page.html)
    texts = ET.fromstring(svg + "</svg>").iter(f"{SVG}text")
    shown = {t.text or "" for t in texts if t.get("data-slot") is None}
    names = {n.name for n in trace.nodes if n.kind != "constant"}
    # names and operations (a constant operand is part of its operation), no computed number
    assert shown == names | {"dot", "σ", "-", "·**2", "0.5*·"}
    slots = re.findall(r'data-slot="(\w+)" data-for="([^"]+)" data-label="(\w*)"', svg)
    values = {target for kind, target, _ in slots if kind == "value"}
    assert (
        values
        == {n.node_id for n in trace.nodes}
        == {target for k, target, _ in slots if k == "grad"}
    )
    assert {target for kind, target, _ in slots if kind == "local"} == {
        in_edge_id(c.node_id, c.position) for c in trace.steps[len(trace.forward) :]
    }
    assert {label for kind, _, label in slots if kind != "local"} == {"data", "grad"}


def test_every_id_the_steps_name_is_in_the_drawing(neuron):
    page = neuron[1].html
    ids = set(re.findall(r'<g id="([^"]+)"', svg_part(page)))
    for step in embedded(page)["steps"]:
        named = step["current"] + step["operands"] + step["edges"] + list(step["local"])
        assert set(named) <= {html.unescape(i) for i in ids}, step["index"]


def test_the_graph_is_left_as_it_was_and_backward_need_not_have_run():
    n = gad_neuron()
    before = [(v.data, v.grad) for v in topological_order(n.E)]
    fresh = stepper_page(n.E)
    assert [(v.data, v.grad) for v in topological_order(n.E)] == before  # all grads still 0
    n.E.backward()
    n.E.backward()  # leaves now hold twice the gradient; the page shows one pass
    assert embedded(stepper_page(n.E).html) == embedded(fresh.html)
    assert n.W1.grad == pytest.approx(2 * 0.00927609256, rel=1e-9)


def test_a_grad_cell_is_drawn_wide_enough_for_the_gradient_it_will_show():
    n = gad_neuron()  # no backward: .grad is 0 everywhere
    svg = ET.fromstring(svg_part(stepper_page(n.E).html) + "</svg>")
    w1 = next(g for g in svg.iter(f"{SVG}g") if g.get("id") == "W1")
    grad_cell = list(w1.iter(f"{SVG}polygon"))[-1]
    xs = [float(point.split(",")[0]) for point in grad_cell.get("points").split()]
    assert max(xs) - min(xs) > 100  # room for "grad 0.00927609256", not just "grad 0"


def test_a_graph_over_the_drawing_limit_is_refused_with_the_renderers_message():
    root = vsum([Value(float(i)) for i in range(30)])
    with pytest.raises(GraphTooLargeError) as from_draw:
        draw(root, max_nodes=20)
    with pytest.raises(GraphTooLargeError) as from_page:
        stepper_page(root, max_nodes=20)
    assert str(from_page.value) == str(from_draw.value)
    assert "pass max_nodes=31" in str(from_page.value)
    assert stepper_page(root, max_nodes=31).steps == 1 + 30


def test_a_graph_of_one_leaf_has_no_step():
    data = embedded(stepper_page(Value(3.0, "x")).html)
    assert data["total"] == 0 and data["steps"][0]["text"] == "Inputs: x = 3"


def test_a_label_cannot_break_out_of_the_page():
    x = Value(2.0, "</script><b>x")
    y = (x * x).named("y & <z>")
    page = stepper_page(y, title="<i>title</i>").html
    assert page.count("</script>") == 2
    assert "<i>title" not in page and "&lt;i&gt;title&lt;/i&gt;" in page
    assert embedded(page)["steps"][1]["text"] == explain(y).steps[0].text()


def test_jupyter_shows_the_page_in_a_sandboxed_iframe(neuron):
    page = neuron[1]
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and shown.endswith("</iframe>")
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', shown).group(1)
    assert html.unescape(srcdoc) == page.html
    assert 'sandbox="allow-scripts"' in shown and "allow-same-origin" not in shown


def test_save_writes_the_page_and_returns_its_path(neuron, tmp_path):
    n, page, _ = neuron
    path = save_html(n.E, tmp_path / "neuron.html")
    assert path == tmp_path / "neuron.html"
    assert path.read_text(encoding="utf-8") == page.html
    assert isinstance(page, StepperPage) and str(page) == page.html
    with pytest.raises(ValueError, match="digits"):
        stepper_page(n.E, digits=0)


def test_the_page_shows_fewer_digits_when_asked():
    n = gad_neuron()
    data = embedded(stepper_page(n.E, digits=4).html)
    assert data["steps"][2]["text"] == "predicted = sigmoid(s) = sigmoid(1.94) = 0.8744"


def test_a_missing_dot_is_the_renderers_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        stepper_page(gad_neuron().E)


def test_demo_html_writes_the_page_and_says_how_to_open_it(tmp_path, capsys):
    target = tmp_path / "neuron.html"
    assert main(["demo", "--no-svg", "--html", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"Step-through page written to {target}" in out
    assert f"Open it in a browser: {target.as_uri()}" in out
    assert embedded(target.read_text(encoding="utf-8"))["total"] == 15


def test_demo_html_reports_an_unwritable_path(tmp_path, capsys):
    assert main(["demo", "--no-svg", "--html", str(tmp_path / "no" / "such.html")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_example_html_writes_the_page_with_the_examples_title(tmp_path, capsys):
    target = tmp_path / "ex.html"
    assert main(["example", "gad-neuron", "--table-only", "--html", str(target)]) == 0
    assert target.as_uri() in capsys.readouterr().out
    page = target.read_text(encoding="utf-8")
    assert "<title>Seed 002, Ahmed Gad: one sigmoid neuron" in page
    assert embedded(page)["steps"][1]["text"].endswith("= 1.94")


def test_make_demo_writes_gad_neuron_html_and_says_how_to_open_it():
    done = make_dry_run("demo")
    assert re.search(r"autograd-lite demo .*--html gad_neuron\.html", done.stdout)
    assert "gad_neuron.html" in done.stdout.split("--html gad_neuron.html", 1)[1]


def test_importing_the_package_still_needs_no_graphviz():
    code = "import sys, autograd_lite; sys.exit('graphviz' in sys.modules)"
    env = {**os.environ, "PATH": ""}
    assert subprocess.run([sys.executable, "-c", code], env=env, check=False).returncode == 0


def test_notes_go_into_the_pages_data_by_node_id_as_plain_text(neuron):
    n = neuron[0]
    note = "printed 0.8744 (rounded) <b>&</b>"
    page = stepper_page(n.E, notes={"predicted": note, "v1": "desired - predicted"}).html
    data = embedded(page)
    assert data["notes"] == {"predicted": note, "v1": "desired - predicted"}
    assert data["names"]["v1"] == "v1" and data["names"]["predicted"] == "predicted"
    assert "<b>&</b>" not in page  # the JSON escapes it; the page shows it as text
    assert embedded(stepper_page(n.E).html)["notes"] == {}


def test_save_html_takes_notes_too(neuron, tmp_path):
    path = save_html(neuron[0].E, tmp_path / "noted.html", notes={"s": "the weighted sum"})
    assert embedded(path.read_text(encoding="utf-8"))["notes"] == {"s": "the weighted sum"}


def test_a_note_on_a_name_no_node_has_is_refused_naming_it(neuron):
    from autograd_lite.errors import ArgumentTypeError, NodeNotFoundError

    with pytest.raises(NodeNotFoundError, match=r"'h1'.*its nodes: desired, X1"):
        stepper_page(neuron[0].E, notes={"h1": "printed 0.5449 (rounded)"})
    with pytest.raises(ArgumentTypeError, match="mapping"):
        stepper_page(neuron[0].E, notes=[("s", "x")])
    with pytest.raises(ArgumentTypeError, match="both str"):
        stepper_page(neuron[0].E, notes={"s": 0.5})
