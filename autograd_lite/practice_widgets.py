"""Practice in Jupyter: the terminal's questions as ipywidgets, a field, buttons and feedback.

``practice(root)`` uses this inside an IPython kernel; ``ipywidgets`` is imported only
here, when the widgets are made, never by ``import autograd_lite``. The questions, the
comparison (``agrees``) and the hints are ``practice``'s, so the widgets, the terminal and
the page ask the same things and judge answers alike. Every text is a ``Label`` (plain
text, never HTML).
"""

from __future__ import annotations

from typing import Any

from .errors import ArgumentError
from .practice_questions import (
    DEFAULT_SIGNIFICANT,
    PracticeScore,
    agrees,
    hint_text,
    practice_data,
)
from .trace import Trace


class PracticeWidgets:
    """One practice session as widgets: ``box`` is what Jupyter shows.

    ``answer`` (a text field; Enter submits), ``check``, ``reveal`` and ``restart`` are
    the controls; ``verdict``, ``hint`` and ``score_text`` say how it went, and
    ``score`` counts it (a ``PracticeScore``).
    """

    def __init__(self, trace: Trace, significant: int = DEFAULT_SIGNIFICANT):
        import ipywidgets as widgets

        if isinstance(significant, bool) or not isinstance(significant, int):
            raise ArgumentError(f"significant must be an integer from 1 to 15, got {significant!r}")
        if not 1 <= significant <= 15:
            raise ArgumentError(f"significant must be an integer from 1 to 15, got {significant!r}")
        self.trace = trace
        data = practice_data(trace)
        self._derivatives = data["derivatives"]
        self.questions: list[tuple[Any, dict[str, Any]]] = [
            (step, q) for step in trace.steps for q in data["questions"][str(step.index)]
        ]
        self.step_text = widgets.Label()
        self.question = widgets.Label()
        self.answer = widgets.Text(
            description="Answer",
            placeholder="a number",
            continuous_update=False,  # the value arrives on Enter (or leaving the field)
        )
        self.check = widgets.Button(description="Check", button_style="primary")
        self.reveal = widgets.Button(description="Reveal")
        self.restart = widgets.Button(description="Restart")
        self.digits = widgets.BoundedIntText(
            value=significant, min=1, max=15, description="Digits", tooltip="significant digits"
        )
        self.verdict = widgets.Label()
        self.hint = widgets.Label()
        self.score_text = widgets.Label()
        self.box = widgets.VBox(
            [
                widgets.Label(f"Practice: {trace.root_name}, {len(self.questions)} questions"),
                self.step_text,
                self.question,
                widgets.HBox([self.answer, self.check, self.reveal, self.restart]),
                self.digits,
                self.verdict,
                self.hint,
                self.score_text,
            ]
        )
        self.check.on_click(lambda _: self.submit())
        self.reveal.on_click(lambda _: self.give_up())
        self.restart.on_click(lambda _: self.start())
        self.answer.observe(lambda change: self.submit() if change["new"] else None, "value")
        self._shown = False
        self.start()

    # --- what the controls do ---------------------------------------------------------------

    def start(self) -> None:
        """From the first question again, the score at zero."""
        self.position = 0
        self._judged: tuple[int, str] | None = None
        self.score = PracticeScore()
        self.verdict.value = self.hint.value = ""
        self._ask()

    def submit(self) -> None:
        """Judge the typed answer: right moves on, wrong gives the hint and asks again."""
        if self.done:
            return
        typed = self.answer.value.strip()
        if not typed:
            return  # a field left empty is not an answer (Reveal gives up)
        if self._judged == (self.position, typed):
            return  # Enter (or leaving the field) then Check: one answer, judged once
        self._judged = (self.position, typed)
        _, question = self.questions[self.position]
        try:
            number = float(typed)
        except ValueError:
            self.verdict.value = f"Not a number: {typed!r}"
            return
        digits = self.digits.value
        if agrees(number, question["answer"], digits):
            self.score.right += 1
            self.verdict.value = f"Right: {question['shown']}"
            self.hint.value = ""
            self._next()
        else:
            self.score.wrong += 1
            self.verdict.value = (
                f"Wrong: {typed} does not agree with the answer to {digits} significant digits."
            )
            self.hint.value = f"Hint: {hint_text(question, self._derivatives)}"
            self._show_score()

    def give_up(self) -> None:
        """Show the answer of the current question and move on."""
        if self.done:
            return
        _, question = self.questions[self.position]
        self.score.revealed += 1
        self.verdict.value = f"Revealed: {question['shown']}"
        self.hint.value = ""
        self._next()

    @property
    def done(self) -> bool:
        return self.position >= len(self.questions)

    # --- showing it ---------------------------------------------------------------------

    def _next(self) -> None:
        self.position += 1
        self.score.questions += 1
        self._ask()

    def _ask(self) -> None:
        self._clear_answer()
        if self.done:
            self.step_text.value = "Done: every step of the trace is answered."
            self.question.value = ""
        else:
            step, question = self.questions[self.position]
            self.step_text.value = f"Step {step.index} of {len(self.trace.steps)} ({step.phase})"
            self.question.value = question["prompt"]
        for control in (self.answer, self.check, self.reveal):
            control.disabled = self.done
        self._show_score()

    def _clear_answer(self) -> None:
        self.answer.value = ""  # observed, but an empty value is no answer

    def _show_score(self) -> None:
        self.score_text.value = f"{self.score}; of {len(self.questions)}"

    def _ipython_display_(self) -> None:
        """Show the widgets once (``practice()`` shows them; its returned object is then quiet)."""
        if self._shown:
            return
        from IPython.display import display

        self._shown = True
        display(self.box)

    def __repr__(self) -> str:
        return f"<PracticeWidgets for {self.trace.root_name}: {self.score}>"
