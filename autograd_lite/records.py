"""The records of a trace: frozen, and made of names, numbers and strings only.

A trace outlives the Values it was taken from: it can be pickled, written as JSON
and read back equal, and the renderer and the page draw from it alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from .errors import ArgumentError, NodeNotFoundError
from .naming import (
    DEFAULT_DIGITS,
    check_digits,
    derivative,
    format_number,
    operand_text,
    plain,
)
from .trace_text import trace_html, trace_markdown, trace_text

SLOT = "\ue000{}\ue001"
_SLOTS = re.compile("\ue000(\\d+)\ue001")


def _fill(template: str, texts: list[str]) -> str:
    return _SLOTS.sub(lambda m: texts[int(m.group(1))], template)


@dataclass(frozen=True, slots=True)
class TracedNode:
    """One node of the graph: what it is, its value and its gradient in the traced pass."""

    node_id: str
    name: str
    label: str
    kind: str
    """``"op"`` (made by an operation), ``"leaf"`` (labelled input) or ``"constant"``."""
    op: str | None
    data: float
    grad: float

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass(frozen=True, slots=True)
class ForwardStep:
    """One operation evaluated: ``s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = 1.94``."""

    index: int
    """Position in the whole trace, forward and backward steps counted together from 1."""
    node_id: str
    name: str
    op: str
    operand_ids: tuple[str, ...]
    operand_names: tuple[str, ...]
    operand_values: tuple[float, ...]
    constant: float | None
    """The plain-number operand of ``x ** k``, which is not a node."""
    result: float
    template: str
    """The row's ``show`` applied to numbered slots: the formula with its operands left out."""
    symbol: str
    """How a drawing writes the operation (the row's ``symbol``, or its name)."""
    local: tuple[float | None, ...]
    """d result / d operand for each operand, from the table (``None`` where it fails)."""
    flat: tuple[bool, ...]
    """For each operand: True when its local derivative is 0 or smaller than
    ``trace.FLAT_BELOW`` in absolute value (a dead ReLU, a saturated sigmoid), so almost
    no gradient flows back along that edge."""

    phase = "forward"

    def formula(self) -> str:
        """The formula over the operands' names: ``X1*W1 + X2*W2 + b``."""
        texts = list(self.operand_names)
        if self.constant is not None:
            texts.append(format_number(self.constant, 12))
        return _fill(self.template, texts)

    def substituted(self, digits: int = DEFAULT_DIGITS) -> str:
        """The formula with the operands' values: ``0.1*0.5 + 0.3*0.2 + 1.83``."""
        texts = [operand_text(v, digits) for v in self.operand_values]
        if self.constant is not None:
            texts.append(operand_text(self.constant, digits))
        return _fill(self.template, texts)

    def operation_text(self, digits: int = DEFAULT_DIGITS) -> str:
        """What a drawing writes in the operation's node: ``*``, or ``0.5*·`` with a constant."""
        if self.constant is None:
            return self.symbol
        return _fill(self.template, ["·", format_number(self.constant, digits)])

    def flat_note(self, digits: int = DEFAULT_DIGITS) -> str:
        """``[flat: dpredicted/ds = 4.54e-05]`` for the flat edges, or ``""`` when none is."""
        flat = [
            f"{derivative(self.name, name)} = {format_number(local, digits)}"
            for name, local, is_flat in zip(self.operand_names, self.local, self.flat)
            if is_flat and local is not None
        ]
        return f"[flat: {', '.join(flat)}]" if flat else ""

    def text(self, digits: int = DEFAULT_DIGITS) -> str:
        parts = [self.name, self.formula(), self.substituted(digits)]
        parts.append(format_number(self.result, digits))
        return " = ".join(drop_repeats(parts))

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        return plain(
            self,
            phase=self.phase,
            formula=self.formula(),
            substituted=self.substituted(digits),
            text=self.text(digits),
        )


@dataclass(frozen=True, slots=True)
class Contribution:
    """One chain-rule product: the gradient a node passes to one of its parents.

    ``product = local * upstream`` where ``upstream`` is d root / d node and ``local``
    is d node / d parent from the operation table; ``accumulated`` is the parent's
    gradient once this product is added (parents used twice, as in ``x*x``, or by
    several nodes receive several contributions).
    """

    index: int
    root_name: str
    node_id: str
    name: str
    parent_id: str
    parent_name: str
    position: int
    """Which operand of the node the parent is (``x*x`` has positions 0 and 1)."""
    upstream: float
    local: float
    product: float
    accumulated: float
    first: bool
    """True when this is the first gradient the parent receives in the pass."""

    phase = "backward"

    def text(self, digits: int = DEFAULT_DIGITS) -> str:
        """``dE/ds = dE/dpredicted * dpredicted/ds = 0.844352143 * 0.109860473 = 0.0927609256``."""
        target = derivative(self.root_name, self.parent_name)
        rule = (
            f"{derivative(self.root_name, self.name)} * {derivative(self.name, self.parent_name)}"
        )
        numbers = f"{operand_text(self.upstream, digits)} * {operand_text(self.local, digits)}"
        line = f"{target} {'=' if self.first else '+='} {rule} = {numbers}"
        line += f" = {format_number(self.product, digits)}"
        if not self.first:
            line += f", so {target} = {format_number(self.accumulated, digits)}"
        return line

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        return plain(self, phase=self.phase, text=self.text(digits))


