"""The stepper page in a real browser (headless Chromium): what a learner sees, click by click.

The page of the gad-neuron example is stepped with the buttons, the arrow keys and
the slider; every number read off the page is checked against the article's
printed value or the trace's step record. Fixtures: ``tests/browser_fixtures.py``.
"""

from __future__ import annotations

import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest

from autograd_lite import GraphTooLargeError, Trace, explain, save_html
from autograd_lite.ids import in_edge_id, op_id, out_edge_id
from nn.examples import CATALOGUE

pytest_plugins = ["tests.browser_fixtures"]  # browser (one a session) and tab (one a test)

# Seed 002 (Ahmed Gad) prints these, to these digits.
ARTICLE_FORWARD = {"s": "1.94", "predicted": "0.874352143", "E": "0.356465271"}
ARTICLE_DW1 = "0.009276093"
EXACT_DB = "0.0927609256"  # the article says ds/db = 0 and never computes dE/db; it is dE/ds

STATE_JS = """
const role = (r) => document.querySelector(`[data-role="${r}"]`);
const slots = {};
for (const t of document.querySelectorAll("text[data-slot]")) {
  slots[`${t.dataset.slot}:${t.dataset.for}`] = t.textContent;
}
const marked = {};
for (const cls of ["al-current", "al-operand", "al-edge", "al-pending"]) {
  marked[cls] = [...document.querySelectorAll(`.${cls}`)].map((e) => e.id).sort();
}
return {
  step: Number(document.body.dataset.step),
  counter: role("counter").textContent,
  phase: role("phase").textContent,
  text: role("step-text").textContent,
  slider: Number(role("slider").value),
  slots: slots,
  marked: marked,
};
"""


def console_errors(driver: Any) -> list[str]:
    """JavaScript errors (anything logged as SEVERE) since the last call."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


class Stepper:
    """The page in a tab, used as a person would: clicks and keys; read back from the DOM."""

    def __init__(self, driver: Any, path: Path):
        self.driver = driver
        driver.get(path.as_uri())

    def control(self, role: str) -> Any:
        return self.driver.find_element("css selector", f'[data-role="{role}"]')

    def click(self, role: str, times: int = 1) -> None:
        for _ in range(times):
            self.control(role).click()

    def keys(self, *keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        actions = ActionChains(self.driver)
        for key in keys:
            actions.send_keys(key)
        actions.perform()

    def state(self) -> dict[str, Any]:
        return self.driver.execute_script(STATE_JS)

    def slot(self, kind: str, target: str) -> str:
        return self.state()["slots"][f"{kind}:{target}"]

    def fill(self, element_id: str) -> str:
        """The computed fill of the first shape (cell or ellipse) of a node's group."""
        return self.driver.execute_script(
            "const s = document.getElementById(arguments[0]).querySelector('polygon, ellipse');"
            "return getComputedStyle(s).fill;",
            element_id,
        )

    def errors(self) -> list[str]:
        return console_errors(self.driver)


@pytest.fixture(scope="module")
def neuron(tmp_path_factory: pytest.TempPathFactory, example_result) -> tuple[Path, Trace]:
    """The gad-neuron example's page, and the trace its records come from."""
    root = example_result("gad-neuron").root
    path = save_html(root, tmp_path_factory.mktemp("stepper") / "gad_neuron.html")
    return path, explain(root)


@pytest.fixture
def page(tab: Any, neuron: tuple[Path, Trace]) -> Stepper:
    return Stepper(tab, neuron[0])


def agrees(shown: str, printed: str) -> bool:
    """The number shown, rounded to the printed decimals, is the printed number."""
    decimals = len(printed.split(".")[1])
    return round(float(shown), decimals) == float(printed)


def test_the_page_opens_at_the_inputs_with_every_computed_number_hidden(page, neuron):
    trace = neuron[1]
    state = page.state()
    assert state["counter"] == f"Step 0 of {len(trace.steps)}" == "Step 0 of 15"
    assert state["phase"] == "start"
    assert "X1 = 0.1" in state["text"] and "b = 1.83" in state["text"]
    assert state["slots"]["value:X1"] == "data 0.1"
    for node in ("s", "predicted", "E"):
        assert state["slots"][f"value:{node}"] == "data ?"
    assert all(text.endswith("?") for key, text in state["slots"].items() if key[:5] == "grad:")
    assert page.control("prev").get_attribute("disabled") == "true"
    assert page.errors() == []


