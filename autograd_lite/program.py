"""``Program``: a compiled graph, its source, and a call that keeps the engine's guarantees.

``prog(values)`` runs the generated straight-line code. If that code raises, or any
number it computed (a node, a leaf's gradient) is not finite, the same numbers go through
the engine instead (``recording.replay``): the result, or the error and its message, is
then the engine's own. The source is compiled under a file name of its own, registered
with ``linecache``, so a traceback through it shows the generated lines.
"""

from __future__ import annotations

import html
import itertools
import linecache
import numbers
import weakref
from collections.abc import Sequence

from .engine import nonfinite_allowed
from .errors import ArgumentError, ArgumentTypeError, NonFiniteError
from .recording import Recording, rebuild, replay

_serial = itertools.count(1)

_FLOATS = frozenset({float})


PART_LINES = 4_000
"""A long source is compiled this many lines at a time: Python's parser holds one part."""


def _compiled_parts(source: str, filename: str) -> list:
    """The source's top-level statements compiled a part at a time, line numbers kept."""
    lines = source.splitlines(True)
    if len(lines) <= PART_LINES:
        return [compile(source, filename, "exec")]
    parts, start = [], 0
    while start < len(lines):
        end = min(start + PART_LINES, len(lines))
        while end < len(lines) and (lines[end][:1] in (" ", "\n")):
            end += 1  # a part ends where a top-level statement starts
        text = "\n" * start + "".join(lines[start:end])  # blank lines keep the line numbers
        parts.append(compile(text, filename, "exec"))
        start = end
    return parts


def _forget(filename: str) -> None:
    mine = (filename, filename[:-1] + ",")  # the program's, and its sgd_epoch's
    for name in [n for n in linecache.cache if n == mine[0] or n.startswith(mine[1])]:
        linecache.cache.pop(name, None)


class Program:
    """A recorded graph as Python: ``prog(values) -> (out, grads)``, ``prog.forward(values)``."""

    def __init__(self, recording: Recording, source: str, namespace: dict) -> None:
        self.recording = recording
        self.source = source
        """The Python text that runs: one line per forward step and per chain-rule product."""
        self.filename = f"<autograd_lite program {next(_serial)}>"
        linecache.cache[self.filename] = (len(source), None, source.splitlines(True), self.filename)
        weakref.finalize(self, _forget, self.filename)  # no source left behind in linecache
        scope = dict(namespace)
        for code in _compiled_parts(source, self.filename):
            exec(code, scope)  # noqa: S102 - our own generated text
        self._program = scope["program"]
        self._forward = scope["forward"]
        self._scope = scope
        self.input_labels = tuple(recording.leaves[i].label for i in recording.inputs)
        """The inputs' labels, in the order ``prog(values)`` takes their numbers."""

    @property
    def sgd_epoch(self):
        """``sgd_epoch(rows, lrs, *params)``: steps of plain SGD in one loop (``nn.fit``'s).

        Returns ``(losses, watched, params, last_grads)``; it stops early at a step whose
        numbers are not finite, for the caller to take through ``run``. Compiled on first use.
        """
        if "sgd_epoch" not in self._scope:
            make = self._scope.get("_sgd_source")
            if make is None:
                return None
            source = make()
            filename = self.filename[:-1] + ", sgd_epoch>"
            linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
            exec(compile(source, filename, "exec"), self._scope)  # noqa: S102 - our own text
        return self._scope["sgd_epoch"]

    def __len__(self) -> int:
        """How many values a call takes."""
        return len(self.recording.inputs)

    def _values(self, values: Sequence[float]) -> list[float]:
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
            try:
                values = list(values)  # a numpy array, a generator
            except TypeError:
                raise ArgumentTypeError(
                    f"a program takes a list of {len(self)} numbers, got {type(values).__name__}"
                ) from None
        if len(values) != len(self):
            shown = ", ".join(label or "?" for label in self.input_labels[:8])
            raise ArgumentError(
                f"this program takes {len(self)} values (its inputs: {shown}"
                f"{', ...' if len(self) > 8 else ''}), got {len(values)}; if the model or graph "
                "changed since it was compiled, compile it again"
            )
        out = list(values)
        if {*map(type, out)} <= _FLOATS:  # the common call, checked in C: floats ...
            total = sum(out, 0.0)
            if total - total == 0.0:  # ... all finite (a sum past the largest float looks closer)
                return out
        for i, v in enumerate(out):
            if type(v) is not float:
                if isinstance(v, bool) or not isinstance(v, numbers.Real):
                    label = self.input_labels[i]
                    named = f" ({label!r})" if label else ""
                    raise ArgumentTypeError(
                        f"value {i}{named} of a program call is {type(v).__name__} ({v!r}); "
                        "the values are plain numbers (a Value's .data)"
                    )
                out[i] = v = float(v)
            if v - v != 0.0 and not nonfinite_allowed():
                label = self.input_labels[i]
                named = f" ({label!r})" if label else ""
                raise NonFiniteError(
                    f"value {i}{named} of a program call is {v}: NaN and infinity are refused so "
                    "that none enters unnoticed; call it inside `with allow_nonfinite():` to accept it"
                )
        return out

    def __call__(self, values: Sequence[float]) -> tuple[float, tuple[float, ...]]:
        """``(out, grads)``: the root's value and each input's gradient, as ``backward()`` gives."""
        return self.run(self._values(values))[:2]

    def run(self, values: list[float]) -> tuple[float, tuple[float, ...], tuple[float, ...]]:
        """``(out, grads, watched)`` for a list of floats already checked (``nn.fit``'s loop)."""
        try:
            out, grads, check, watched = self._program(*values)
        except (ArithmeticError, ValueError):
            return replay(self.recording, values)
        if type(check) is not float or check - check != 0.0:
            return replay(self.recording, values)
        return out, grads, watched

    def forward(self, values: Sequence[float]) -> float:
        """The root's value alone: the forward lines, no gradient."""
        xs = self._values(values)
        try:
            out, check = self._forward(*xs)
        except (ArithmeticError, ValueError):
            return rebuild(self.recording, xs)[0].data
        if type(check) is not float or check - check != 0.0:
            return rebuild(self.recording, xs)[0].data
        return out

    def __str__(self) -> str:
        return self.source

    def __repr__(self) -> str:
        rec = self.recording
        return (
            f"<Program: {len(rec.nodes)} operations, {len(rec.inputs)} inputs, "
            f"{self.source.count(chr(10))} lines; print() it to read it>"
        )

    def _repr_html_(self) -> str:
        """The source in Jupyter: comments dimmed, the chain-rule lines marked."""
        rows = []
        for line in self.source.splitlines():
            code, _, comment = line.partition("  # ")
            text = html.escape(code)
            if line.lstrip().startswith("grad_") or "_backward(" in line:
                text = f'<span style="color:#a31515">{text}</span>'
            elif line.lstrip().startswith(("def ", "return ")):
                text = f'<span style="color:#0000c0">{text}</span>'
            if comment:
                text += f'<span style="color:#6a737d">  # {html.escape(comment)}</span>'
            rows.append(text)
        return "<pre>" + "\n".join(rows) + "</pre>"