@dataclass(frozen=True, slots=True)
class BackwardStep:
    """One node processed by the backward pass: its upstream gradient and what it passes on."""

    node_id: str
    name: str
    root_name: str
    upstream: float
    contributions: tuple[Contribution, ...]
    """Empty when the upstream gradient is 0: like ``backward()``, nothing is passed on."""

    def text(self, digits: int = DEFAULT_DIGITS) -> str:
        line = f"at {self.name}: {derivative(self.root_name, self.name)} = "
        line += format_number(self.upstream, digits)
        if not self.contributions:
            line += " (zero: nothing to pass on)"
        return line

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        contributions = [c.to_dict(digits) for c in self.contributions]
        return plain(self, text=self.text(digits), contributions=contributions)


Step = ForwardStep | Contribution


@dataclass(frozen=True)
class Trace:
    """A forward and a backward pass written out step by step; see ``explain``.

    Shows as text (``print``), as HTML tables in Jupyter and as Markdown
    (``to_markdown()``); ``to_dict()`` is the JSON-ready form and ``from_dict()`` reads it
    back into an equal trace.
    """

    root_id: str
    root_name: str
    seed: float
    nodes: tuple[TracedNode, ...]
    forward: tuple[ForwardStep, ...]
    backward: tuple[BackwardStep, ...]
    digits: int = DEFAULT_DIGITS

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step in the order the algorithm takes them; ``steps[i].index == i + 1``."""
        return self.forward + tuple(self.contributions())

    def contributions(self) -> Iterable[Contribution]:
        """Every chain-rule product, in the order of the backward pass."""
        return (c for b in self.backward for c in b.contributions)

    def node(self, name: str) -> TracedNode:
        """The node with this name or id."""
        for node in self.nodes:
            if name in (node.name, node.node_id):
                return node
        raise NodeNotFoundError(f"no node named {name!r} in this trace")

    def gradients(self) -> dict[str, float]:
        """d root / d leaf for every leaf, by name."""
        return {node.name: node.grad for node in self.nodes if node.kind != "op"}

    def to_text(self, digits: int | None = None) -> str:
        return trace_text(self, check_digits(self.digits if digits is None else digits))

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        products = sum(len(b.contributions) for b in self.backward)
        return (
            f"<Trace of {self.root_name}: {len(self.forward)} forward steps, "
            f"{products} chain-rule products; print() it for every step>"
        )

    def to_markdown(self, digits: int | None = None) -> str:
        return trace_markdown(self, check_digits(self.digits if digits is None else digits))

    def _repr_html_(self) -> str:
        return self.to_html_table()

    def to_html_table(self, digits: int | None = None) -> str:
        """Two HTML tables (forward, backward); rows carry ``data-node-id`` for linking."""
        return trace_html(self, check_digits(self.digits if digits is None else digits))

    def to_dict(self, digits: int | None = None) -> dict[str, Any]:
        """Plain lists, strings and floats (with the rendered text of each step)."""
        digits = check_digits(self.digits if digits is None else digits)
        return {
            "root_id": self.root_id,
            "root_name": self.root_name,
            "seed": self.seed,
            "digits": digits,
            "nodes": [n.to_dict() for n in self.nodes],
            "forward": [s.to_dict(digits) for s in self.forward],
            "backward": [b.to_dict(digits) for b in self.backward],
        }

    def to_json(self, digits: int | None = None) -> str:
        return json.dumps(self.to_dict(digits))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trace:
        """The trace ``to_dict()`` wrote (the rendered texts in it are ignored)."""
        return cls(
            root_id=data["root_id"],
            root_name=data["root_name"],
            seed=float(data["seed"]),
            nodes=tuple(_record(TracedNode, n) for n in data["nodes"]),
            forward=tuple(_record(ForwardStep, s) for s in data["forward"]),
            backward=tuple(
                _record(
                    BackwardStep,
                    b,
                    contributions=tuple(_record(Contribution, c) for c in b["contributions"]),
                )
                for b in data["backward"]
            ),
            digits=int(data["digits"]),
        )

    @classmethod
    def from_json(cls, text: str) -> Trace:
        return cls.from_dict(json.loads(text))


def _record(kind: type, data: dict[str, Any], **given: Any) -> Any:
    values = {}
    for f in fields(kind):
        if f.name not in given and f.name not in data:
            raise ArgumentError(
                f"Trace.from_dict: a {kind.__name__} record lacks its field {f.name!r} "
                "(was it written by another version? explain() the graph again)"
            )
        value = given[f.name] if f.name in given else data[f.name]
        values[f.name] = tuple(value) if isinstance(value, list) else value
    return kind(**values)


def drop_repeats(parts: Iterable[str]) -> list[str]:
    """``v1 = 2*3 = 2*3 = 6`` reads better as ``v1 = 2*3 = 6``."""
    kept: list[str] = []
    for part in parts:
        if not kept or part != kept[-1]:
            kept.append(part)
    return kept
