"""Practice mode in Python: the questions, the tolerance, the hints, ``practice()`` and the CLI.

The page's behaviour in a browser is tested in ``test_browser_practice.py``.
"""

from __future__ import annotations

import builtins
import json
import re

import pytest

from autograd_lite import (
    OPS,
    ArgumentError,
    ArgumentTypeError,
    PracticeScore,
    Value,
    explain,
    format_number,
    practice,
    save_html,
    stepper_page,
)
from autograd_lite.cli import main
from autograd_lite.demo import gad_neuron
from autograd_lite.practice import agrees, hint_text, practice_data


@pytest.fixture(scope="module")
def trace():
    return explain(gad_neuron().E)


def scripted(answers):
    """An ``ask=`` that types the answers in turn, and a ``say=`` that keeps what is said."""
    typed = iter(answers)
    said: list[str] = []

    def ask(prompt: str) -> str:
        said.append(prompt)
        return next(typed)  # StopIteration would be a test bug: end with "q"

    return ask, said.append, said


def test_agreement_to_significant_digits():
    assert agrees(0.874, 0.874352143) and agrees(0.8744, 0.874352143)
    assert agrees(0.8749, 0.874352143)  # truncated to 3 digits it is 0.874
    assert not agrees(0.876, 0.874352143) and not agrees(0.9, 0.874352143)
    assert agrees(0.9, 0.874352143, 1)
    assert agrees(-1689, -1688.70429) and not agrees(1689, -1688.70429)
    assert agrees(0.000927, 0.000927609256) and not agrees(0.00093, 0.000927609256, 4)
    assert agrees(0, 0.0) and agrees(0.0004, 0.0) and not agrees(0.01, 0.0)


def test_every_question_is_a_record_number(trace):
    data = practice_data(trace)
    assert data["derivatives"] == {name: op.derivative for name, op in OPS.items()}
    assert len(data["questions"]) == len(trace.steps)
    for step in trace.steps:
        questions = data["questions"][str(step.index)]
        if step.phase == "forward":
            assert [q["answer"] for q in questions] == [step.result]
        else:
            assert [q["kind"] for q in questions] == ["local", "product"]
            assert [q["answer"] for q in questions] == [step.local, step.product]
            assert questions[1]["shown"] == format_number(step.product, trace.digits)


def test_the_hint_is_the_formula_and_its_numbers(trace):
    data = practice_data(trace)
    local, product = data["questions"]["10"]  # predicted -> s
    assert hint_text(local, data["derivatives"]) == (
        "dpredicted/ds = d sigmoid(s)/ds = out*(1 - out), out = 0.874352143"
    )
    assert hint_text(product, data["derivatives"]).startswith(
        "the upstream gradient times the local derivative: "
        "dE/dpredicted * dpredicted/ds = 0.844352143 * 0.109860473; dpredicted/ds"
    )
    w1 = data["questions"]["12"][0]  # s = dot(...) -> W1
    assert hint_text(w1, data["derivatives"]) == (
        "ds/dW1 = d(X1*W1 + X2*W2 + b)/dW1 = w_i, x_i, 1 (operand 2 of 5: W1), w_i = 0.5, x_i = 0.1"
    )


def test_hints_name_the_numbers_of_other_rows():
    a, b = Value(2.0, "a"), Value(4.0, "b")
    q = (a / b).named("q")
    data = practice_data(explain(q))
    texts = [hint_text(qs[0], data["derivatives"]) for k, qs in data["questions"].items()]
    assert "dq/db = d(a / b)/db = 1/b, -out/b (operand 2 of 2: b), b = 4, out = 0.5" in texts
    e = (a**3).named("e")
    data = practice_data(explain(e))
    assert hint_text(data["questions"]["2"][0], data["derivatives"]) == (
        "de/da = d a**3/da = k * a**(k-1), k = 3, a = 2"
    )


