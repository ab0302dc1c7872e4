"""The practice page in a real browser (headless Chromium): the learner types each number.

The gad-neuron page with ``practice=True``: a wrong answer is called wrong, with the
hint (the derivative's formula from the table of operations and its numbers); the
trace's own number is called right; the score counts; a step can be revealed; all of it
from the keyboard alone. Fixtures: ``tests/browser_fixtures.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from autograd_lite import OPS, Trace, explain, format_number, save_html
from autograd_lite.demo import gad_neuron
from tests.test_browser_stepper import Stepper

pytest_plugins = ["tests.browser_fixtures"]  # browser (one a session) and tab (one a test)


class Practice(Stepper):
    """The practice page: typed answers, read back from the page."""

    def text(self, role: str) -> str:
        return self.control(role).text

    def answer(self, typed: str) -> None:
        """Type into the answer field and press Enter, as a keyboard user does."""
        field = self.control("answer")
        field.clear()
        field.send_keys(typed + "\n")

    def step(self) -> int:
        return int(self.driver.execute_script("return document.body.dataset.step"))


@pytest.fixture(scope="module")
def neuron(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Trace]:
    trace = explain(gad_neuron().E)
    path = save_html(trace, tmp_path_factory.mktemp("practice") / "practice.html", practice=True)
    return path, trace


@pytest.fixture
def page(tab: Any, neuron: tuple[Path, Trace]) -> Practice:
    return Practice(tab, neuron[0])


def to_step(page: Practice, k: int) -> None:
    """Go to step k with the arrow key, with the focus in the (empty) answer field."""
    page.control("answer").click()
    from selenium.webdriver.common.keys import Keys

    for _ in range(k - page.step()):
        page.control("answer").send_keys(Keys.ARROW_RIGHT)
    assert page.step() == k


def test_a_forward_value_is_asked_before_it_is_shown(page, neuron):
    step = neuron[1].forward[1]  # predicted = sigmoid(s)
    to_step(page, 2)
    assert page.slot("value", step.node_id) == "data ?"
    assert "predicted = sigmoid(s) = sigmoid(1.94) = ?" in page.text("question")
    page.answer("0.5")
    assert page.text("verdict").startswith("Wrong")
    assert page.slot("value", step.node_id) == "data ?"
    page.answer("0.874")  # the trace's 0.874352143 to 3 significant digits
    assert page.text("verdict") == "Right: 0.874352143. Step done: press → for the next."
    assert page.slot("value", step.node_id) == "data 0.874352143"
    assert page.text("step-text") == step.text()
    assert page.text("score").startswith("Score: 1 right, 1 wrong, 0 revealed")
    assert page.errors() == []


def test_a_wrong_local_derivative_gets_the_formula_and_its_numbers(page, neuron):
    trace = neuron[1]
    c = trace.steps[9]  # predicted passes its gradient to s
    assert (c.name, c.parent_name) == ("predicted", "s")
    to_step(page, c.index)
    assert page.text("question") == "Question: local derivative dpredicted/ds = ?"
    page.answer("1")
    assert page.text("verdict").startswith("Wrong")
    hint = page.text("hint")
    assert OPS["sigmoid"].derivative == "out*(1 - out)"
    assert hint == "Hint: dpredicted/ds = d sigmoid(s)/ds = out*(1 - out), out = 0.874352143"
    page.answer(format_number(c.local, 9))
    assert page.text("verdict").startswith("Right: 0.109860473")
    # then the product, the gradient passed on
    assert "gradient passed to s" in page.text("question")
    assert page.slot("grad", "s") == "grad ?"
    page.answer("0.09")  # 1 significant digit only
    assert page.text("verdict").startswith("Wrong")
    assert "0.844352143 * 0.109860473" in page.text("hint")
    page.answer("0.0928")
    assert page.text("verdict").startswith("Right: 0.0927609256")
    assert page.slot("grad", "s") == "grad 0.0927609256"
    assert page.text("score").startswith("Score: 2 right, 2 wrong, 0 revealed")
    assert page.errors() == []


def test_the_tolerance_is_the_learners(page):
    to_step(page, 2)
    tolerance = page.control("tolerance")
    tolerance.clear()
    tolerance.send_keys("1")
    page.answer("0.9")  # 0.874352143 to 1 significant digit
    assert page.text("verdict").startswith("Right")


def test_not_a_number_is_neither_right_nor_wrong(page):
    to_step(page, 1)
    page.answer("abc")
    assert page.text("verdict").startswith("Not a number")
    assert page.text("score").startswith("Score: 0 right, 0 wrong")


def test_reveal_and_restart(page, neuron):
    c = neuron[1].steps[9]
    to_step(page, c.index)
    page.click("reveal")
    assert page.text("verdict") == "Revealed: 0.109860473, then 0.0927609256."
    assert page.slot("grad", "s") == "grad 0.0927609256"
    assert page.text("score").startswith("Score: 0 right, 0 wrong, 2 revealed")
    page.click("restart")
    assert page.step() == 0
    assert page.text("score").startswith("Score: 0 right, 0 wrong, 0 revealed")
    to_step(page, c.index)
    assert page.slot("grad", "s") == "grad ?"  # a question again
    assert page.errors() == []


def test_keyboard_only_enter_answers_and_arrows_step(page, neuron):
    from selenium.webdriver.common.keys import Keys

    trace = neuron[1]
    page.control("answer").click()  # the only click: focus the field (Tab would do the same)
    field = page.driver.switch_to.active_element
    for step in trace.forward:
        field.send_keys(Keys.ARROW_RIGHT)
        assert page.step() == step.index
        field.send_keys(format_number(step.result, 9) + Keys.ENTER)
        assert page.text("verdict").startswith("Right")
        assert page.driver.switch_to.active_element == field
    field.send_keys(Keys.ARROW_LEFT)
    assert page.step() == len(trace.forward) - 1
    field.send_keys("12")
    field.send_keys(Keys.ARROW_LEFT)  # with something typed the arrows move the caret
    assert page.step() == len(trace.forward) - 1
    assert page.text("score").startswith(f"Score: {len(trace.forward)} right, 0 wrong")
    assert page.errors() == []


def test_every_field_is_labelled_and_answers_are_announced(page):
    labelled = page.driver.execute_script(
        "return [...document.querySelectorAll('.practice input')].map("
        "(i) => i.labels.length > 0 && i.labels[0].textContent.trim().length > 0);"
    )
    assert labelled == [True, True]
    live = page.driver.execute_script(
        "return [...document.querySelectorAll('[aria-live]')].map((e) => e.id || e.dataset.role);"
    )
    assert "al-feedback" in live and "score" in live
    for role in ("submit", "reveal", "restart"):
        assert page.control(role).tag_name == "button" and page.control(role).text


def test_the_answers_in_the_page_are_the_trace_records(neuron):
    path, trace = neuron
    text = path.read_text()
    assert '"practice":' in text and "out*(1 - out)" in text
    assert repr(trace.steps[9].local) in text  # the record's number, unrounded


def test_a_page_without_practice_has_no_practice(tmp_path):
    path = save_html(explain(gad_neuron().E), tmp_path / "plain.html")
    text = path.read_text()
    assert '"practice":' not in text and 'data-role="answer"' not in text
    assert "autogradLiteStepper.attach" not in text