def test_next_through_the_forward_phase_shows_each_value_in_order(page, neuron):
    trace = neuron[1]
    first_seen: dict[str, int] = {}
    for step in trace.forward:
        page.click("next")
        state = page.state()
        assert state["counter"] == f"Step {step.index} of 15"
        assert state["phase"] == "forward pass"
        assert state["text"] == step.text()
        for name in ARTICLE_FORWARD:
            if not state["slots"][f"value:{name}"].endswith("?"):
                first_seen.setdefault(name, step.index)
    assert state["text"] == "E = 0.5*v2 = 0.5*0.712930542 = 0.356465271"
    assert list(first_seen) == ["s", "predicted", "E"]  # in the order they are computed
    assert first_seen == {"s": 1, "predicted": 2, "E": 5}
    for name, printed in ARTICLE_FORWARD.items():
        assert page.slot("value", name) == f"data {printed}"
    assert page.errors() == []


def test_next_through_the_backward_phase_shows_each_gradient_at_its_step(page, neuron):
    trace = neuron[1]
    page.click("next", len(trace.forward))
    shown_at: dict[str, int] = {}
    texts = []
    for step in trace.steps[len(trace.forward) :]:
        before = page.state()
        page.click("next")
        state = page.state()
        texts.append(state["text"])
        assert state["phase"] == "backward pass"
        assert state["text"] == step.text()
        # the parent's gradient appears (or changes) at this step and not before
        key = f"grad:{step.parent_id}"
        if step.first:
            assert before["slots"][key].endswith("?"), step.parent_id
            shown_at[step.parent_id] = step.index
        assert state["slots"][key] != before["slots"][key]
        # the local derivative is written on the edge the step uses
        edge = "local:" + in_edge_id(step.node_id, step.position)
        assert before["slots"][edge] == "" and state["slots"][edge] != ""
    assert shown_at["W1"] == 12 and shown_at["b"] == 15
    assert "dE/ds = dE/dpredicted * dpredicted/ds = 0.844352143 * 0.109860473 = 0.0927609256" in (
        texts
    )
    dw1 = page.slot("grad", "W1").removeprefix("grad ")
    assert dw1 == "0.00927609256" and agrees(dw1, ARTICLE_DW1)
    assert page.slot("grad", "b") == f"grad {EXACT_DB}"
    assert page.slot("grad", "E") == "grad 1"
    assert page.control("next").get_attribute("disabled") == "true"
    assert page.errors() == []


def test_a_gradient_is_not_shown_before_its_step(page):
    page.click("next", 11)  # one step before dE/dW1
    assert page.slot("grad", "W1") == "grad ?"
    assert page.slot("grad", "b") == "grad ?"
    assert page.slot("grad", "s") == "grad 0.0927609256"  # s was reached at step 10
    page.click("next")
    assert page.slot("grad", "W1") == "grad 0.00927609256"
    assert page.slot("grad", "b") == "grad ?"


def test_the_highlighted_node_is_the_one_the_step_record_names(page, neuron):
    trace = neuron[1]
    idle_fill = page.fill("X1")  # nothing is highlighted at the start
    for step in trace.steps:
        page.click("next")
        marked = page.state()["marked"]
        assert marked["al-current"] == sorted([step.node_id, op_id(step.node_id)])
        if step.phase == "forward":
            edges = [in_edge_id(step.node_id, i) for i in range(len(step.operand_ids))]
            assert marked["al-operand"] == sorted(set(step.operand_ids))
        else:
            edges = [in_edge_id(step.node_id, step.position)]
            assert marked["al-operand"] == [step.parent_id]
        assert marked["al-edge"] == sorted([out_edge_id(step.node_id), *edges])
        current_fill = page.fill(step.node_id)
        assert current_fill != idle_fill
        busy = marked["al-current"] + marked["al-operand"]
        idle = next(i for i in ("X1", "X2", "desired") if i not in busy)
        assert page.fill(idle) == idle_fill != current_fill
    assert page.errors() == []


def test_previous_undoes_next(page, neuron):
    total = len(neuron[1].steps)
    states = [page.state()]
    for _ in range(total):
        page.click("next")
        states.append(page.state())
    assert len({repr(s) for s in states}) == total + 1  # every step changes the page
    for k in range(total, 0, -1):
        page.click("prev")
        assert page.state() == states[k - 1]
    page.click("next", 3)
    page.click("prev")
    assert page.state() == states[2]


def test_the_slider_and_the_arrow_keys_land_on_the_same_steps(page, neuron):
    total = len(neuron[1].steps)
    by_keys = [page.state()]
    for _ in range(total):
        page.keys("\ue014")  # ArrowRight
        by_keys.append(page.state())
    assert [s["step"] for s in by_keys] == list(range(total + 1))
    set_slider = (
        "const s = document.querySelector('[data-role=\"slider\"]');"
        "s.value = arguments[0]; s.dispatchEvent(new Event('input', {bubbles: true}));"
    )
    for k in (0, 5, 15, 11, 1):
        page.driver.execute_script(set_slider, k)
        assert page.state() == by_keys[k]
    page.keys("\ue012", "\ue012")  # ArrowLeft twice, from step 1: stops at 0
    assert page.state() == by_keys[0]
    # the slider itself, with a real click at its right end and its own arrow keys
    slider = page.control("slider")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(page.driver).move_to_element_with_offset(
        slider, slider.size["width"] // 2 - 2, 0
    ).click().perform()
    assert page.state() == by_keys[total]
    slider.send_keys("\ue012")  # ArrowLeft on the focused slider
    assert page.state() == by_keys[total - 1]
    page.keys("\ue010")  # End
    assert page.state() == by_keys[total]
    assert page.errors() == []


