"""``[printed]``: each quantity the article printed, its digits, and what it may name.

A quantity is ``name`` (a leaf or a step, at the start), ``dA/dB`` (the derivative of step
``A`` with respect to leaf or step ``B``), ``name@K`` or ``dA/dB@K`` (after ``K`` updates).
A printed number is a string, so its digits are kept; a bare TOML number is accepted with a
warning (``0.50`` would be read as ``0.5``, and compared at the wrong precision).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal

from autograd_lite import ExampleFileError

from .computation import Printed, Step, Training
from .expressions import did_you_mean
from .limits import MAX_PRINTED, MAX_PRINTED_CHARS
from .toml_lines import FileContext, shown

_NAME = r"[A-Za-z][A-Za-z0-9_]*"
QUANTITY = re.compile(rf"(?:d(?P<of_d>{_NAME})/d(?P<wrt>{_NAME})|(?P<of>{_NAME}))(?:@(?P<k>\d+))?")
PRINTED_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def printed_quantities(table: Mapping, context: FileContext, messages: list[str]) -> list[Printed]:
    """``[printed]``'s entries, their syntax and digits checked; warnings go to ``messages``."""
    if len(table) > MAX_PRINTED:
        raise ExampleFileError(
            f"{context.where('printed')}: {len(table):,} quantities; the limit is {MAX_PRINTED:,}"
        )
    printed = []
    for key, value in table.items():
        where = f"printed.{key}"
        match = QUANTITY.fullmatch(key)
        if match is None:
            raise ExampleFileError(
                f"{context.where(where)}: {shown(key)} is not a quantity; write name, dA/dB, name@K "
                'or dA/dB@K (K: updates run first), for example h1, "dE/dw1", "w1@1"'
            )
        of = match["of"] or match["of_d"]
        after = int(match["k"]) if match["k"] is not None else 0
        text = _printed_text(value, context, where, messages)
        printed.append(Printed(key, of, match["wrt"], after, text, context.line(where)))
    return printed


def _printed_text(value: object, context: FileContext, key: str, messages: list[str]) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        text = repr(context.number(value, key))
        text = str(value) if isinstance(value, int) else text
        messages.append(
            f"{context.where(key)}: the printed number {value!r} is a bare TOML number, read as "
            f"{text!r}: trailing zeros are lost (0.50 reads as 0.5, which changes how it is "
            f'compared); write printed numbers as strings, "{text}"'
        )
        return text
    if not isinstance(value, str):
        raise ExampleFileError(
            f"{context.where(key)}: a printed number is a string of the article's digits, "
            f'such as "0.5449"; got {shown(value)}'
        )
    text = value.strip()
    if len(text) > MAX_PRINTED_CHARS or not PRINTED_NUMBER.fullmatch(text):
        raise ExampleFileError(
            f"{context.where(key)}: {shown(value)} is not a number; a printed number is the "
            f'article\'s digits, such as "0.5449", "-1.2e-3" or "66" (at most '
            f"{MAX_PRINTED_CHARS} characters)"
        )
    exponent = Decimal(text).adjusted()
    if abs(exponent) > 400:
        raise ExampleFileError(
            f"{context.where(key)}: {text!r} is beyond what a float holds (about 1e-324 to 1e308)"
        )
    return text


def check_quantities(
    printed: Sequence[Printed],
    context: FileContext,
    values: Mapping[str, float],
    steps: Sequence[Step],
    training: Training | None,
) -> None:
    """Each quantity names a leaf or a step, a derivative is of a step, ``@K`` is trained."""
    step_names = {step.name for step in steps}
    known = list(values) + [step.name for step in steps]
    for quantity in printed:
        where = context.where(f"printed.{quantity.key}")
        for name in (quantity.of, quantity.wrt):
            if name is not None and name not in values and name not in step_names:
                hint = did_you_mean(name, known)
                raise ExampleFileError(
                    f"{where}: unknown quantity: no leaf or step is named {shown(name)}{hint}"
                )
        if quantity.wrt is not None and quantity.of not in step_names:
            raise ExampleFileError(
                f"{where}: {quantity.of!r} is a leaf, not a step; a derivative dA/dB is of a "
                "step A (with respect to a leaf or an earlier step B)"
            )
        if quantity.after and training is None:
            raise ExampleFileError(
                f"{where}: @{quantity.after} means after {quantity.after} updates, and the file "
                "has no [train] section"
            )
        if training is not None and quantity.after > training.steps:
            raise ExampleFileError(
                f"{where}: @{quantity.after} is beyond the {training.steps} updates of [train] "
                f"steps; raise steps to at least {quantity.after}"
            )
