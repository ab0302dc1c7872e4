"""The questions of practice mode, shared by the page, the terminal and the Jupyter widgets.

Every question's answer is a number of the trace's records (a forward step's result, a
contribution's local derivative and product); a typed answer is only compared with it
(``agrees``), at a number of significant digits the learner chooses. A wrong answer earns
a hint: the local derivative's formula from the table of operations (``Op.derivative``)
and the numbers that go into it, formatted from the records.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .naming import derivative, format_number
from .ops import OPS
from .records import drop_repeats
from .trace import Contribution, ForwardStep, Trace

DEFAULT_SIGNIFICANT = 3
"""Digits a typed answer must share with the trace's number, by default."""
_VARIABLES = re.compile(r"\b(out|a|b|k|x_i|w_i)\b")


def agrees(typed: float, expected: float, significant: int = DEFAULT_SIGNIFICANT) -> bool:
    """Whether ``typed`` is ``expected`` to ``significant`` digits (rounded or truncated).

    The answer may differ by less than one unit in the last significant digit; for an
    expected 0 by less than ``10**-significant``. The page's script does the same.
    """
    if expected == 0:
        return abs(typed) < 10.0**-significant
    unit = 10.0 ** (math.floor(math.log10(abs(expected))) - significant + 1)
    return abs(typed - expected) < unit


def _variables(step: ForwardStep, position: int, digits: int) -> list[list[str]]:
    """The numbers a row's derivative formula is written in, for the edge to ``position``."""
    formula = OPS[step.op].derivative if step.op in OPS else ""
    values = step.operand_values
    known: dict[str, float] = {"out": step.result}
    if step.op == "dot":
        pair = position // 2 * 2
        if pair + 1 < len(values):  # not the bias
            known.update(x_i=values[pair], w_i=values[pair + 1])
    elif step.op == "logsumexp":
        known["x_i"] = values[position]
    else:
        known["a"] = values[0]
        if step.constant is not None:
            known["k"] = step.constant
        elif len(values) > 1:
            known["b"] = values[1]
    used = dict.fromkeys(_VARIABLES.findall(formula))
    return [[name, format_number(known[name], digits)] for name in used if name in known]


def _forward_question(step: ForwardStep, digits: int) -> dict[str, Any]:
    asked = " = ".join(drop_repeats([step.name, step.formula(), step.substituted(digits)]))
    return {
        "kind": "value",
        "prompt": f"{asked} = ?",
        "answer": step.result,
        "shown": format_number(step.result, digits),
        "hint": f"{step.name} = {step.formula()} = {step.substituted(digits)}",
    }


def _backward_questions(c: Contribution, made_by: ForwardStep, digits: int) -> list[dict]:
    local = derivative(c.name, c.parent_name)
    upstream = derivative(c.root_name, c.name)
    operands = len(made_by.operand_ids)
    which = f" (operand {c.position + 1} of {operands}: {c.parent_name})" if operands > 1 else ""
    formula = made_by.formula()
    of = f"({formula})" if " " in formula else f" {formula}"
    local_hint = {
        "left": f"{local} = d{of}/d{c.parent_name}",
        "op": made_by.op,
        "vars": _variables(made_by, c.position, digits),
        "which": which,
    }
    product = f"{upstream} * {local} = {format_number(c.upstream, digits)} * "
    product += format_number(c.local, digits)
    return [
        {
            "kind": "local",
            "prompt": f"local derivative {local} = ?",
            "answer": c.local,
            "shown": format_number(c.local, digits),
            "derivative": local_hint,
        },
        {
            "kind": "product",
            "prompt": f"gradient passed to {c.parent_name}: {product} = ?",
            "answer": c.product,
            "shown": format_number(c.product, digits),
            "hint": f"the upstream gradient times the local derivative: {product}",
            "derivative": local_hint,
        },
    ]


def practice_data(trace: Trace) -> dict[str, Any]:
    """What a practice page adds to its JSON: each step's questions and the formulas by op."""
    made_by = {step.node_id: step for step in trace.forward}
    questions: dict[str, list[dict]] = {}
    for step in trace.steps:
        if isinstance(step, ForwardStep):
            questions[str(step.index)] = [_forward_question(step, trace.digits)]
        else:
            questions[str(step.index)] = _backward_questions(
                step, made_by[step.node_id], trace.digits
            )
    return {
        "significant": DEFAULT_SIGNIFICANT,
        "derivatives": {name: op.derivative for name, op in OPS.items()},
        "questions": questions,
    }


def hint_text(question: dict[str, Any], derivatives: dict[str, str]) -> str:
    """The hint for a wrong answer (the page's script writes the same text)."""
    parts = [question["hint"]] if "hint" in question else []
    d = question.get("derivative")
    if d:
        numbers = ", ".join(f"{name} = {value}" for name, value in d["vars"])
        text = f"{d['left']} = {derivatives.get(d['op'], '?')}{d['which']}"
        parts.append(f"{text}, {numbers}" if numbers else text)
    return "; ".join(parts)


@dataclass
class PracticeScore:
    """How a practice session went: answers right (at any try), wrong tries, answers revealed,
    and the questions finished (answered right or revealed)."""

    right: int = 0
    wrong: int = 0
    revealed: int = 0
    questions: int = 0

    def __str__(self) -> str:
        return (
            f"Score: {self.right} right, {self.wrong} wrong, {self.revealed} revealed; "
            f"questions done: {self.questions}"
        )
