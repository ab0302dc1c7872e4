"""The page's graph in headless Chromium: it fits the width, its text stays readable, zoom and
pan work, each step's nodes are in view, and neurons drawn as boxes expand on a click.

Sizes are measured as a reader sees them: ``getBoundingClientRect`` for where things are,
and each text's computed font size times the drawing's scale (its width on screen over
its viewBox width) for how large the text is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autograd_lite import Value, explain, save_html
from autograd_lite.cli import main
from autograd_lite.fit import MIN_TEXT_PX
from autograd_lite.grouping import find_neurons
from tests.test_browser_stepper import Stepper

pytest_plugins = ["tests.browser_fixtures"]

SIZES = [(1280, 800), (1024, 768)]

MEASURE_JS = """
const box = document.querySelector('[data-role="graph"]');
const svg = box.querySelector("svg");
const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
const view = box.getBoundingClientRect();
const texts = [...svg.querySelectorAll("text")].filter((t) => t.textContent.trim());
return {
  inner: [window.innerWidth, window.innerHeight],
  boxClient: box.clientWidth,
  boxScroll: box.scrollWidth,
  documentScroll: document.documentElement.scrollWidth,
  scale: scale,
  scaleShown: Number(document.body.dataset.scale),
  smallest: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
  texts: texts.length,
  outside: texts.filter((t) => {
    const r = t.getBoundingClientRect();
    return r.left < view.left - 0.5 || r.right > view.left + box.clientLeft + box.clientWidth + 0.5;
  }).length,
  level: document.querySelector('[data-role="zoom-level"]').textContent,
};
"""

# The rectangles of the step's current node and operands (through a neuron's box when it
# stands for them), the graph box's visible part and the window.
IN_VIEW_JS = """
const data = JSON.parse(document.querySelector('script[data-role="steps"]').textContent);
const step = data.steps[Number(document.body.dataset.step)];
const shownAs = data.shownAs || {};
const box = document.querySelector('[data-role="graph"]');
const b = box.getBoundingClientRect();
const visible = {
  left: b.left + box.clientLeft, top: b.top + box.clientTop,
  right: b.left + box.clientLeft + box.clientWidth, bottom: b.top + box.clientTop + box.clientHeight,
};
const ids = [...step.current, ...step.operands];
const rects = ids.map((id) => document.getElementById(id) || document.getElementById(shownAs[id]))
  .filter((e) => e).map((e) => e.getBoundingClientRect());
const inside = (r, v) => r.left >= v.left - 1 && r.right <= v.right + 1 && r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
const windowBox = { left: 0, top: 0, right: innerWidth, bottom: innerHeight };
return {
  step: step.index, ids: ids, found: rects.length,
  outOfBox: rects.filter((r) => !inside(r, visible)).length,
  outOfWindow: rects.filter((r) => !inside(r, windowBox)).length,
};
"""


def viewport(driver: Any, width: int, height: int) -> None:
    """Make the tab's viewport exactly width x height CSS pixels."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )


