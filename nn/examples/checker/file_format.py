"""A worked-example file (TOML) read into a ``Computation``, or refused with the line and why.

Sections: ``title`` and ``source``; ``[values]`` (the leaves); ``[forward]`` (named steps,
each an expression over the names above it, ``expressions.py``) or ``[network]`` (matrices,
``network.py``), or both; ``[train]`` (plain gradient descent) and ``[printed]`` (what the
article printed, as strings; ``quantities.py``).

Every limit is in ``limits.py``, and named in the message of a file that exceeds it.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from autograd_lite import ArgumentTypeError, ExampleFileError, ExampleFileWarning

from .computation import Computation, Printed, Step, Training
from .expressions import ExpressionError, did_you_mean, name_problem, operations, parse
from .limits import (
    MAX_FILE_BYTES,
    MAX_LINE_DOTS,
    MAX_OPERATIONS,
    MAX_STEPS,
    MAX_TRAINING_STEPS,
    MAX_TRAINING_WORK,
    MAX_VALUES,
)
from .network import NetworkPart, network_part
from .quantities import check_quantities, printed_quantities
from .toml_lines import FileContext, dotted_key_line, shown

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

SECTIONS = ("title", "source", "values", "forward", "network", "train", "printed")
TRAIN_KEYS = ("loss", "learning_rate", "parameters", "steps")

Source = str | PathLike | Mapping[str, Any]


def load(source: Source) -> Computation:
    """The file at ``source`` (a path), or a dict of the same shape, as a ``Computation``.

    Raises ``ExampleFileError`` naming the file, the line or key, and what is wrong; warns
    (``ExampleFileWarning``) for what it accepts but the reader should know.
    """
    if isinstance(source, Mapping):
        return _build(dict(source), FileContext("the example dict"), None)
    if not isinstance(source, (str, PathLike)):
        raise ArgumentTypeError(
            f"load takes a path or a dict of the file's sections, got {type(source).__name__}"
        )
    path = Path(source)
    text = _read(path)
    if line := dotted_key_line(text, MAX_LINE_DOTS):
        raise ExampleFileError(
            f"{path}, line {line}: more than {MAX_LINE_DOTS} dots outside numbers (a dotted key "
            "that long is refused: TOML's reader would take minutes)"
        )
    context = FileContext(str(path), text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ExampleFileError(_syntax_message(context, exc)) from None
    except RecursionError:
        raise ExampleFileError(
            f"{path}: arrays or inline tables nested too deeply for TOML's reader"
        ) from None
    return _build(data, context, str(path))


def _read(path: Path) -> str:
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ExampleFileError(f"{path}: is a folder, not an example file")
        if size > MAX_FILE_BYTES:
            raise ExampleFileError(
                f"{path}: the file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}"
            )
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ExampleFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ExampleFileError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ExampleFileError(f"{path}: the file is over the limit of {MAX_FILE_BYTES:,} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ExampleFileError(
            f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8"
        ) from None


def _syntax_message(context: FileContext, exc: Exception) -> str:
    twice = [(key, lines) for key, lines in context.lines.items() if len(lines) > 1]
    if twice and "overwrite" in str(exc).lower():
        key, lines = twice[0]
        what = "step" if key.startswith("forward.") else "key"
        return (
            f"{context.where(key)}: the {what} {key.rpartition('.')[2]!r} is defined twice "
            f"(lines {lines[0]} and {lines[1]}); give each its own name"
        )
    return f"{context.name}: TOML syntax error: {exc}"


def _build(data: dict[str, Any], context: FileContext, path: str | None) -> Computation:
    context.check_keys(data, SECTIONS, "")
    for section in ("values", "forward", "network", "train", "printed"):
        if section in data and not isinstance(data[section], Mapping):
            raise ExampleFileError(
                f"{context.where(section)}: must be a section ([{section}] with keys below it), "
                f"got {type(data[section]).__name__}"
            )
    if "forward" not in data and "network" not in data:
        raise ExampleFileError(
            f"{context.name}: missing section [forward] (named steps) or [network] (matrices): "
            "there is nothing to compute"
        )
    if not data.get("printed"):
        raise ExampleFileError(
            f"{context.name}: missing section [printed] (the article's numbers): nothing to check"
        )
    title = _text(data, "title", context, required=True)
    source = _text(data, "source", context, required=False)
    messages: list[str] = []
    values = _values(data.get("values", {}), context)
    network = None
    if "network" in data:
        network = network_part(data["network"], context, values)
        messages += network.warnings
        for name, value in network.values.items():
            values[name] = value
    steps = _steps(data.get("forward", {}), context, values, network)
    if not steps:
        raise ExampleFileError(
            f'{context.where("forward")}: no steps; add name = "expression" lines'
        )
    printed = printed_quantities(data["printed"], context, messages)
    training = _training(data.get("train"), context, values, steps, printed, network)
    check_quantities(printed, context, values, steps, training)
    derivatives = sum(p.wrt is not None for p in printed)
    if derivatives * sum(operations(step.expression) for step in steps) > MAX_TRAINING_WORK:
        raise ExampleFileError(
            f"{context.where('printed')}: {derivatives} derivatives, each a backward pass over "
            f"the steps' operations, exceed the limit of {MAX_TRAINING_WORK:,} operations"
        )
    for message in messages:
        warnings.warn(message, ExampleFileWarning, stacklevel=3)
    return Computation(
        title=title,
        source=source,
        values=values,
        steps=tuple(steps),
        printed=tuple(printed),
        training=training,
        path=path,
        batch_size=network.batch_size if network else 1,
        outputs=network.outputs if network else 1,
        warnings=tuple(messages),
    )


def _text(data: Mapping, key: str, context: FileContext, *, required: bool) -> str:
    if key not in data:
        if required:
            raise ExampleFileError(f'{context.name}: missing {key} = "..." at the top')
        return ""
    value = data[key]
    if not isinstance(value, str) or (required and not value.strip()):
        raise ExampleFileError(
            f"{context.where(key)}: must be a non-empty string, got {shown(value)}"
        )
    return value


def _values(table: Mapping, context: FileContext) -> dict[str, float]:
    if len(table) > MAX_VALUES:
        raise ExampleFileError(
            f"{context.where('values')}: {len(table):,} leaves; the limit is {MAX_VALUES:,}"
        )
    values: dict[str, float] = {}
    for name, value in table.items():
        key = f"values.{name}"
        if (problem := name_problem(name)) is not None:
            raise ExampleFileError(f"{context.where(key)}: {problem}")
        values[name] = context.number(value, key)
    return values


def _steps(
    table: Mapping, context: FileContext, values: Mapping[str, float], network: NetworkPart | None
) -> list[Step]:
    generated = list(network.steps) if network else []
    if len(generated) + len(table) > MAX_STEPS:
        raise ExampleFileError(
            f"{context.name}: {len(generated) + len(table):,} steps; the limit is {MAX_STEPS:,}"
        )
    defined = set(values) | {step.name for step in generated}
    where_defined = {step.name: "[network]" for step in generated}
    later = set(table)
    steps = generated
    total = sum(operations(step.expression) for step in generated)
    for name, text in table.items():
        key = f"forward.{name}"
        later.discard(name)
        if (problem := name_problem(name)) is not None:
            raise ExampleFileError(f"{context.where(key)}: {problem}")
        if name in defined:
            first = where_defined.get(name) or _line_text(context, f"values.{name}", "[values]")
            raise ExampleFileError(
                f"{context.where(key)}: {name!r} is already a leaf or step ({first}); "
                "a step needs a name of its own"
            )
        try:
            expression = parse(text, defined, later)
        except ExpressionError as exc:
            raise ExampleFileError(f"{context.where(key)} = {shown(text)}: {exc}") from None
        total += operations(expression)
        if total > MAX_OPERATIONS:
            raise ExampleFileError(
                f"{context.where(key)}: the steps hold over {MAX_OPERATIONS:,} operations, "
                "the limit"
            )
        steps.append(Step(name, expression, text, context.line(key)))
        defined.add(name)
        where_defined[name] = _line_text(context, key, "[forward]")
    return steps


def _line_text(context: FileContext, key: str, section: str) -> str:
    line = context.line(key)
    return f"{section}, line {line}" if line else section


def _training(
    table: Mapping | None,
    context: FileContext,
    values: Mapping[str, float],
    steps: list[Step],
    printed: list[Printed],
    network: NetworkPart | None,
) -> Training | None:
    if table is None:
        return None
    context.check_keys(table, TRAIN_KEYS, "train")
    step_names = {step.name for step in steps}
    loss = table.get("loss", network.loss if network else None)
    if loss is None:
        raise ExampleFileError(
            f'{context.where("train")}: missing loss = "NAME", the step gradient descent minimises'
        )
    if loss not in step_names:
        kind = "a leaf, not a step" if loss in values else "not a step of the file"
        raise ExampleFileError(f"{context.where('train.loss')}: {shown(loss)} is {kind}")
    if "learning_rate" not in table:
        raise ExampleFileError(f"{context.where('train')}: missing learning_rate = NUMBER")
    rate = context.number(table["learning_rate"], "train.learning_rate")
    if rate <= 0:
        raise ExampleFileError(
            f"{context.where('train.learning_rate')}: must be positive, got {rate!r}"
        )
    parameters = _parameters(table, context, values, step_names, network)
    largest = max((p.after for p in printed), default=0)
    count = table.get("steps", max(largest, 1))
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ExampleFileError(
            f"{context.where('train.steps')}: must be a whole number of at least 1, got {shown(count)}"
        )
    if count > MAX_TRAINING_STEPS:
        raise ExampleFileError(
            f"{context.where('train.steps')}: {count:,} updates; the limit is "
            f"{MAX_TRAINING_STEPS:,}"
        )
    work = count * sum(operations(step.expression) for step in steps)
    if work > MAX_TRAINING_WORK:
        raise ExampleFileError(
            f"{context.where('train.steps')}: {count:,} updates of {work // count:,} operations "
            f"each is {work:,} operations; the limit is {MAX_TRAINING_WORK:,}"
        )
    return Training(loss, rate, parameters, count)


def _parameters(
    table: Mapping,
    context: FileContext,
    values: Mapping[str, float],
    step_names: set[str],
    network: NetworkPart | None,
) -> tuple[str, ...]:
    key = "train.parameters"
    if "parameters" not in table:
        if network is not None:
            return network.parameters
        raise ExampleFileError(
            f'{context.where("train")}: missing parameters = ["w1", ...], the leaves gradient '
            "descent updates (every other leaf stays fixed)"
        )
    names = table["parameters"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ExampleFileError(
            f'{context.where(key)}: must be a non-empty list of names, ["w1", "b1"]; got {shown(names)}'
        )
    for name in names:
        if name not in values:
            if name in step_names:
                raise ExampleFileError(
                    f"{context.where(key)}: {name!r} is a step; only leaves ([values]) are updated"
                )
            hint = did_you_mean(name, values)
            raise ExampleFileError(f"{context.where(key)}: no leaf is named {shown(name)}{hint}")
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise ExampleFileError(f"{context.where(key)}: {shown(twice)} is listed twice")
    return tuple(names)