def test_practice_scores_right_wrong_and_revealed(trace):
    ask, say, said = scripted(["1.94", "0.9", "0.874", "", "q"])
    score = practice(trace, ask=ask, say=say)
    assert score == PracticeScore(right=2, wrong=1, revealed=1, questions=3)
    text = "\n".join(said)
    assert "Right: 1.94" in text and "Revealed: -0.844352143" in text
    assert "Wrong: 0.9 does not agree with the answer to 3 significant digits." in text
    assert "Hint: predicted = sigmoid(s) = sigmoid(1.94)" in text
    assert said[-1] == "Score: 2 right, 1 wrong, 1 revealed; questions done: 3"


def test_a_wrong_local_derivative_gets_the_tables_formula(trace):
    answers = [format_number(s.result, 9) for s in trace.forward]
    answers += ["0.5", "0.5", "-1.69", "-0.844", "1", "-0.844", "-1", "0.844", "0.2", "q"]
    ask, say, said = scripted(answers)
    score = practice(trace, ask=ask, say=say)
    assert "Hint: dpredicted/ds = d sigmoid(s)/ds = out*(1 - out), out = 0.874352143" in said
    assert (score.right, score.wrong) == (13, 1)


def test_the_whole_trace_answered_right(trace):
    answers = []
    for step in trace.steps:
        if step.phase == "forward":
            answers.append(repr(step.result))
        else:
            answers += [repr(step.local), repr(step.product)]
    ask, say, _ = scripted(answers)
    score = practice(trace, significant=15, ask=ask, say=say)
    assert score == PracticeScore(right=25, wrong=0, revealed=0, questions=25)


def test_practice_reads_input_by_default_and_stops_at_end_of_input(monkeypatch, capsys):
    typed = iter(["not a number", "1.94"])

    def fake_input(prompt=""):
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)
    x = Value(0.1, "x")
    score = practice(((x * 3.0) + 1.64).named("s"))
    out = capsys.readouterr().out
    assert "Not a number: 'not a number'" in out
    assert score == PracticeScore(right=0, wrong=1, revealed=0, questions=0)


def test_practice_refuses_what_it_cannot_ask():
    with pytest.raises(ArgumentTypeError):
        practice(3.0)
    with pytest.raises(ArgumentError):
        practice(Value(1.0, "x"), significant=0)
    with pytest.raises(ArgumentTypeError):
        stepper_page(Value(1.0, "x"), practice="yes")


def test_the_practice_page_embeds_the_questions(trace, tmp_path):
    path = save_html(trace, tmp_path / "p.html", practice=True)
    text = path.read_text()
    data = json.loads(
        re.search(
            r'<script type="application/json" data-role="steps">(.*?)</script>', text, re.DOTALL
        ).group(1)
    )
    assert data["practice"] == json.loads(json.dumps(practice_data(trace)))
    assert 'data-role="answer"' in text and '<label for="al-answer">' in text
    plain = stepper_page(trace).html
    assert '"practice":' not in plain and 'data-role="answer"' not in plain


def test_demo_and_example_write_the_practice_page(tmp_path, capsys):
    target = tmp_path / "demo.html"
    assert main(["demo", "--no-svg", "--practice", "--html", str(target)]) == 0
    assert 'data-role="answer"' in target.read_text()
    target = tmp_path / "example.html"
    assert main(["example", "gad-neuron", "--table-only", "--practice", "--html", str(target)]) == 0
    assert '"practice":' in target.read_text()
    capsys.readouterr()


def test_practice_without_html_is_a_usage_error(tmp_path, capsys):
    assert main(["demo", "--no-svg", "--practice"]) == 2
    assert "--practice needs --html" in capsys.readouterr().err
    assert main(["example", "gad-neuron", "--practice"]) == 2
    assert "--practice needs --html" in capsys.readouterr().err


def test_the_practice_command_asks_a_catalogue_example(monkeypatch, capsys):
    typed = iter(["1.94", "q"])
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(typed))
    assert main(["practice", "gad-neuron"]) == 0
    out = capsys.readouterr().out
    assert "Right: 1.94" in out and "Score: 1 right, 0 wrong, 0 revealed; questions done: 1" in out
    with pytest.raises(SystemExit):
        main(["practice", "gad-neuron", "--significant", "16"])