def open_at(tab: Any, path: Path, size: tuple[int, int]) -> Stepper:
    viewport(tab, *size)
    page = Stepper(tab, path)
    assert tab.execute_script("return [innerWidth, innerHeight]") == list(size)
    return page


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page ``autograd-lite demo --html`` writes."""
    path = tmp_path_factory.mktemp("fit") / "demo.html"
    assert main(["demo", "--html", str(path)]) == 0
    return path


@pytest.fixture(scope="module")
def mlp_trace():
    """One example through MLP(2, [16, 16, 1]) and its squared error: 407 Values."""
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = nn.mse([out], [Value(1.0, "y")])
    loss.backward()
    return explain(loss)


def measure(tab: Any) -> dict[str, Any]:
    return tab.execute_script(MEASURE_JS)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_demo_graph_fits_the_width_with_no_text_under_11_px(tab, demo_page, size):
    page = open_at(tab, demo_page, size)
    shown = measure(tab)
    assert shown["texts"] > 30
    assert shown["boxScroll"] <= shown["boxClient"]  # no horizontal scrolling in the graph
    assert shown["documentScroll"] <= size[0]  # nor in the page
    assert shown["outside"] == 0
    assert shown["smallest"] >= MIN_TEXT_PX - 1e-6
    assert shown["scale"] == pytest.approx(shown["scaleShown"], rel=1e-3)
    assert shown["level"] == f"{round(shown['scale'] * 100)}%"
    assert page.errors() == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_after_every_next_the_current_node_and_its_operands_are_in_view(tab, demo_page, size):
    page = open_at(tab, demo_page, size)
    total = len(explain(_demo_root()).steps)
    for _ in range(total):
        page.click("next")
        seen = tab.execute_script(IN_VIEW_JS)
        assert seen["found"] == len(seen["ids"]), seen
        assert seen["outOfBox"] == 0 and seen["outOfWindow"] == 0, seen
    assert page.state()["step"] == total
    assert page.errors() == []


def test_after_every_next_in_view_when_zoomed_in_too(tab, demo_page):
    """Zoomed in, the graph overflows its box both ways; each step scrolls to its nodes, and
    zooms out just enough when they would not fit (the dot step's five operands)."""
    page = open_at(tab, demo_page, (1024, 768))
    page.click("zoom-in", times=3)
    zoomed = measure(tab)["scale"]
    assert tab.execute_script(
        "const b = document.querySelector('[data-role=\"graph\"]');"
        "return b.scrollWidth > b.clientWidth && b.scrollHeight > b.clientHeight"
    )
    for _ in range(15):
        page.click("next")
        seen = tab.execute_script(IN_VIEW_JS)
        assert seen["outOfBox"] == 0 and seen["outOfWindow"] == 0, seen
        assert measure(tab)["smallest"] >= MIN_TEXT_PX - 1e-6
    assert measure(tab)["scale"] < zoomed
    assert page.errors() == []


def test_zoom_buttons_change_the_scale_but_never_below_readable_text(tab, demo_page):
    page = open_at(tab, demo_page, (1280, 800))
    fitted = measure(tab)["scale"]
    page.click("zoom-in")
    bigger = measure(tab)
    assert bigger["scale"] == pytest.approx(fitted * 1.25, rel=1e-3)
    assert bigger["boxScroll"] > bigger["boxClient"]  # now it scrolls sideways
    page.click("zoom-out", times=12)
    smallest = measure(tab)
    assert smallest["scale"] < fitted
    assert smallest["smallest"] == pytest.approx(MIN_TEXT_PX, rel=1e-3)  # stopped at 11 px
    assert page.control("zoom-out").get_attribute("disabled") is not None
    page.click("zoom-fit")
    assert measure(tab)["scale"] == pytest.approx(fitted, rel=1e-3)
    page.keys("+")
    assert measure(tab)["scale"] == pytest.approx(fitted * 1.25, rel=1e-3)
    page.keys("0")
    assert measure(tab)["scale"] == pytest.approx(fitted, rel=1e-3)
    assert page.errors() == []


def test_ctrl_wheel_zooms_and_a_plain_wheel_does_not(tab, demo_page):
    page = open_at(tab, demo_page, (1280, 800))
    fitted = measure(tab)["scale"]
    wheel = (
        "const box = document.querySelector('[data-role=\"graph\"]');"
        "const r = box.getBoundingClientRect();"
        "box.dispatchEvent(new WheelEvent('wheel', {deltaY: arguments[0], ctrlKey: arguments[1],"
        " clientX: r.left + 50, clientY: r.top + 50, bubbles: true, cancelable: true}));"
    )
    tab.execute_script(wheel, -200, False)
    assert measure(tab)["scale"] == pytest.approx(fitted)
    tab.execute_script(wheel, -200, True)
    assert measure(tab)["scale"] > fitted * 1.2
    tab.execute_script(wheel, 400, True)
    assert measure(tab)["scale"] < fitted
    assert page.errors() == []


def test_dragging_the_graph_pans_it(tab, demo_page):
    from selenium.webdriver.common.action_chains import ActionChains

    page = open_at(tab, demo_page, (1024, 768))
    page.click("zoom-in", times=3)
    box = page.control("graph")
    before = tab.execute_script("return [arguments[0].scrollLeft, arguments[0].scrollTop]", box)
    ActionChains(tab).move_to_element_with_offset(box, 0, 0).click_and_hold().move_by_offset(
        -120, -80
    ).release().perform()
    after = tab.execute_script("return [arguments[0].scrollLeft, arguments[0].scrollTop]", box)
    assert after[0] > before[0] and after[1] > before[1]
    assert page.errors() == []


def test_a_layer_page_draws_one_box_per_neuron_and_a_click_expands_it(tab, tmp_path, mlp_trace):
    neurons = find_neurons(mlp_trace)
    assert len(mlp_trace.nodes) == 407 and len(neurons) == 33
    path = save_html(mlp_trace, tmp_path / "mlp.html", group="layer")
    page = open_at(tab, path, (1280, 800))
    first = neurons[0]
    box = tab.find_element("id", first.box_id)
    assert box.get_attribute("aria-expanded") == "false"
    detail = tab.find_element("css selector", f'[data-neuron="{first.box_id}"]')
    assert not detail.is_displayed()
    box.click()
    assert detail.is_displayed() and box.get_attribute("aria-expanded") == "true"
    # the expansion draws the sum and the activation, each with its operation
    shows = set(
        tab.execute_script(
            "return [...arguments[0].querySelectorAll('[data-shows]')].map(e => e.dataset.shows)",
            detail,
        )
    )
    assert {first.sum_id, first.activation_id, f"{first.sum_id}~op"} <= shows
    assert set(first.parameters) <= shows
    # stepping to the neuron's sum marks its box and, in the expansion, the sum itself
    while page.state()["step"] < mlp_trace.forward[0].index:
        page.click("next")
    step = next(s for s in mlp_trace.forward if s.node_id == first.sum_id)
    while page.state()["step"] < step.index:
        page.click("next")
    marked = page.state()["marked"]["al-current"]
    assert first.box_id in marked
    assert tab.execute_script(
        "return arguments[0].querySelector('[data-shows=\"' + arguments[1] + '\"]')"
        ".classList.contains('al-current')",
        detail,
        first.sum_id,
    )
    sum_value = tab.execute_script(
        'return [...document.querySelectorAll(\'text[data-slot="value"][data-for="\' +'
        " arguments[0] + '\"]')].map(t => t.textContent)",
        first.sum_id,
    )
    assert len(sum_value) == 2 and sum_value[0] == sum_value[1] != "data ?"
    box.click()
    assert not detail.is_displayed()
    box.send_keys("\ue007")  # Enter, from the keyboard
    assert detail.is_displayed()
    assert page.errors() == []


def test_a_dead_relu_is_marked_flat_in_the_drawing_and_at_its_step(tab, tmp_path):
    x = Value(-2.0, "x")
    w = Value(0.5, "w")
    h = (x * w).relu().named("h")
    out = (h * 3.0 + w).named("out")
    path = save_html(out, tmp_path / "dead.html")
    page = open_at(tab, path, (1024, 768))
    texts = tab.execute_script(
        "return [...document.getElementById('h').querySelectorAll('text')].map(t => t.textContent)"
    )
    assert "\u26a0 flat: dh/dv1 = 0" in texts
    warning = page.control("flat")
    assert not warning.is_displayed()
    while page.state()["text"].split(" = ")[0] != "h":
        page.click("next")
    assert warning.is_displayed() and "dh/dv1 = 0" in warning.text
    assert "almost no gradient" in warning.text
    assert page.errors() == []


def _demo_root():
    from autograd_lite.demo import gad_neuron

    n = gad_neuron()
    n.E.backward()
    return n.E
