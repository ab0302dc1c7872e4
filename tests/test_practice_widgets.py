"""Practice in Jupyter: the widgets' logic, driven without a kernel as a learner would.

The widget object is built, its field set and its buttons clicked through their
handlers (``Button.click``); what it says and its score are read back. ``practice()``
chooses the widgets only inside a kernel, and ``import autograd_lite`` never loads
ipywidgets.
"""

from __future__ import annotations

import subprocess
import sys
import types

import pytest

from autograd_lite import explain, practice
from autograd_lite.demo import gad_neuron
from autograd_lite.errors import ArgumentError

widgets = pytest.importorskip("ipywidgets")

from autograd_lite.practice import in_kernel
from autograd_lite.practice_widgets import PracticeWidgets


@pytest.fixture
def trace():
    n = gad_neuron()
    n.E.backward()
    return explain(n.E)


@pytest.fixture
def session(trace):
    return PracticeWidgets(trace)


def type_and_check(session: PracticeWidgets, text: str) -> None:
    session.answer.value = text
    session.check.click()


def test_it_asks_the_first_forward_step_with_every_control_labelled(session, trace):
    assert session.question.value == "s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = ?"
    assert session.step_text.value == f"Step 1 of {len(trace.steps)} (forward)"
    assert session.answer.description == "Answer" and session.check.description == "Check"
    assert {session.reveal.description, session.restart.description} == {"Reveal", "Restart"}
    assert len(session.questions) == 5 + 2 * 10  # a value per forward step, two per product
    assert isinstance(session.box, widgets.VBox)


def test_a_right_answer_moves_on_and_scores(session):
    type_and_check(session, "1.94")
    assert session.verdict.value == "Right: 1.94"
    assert session.score.right == 1 and session.score.wrong == 0 and session.score.questions == 1
    assert session.question.value.startswith("predicted = sigmoid(s) = sigmoid(1.94)")
    assert session.answer.value == ""  # cleared for the next answer
    assert session.score_text.value.startswith("Score: 1 right, 0 wrong, 0 revealed")


def test_a_wrong_answer_says_so_and_hints_with_the_formula_and_its_numbers(session):
    type_and_check(session, "1.94")
    type_and_check(session, "0.9")
    assert session.verdict.value == (
        "Wrong: 0.9 does not agree with the answer to 3 significant digits."
    )
    assert session.hint.value == "Hint: predicted = sigmoid(s) = sigmoid(1.94)"
    assert session.score.wrong == 1 and session.position == 1  # asked again
    session.check.click()  # the same answer again is not counted twice
    assert session.score.wrong == 1
    type_and_check(session, "0.874")  # three significant digits agree (truncated)
    assert session.verdict.value == "Right: 0.874352143" and session.hint.value == ""


def test_a_backward_hint_gives_the_derivatives_formula_with_its_numbers(session):
    for _ in range(5):
        session.reveal.click()
    assert session.step_text.value.endswith("(backward)")
    while "dpredicted/ds" not in session.question.value:
        session.reveal.click()
    type_and_check(session, "0.5")
    assert "out*(1 - out)" in session.hint.value and "out = 0.874352143" in session.hint.value


def test_enter_submits_and_the_digits_can_be_set(session):
    session.digits.value = 2
    session.answer.value = "1.9"  # Enter: the field's value arrives, judged at 2 digits
    assert session.verdict.value == "Right: 1.94" and session.score.right == 1


def test_not_a_number_and_an_empty_field_are_not_answers(session):
    type_and_check(session, "abc")
    assert session.verdict.value == "Not a number: 'abc'" and session.score.wrong == 0
    session.answer.value = ""
    session.check.click()
    assert session.position == 0 and session.score.questions == 0


def test_reveal_restart_and_the_end(session):
    session.reveal.click()
    assert session.verdict.value == "Revealed: 1.94" and session.score.revealed == 1
    session.restart.click()
    assert session.position == 0 and session.score.revealed == 0 and session.verdict.value == ""
    for _ in range(len(session.questions)):
        session.reveal.click()
    assert session.done and session.step_text.value.startswith("Done")
    assert session.answer.disabled and session.check.disabled and session.reveal.disabled
    session.reveal.click()
    assert session.score.revealed == len(session.questions)


def test_bad_digits_are_refused(trace):
    with pytest.raises(ArgumentError, match="significant"):
        PracticeWidgets(trace, significant=0)
    with pytest.raises(ArgumentError, match="significant"):
        PracticeWidgets(trace, significant=True)


def test_practice_shows_widgets_only_inside_a_kernel(monkeypatch, trace):
    assert not in_kernel()  # pytest is no kernel
    shown = []
    shell = types.SimpleNamespace(kernel=object())
    ipython = pytest.importorskip("IPython")
    monkeypatch.setattr(ipython, "get_ipython", lambda: shell)
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    assert in_kernel()
    result = practice(trace)
    assert isinstance(result, PracticeWidgets) and shown == [result]
    # with ask/say given, the terminal path runs even in a kernel
    answers = iter(["q"])
    score = practice(trace, ask=lambda _: next(answers), say=lambda _: None)
    assert score.questions == 0


def test_importing_the_package_loads_no_widgets():
    code = "import sys, autograd_lite; print('ipywidgets' in sys.modules, 'IPython' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