def test_play_pause_at_a_chosen_speed_and_reset(page, neuron):
    total = len(neuron[1].steps)
    from selenium.webdriver.support.select import Select

    Select(page.control("speed")).select_by_value("100")
    page.click("play")
    play = page.control("play")
    assert play.text == "Pause" and play.get_attribute("aria-pressed") == "true"
    deadline = time.monotonic() + 5
    while page.state()["step"] < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    page.click("play")  # pause
    assert play.text == "Play" and play.get_attribute("aria-pressed") == "false"
    paused_at = page.state()["step"]
    assert 3 <= paused_at < total
    time.sleep(0.35)  # more than three ticks at this speed
    assert page.state()["step"] == paused_at
    page.click("play")  # plays on to the end, then stops by itself
    deadline = time.monotonic() + 10
    while play.get_attribute("aria-pressed") == "true" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert page.state()["step"] == total and play.text == "Play"
    page.click("reset")
    state = page.state()
    assert state["step"] == 0 and state["counter"] == f"Step 0 of {total}"
    assert state["slots"]["grad:W1"] == "grad ?" and state["slots"]["value:E"] == "data ?"
    assert page.errors() == []


def test_controls_are_labelled_buttons_with_visible_focus_and_a_live_step_text(page):
    for role, label in [("reset", "Reset"), ("prev", "Previous"), ("play", "Play")]:
        element = page.control(role)
        assert element.tag_name == "button" and element.text == label
    assert page.control("next").text == "Next"
    live = page.control("step-text")
    assert live.get_attribute("aria-live") == "polite"
    assert page.control("slider").accessible_name == "Step"
    assert page.control("speed").accessible_name.startswith("Play speed")
    page.click("next")  # the click focuses Next; the keyboard moves focus from there
    page.keys("\ue004")  # Tab: to Next's neighbour, the slider
    focused = page.driver.switch_to.active_element
    outline = page.driver.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth];",
        focused,
    )
    assert focused.get_attribute("data-role") == "slider"
    assert outline == ["solid", "3px"]
    assert live.text.startswith("s = X1*W1")


def test_javascript_errors_would_be_caught(tab, tmp_path):
    """The error check above can fail: a page that throws is reported."""
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><title>x</title><script>noSuchFunction()</script>")
    tab.get(broken.as_uri())
    assert any("noSuchFunction" in e for e in console_errors(tab))


EXISTING = [name for name, mod in CATALOGUE.items() if find_spec(f"nn.examples.{mod}")]


@pytest.mark.parametrize("name", EXISTING)
def test_each_catalogue_example_makes_a_page_that_loads_without_errors(
    name, tab, tmp_path, example_result
):
    result = example_result(name)
    if result.trace is None:
        pytest.fail(f"{name} has no graph")
    trace = result.trace  # the snapshot of the example's first step: its model trained on
    try:
        path = save_html(trace, tmp_path / f"{name}.html")
    except GraphTooLargeError as exc:  # refused with the renderer's own message
        assert "pass max_nodes=" in str(exc)
        return
    page = Stepper(tab, path)
    assert page.state()["counter"] == f"Step 0 of {len(trace.steps)}"
    page.keys("\ue010")  # End
    state = page.state()
    assert state["text"] == trace.steps[-1].text()
    assert state["slots"][f"grad:{trace.root_id}"] == "grad 1"
    assert page.errors() == []


def test_notes_show_as_text_beside_their_node_and_with_its_steps(tab, tmp_path, example_result):
    root = example_result("gad-neuron").root
    note = "printed 0.8744 <b>(rounded)</b>"
    page = Stepper(tab, save_html(root, tmp_path / "noted.html", notes={"predicted": note}))
    in_graph = tab.execute_script(
        "return [...document.querySelectorAll('#predicted text')].map(t => t.textContent)"
    )
    assert f"\u270e {note}" in in_graph  # a row of the record, as text
    notes = page.control("notes")
    assert not notes.is_displayed()
    while page.state()["text"].split(" = ")[0] != "predicted":
        page.click("next")
    assert notes.is_displayed() and notes.text == f"predicted: {note}"
    assert not tab.find_elements("css selector", '[data-role="notes"] b b')  # text, not HTML
    assert page.errors() == []
