"""Practice mode: the learner computes each step before it is shown, in the page or a terminal.

Every question's answer is a number of the trace's records (a forward step's result, a
contribution's local derivative and product); a typed answer is only compared with it,
at a number of significant digits the learner chooses. A wrong answer earns a hint: the
local derivative's formula from the table of operations (``Op.derivative``) and the
numbers that go into it, formatted from the records. The page's questions are built here
(``practice_data``, in ``practice_questions``); ``practice()`` asks the same ones with
``input()``, or inside Jupyter with widgets (``practice_widgets``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from .engine import Value
from .errors import ArgumentError, ArgumentTypeError
from .practice_questions import (
    DEFAULT_SIGNIFICANT,
    PracticeScore,
    agrees,
    hint_text,
    practice_data,
)
from .trace import Trace, explain

if TYPE_CHECKING:
    from .practice_widgets import PracticeWidgets

__all__ = [
    "DEFAULT_SIGNIFICANT",
    "PracticeScore",
    "agrees",
    "hint_text",
    "practice",
    "practice_data",
]


def practice(
    subject: Trace | Value,
    *,
    significant: int = DEFAULT_SIGNIFICANT,
    ask: Callable[[str], str] | None = None,
    say: Callable[[str], object] | None = None,
) -> PracticeScore | PracticeWidgets:
    """Ask every step of the trace in a terminal: type each value, local derivative, product.

    A wrong answer is told so, with the hint, and asked again; an empty answer (or ``?``)
    reveals it; ``q`` (or end of input) stops. Returns the ``PracticeScore``. ``ask`` and
    ``say`` default to ``input`` and ``print``. Inside Jupyter (an IPython kernel), with
    neither given, it shows the same questions as widgets instead and returns them
    (``practice_widgets.PracticeWidgets``, whose ``score`` counts the answers).
    """
    if ask is None and say is None and in_kernel():
        return _widgets(subject, significant)
    ask = ask or input
    say = say or print
    if isinstance(subject, Value):
        subject = explain(subject)
    if not isinstance(subject, Trace):
        raise ArgumentTypeError(
            f"practice() takes a Trace or a Value, got {type(subject).__name__}"
        )
    if not isinstance(significant, int) or not 1 <= significant <= 15:
        raise ArgumentError(f"significant must be an integer from 1 to 15, got {significant!r}")
    data = practice_data(subject)
    score = PracticeScore()
    say(
        f"Practice: type each number (to {significant} significant digits); "
        "an empty answer or ? reveals it, q stops."
    )
    for step in subject.steps:
        say(f"Step {step.index} of {len(subject.steps)} ({step.phase})")
        for question in data["questions"][str(step.index)]:
            if not _ask_one(question, significant, data["derivatives"], score, ask, say):
                say(str(score))
                return score
            score.questions += 1
    say(str(score))
    return score


def in_kernel() -> bool:
    """Whether this runs inside an IPython kernel (Jupyter), not a terminal IPython or Python."""
    if "IPython" not in sys.modules:  # never import IPython just to find out
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def _widgets(subject: Trace | Value, significant: int) -> PracticeWidgets:
    from IPython.display import display

    from .practice_widgets import PracticeWidgets

    trace = explain(subject) if isinstance(subject, Value) else subject
    if not isinstance(trace, Trace):
        raise ArgumentTypeError(f"practice() takes a Trace or a Value, got {type(trace).__name__}")
    shown = PracticeWidgets(trace, significant)
    display(shown)
    return shown


def _ask_one(question, significant, derivatives, score, ask, say) -> bool:
    """One question until right or revealed; False when the learner stops."""
    while True:
        try:
            typed = ask(f"{question['prompt']} ").strip()
        except EOFError:
            return False
        if typed.lower() == "q":
            return False
        if typed in ("", "?"):
            score.revealed += 1
            say(f"Revealed: {question['shown']}")
            return True
        try:
            number = float(typed)
        except ValueError:
            say(f"Not a number: {typed!r}")
            continue
        if agrees(number, question["answer"], significant):
            score.right += 1
            say(f"Right: {question['shown']}")
            return True
        score.wrong += 1
        say(f"Wrong: {typed} does not agree with the answer to {significant} significant digits.")
        say(f"Hint: {hint_text(question, derivatives)}")
