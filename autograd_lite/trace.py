"""Step through a graph the way the articles do: every forward value, every chain-rule product.

``explain(root)`` takes a snapshot. At the moment it is called it records every node's
data and gradient, each operation's formula and the local derivative of every edge, in
frozen records that hold only names, numbers and strings: a trace can be pickled, sent
as JSON, and read later by the renderer and the page long after the Values moved on.

The tracer knows no derivative. Local derivatives come only from ``local_grads()`` (the
operation table); what the tracer adds is the chain rule itself, multiplying an
upstream gradient by a local derivative and summing the products in the order of
``backward()``, so each gradient it records is bit for bit the one ``backward()`` stores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import Any

from .engine import Value, local_grads, topological_order
from .errors import ArgumentTypeError, DomainError
from .naming import (
    DEFAULT_DIGITS,
    NodeName,
    check_digits,
    derivative,
    format_number,
    node_names,
    operand_text,
    plain,
)
from .staleness import check_unchanged
from .trace_text import trace_html, trace_markdown, trace_text

_SLOT = "\ue000{}\ue001"
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
        raise KeyError(f"no node named {name!r} in this trace")

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


def explain(root: Value, *, seed: float = 1.0, digits: int = DEFAULT_DIGITS) -> Trace:
    """A snapshot of ``root``'s graph: its forward pass and a backward pass from ``root``.

    The backward pass is replayed, not read from ``.grad``: the graph is left
    untouched, and each gradient is the one a fresh ``root.backward(seed)`` stores
    (for leaves: what it adds to their ``.grad``). A graph whose Values changed
    after its forward pass raises ``GraphChangedError`` instead of being recorded.
    """
    return snapshot(root, seed=seed, digits=digits)[0]


def snapshot(
    root: Value, *, seed: float = 1.0, digits: int = DEFAULT_DIGITS
) -> tuple[Trace, dict[Value, NodeName]]:
    """``explain(root)`` and the names it gave each Value (for readers handed a Value)."""
    if not isinstance(root, Value):
        raise ArgumentTypeError(f"explain() takes a Value, got {type(root).__name__}")
    check_digits(digits)
    if isinstance(seed, bool) or not isinstance(seed, (int, float)):
        raise ArgumentTypeError(f"explain(seed=...) takes a number, got {type(seed).__name__}")
    order = topological_order(root)
    names = node_names(order)
    check_unchanged(order, names)
    root_name = names[root].name

    forward: list[ForwardStep] = []
    derivatives: dict[Value, tuple[float, ...] | None] = {}
    for node in order:
        if node.parents:
            derivatives[node] = edge_locals(node)
            forward.append(_forward_step(node, names, len(forward) + 1, derivatives[node]))

    grads = {node: 0.0 for node in order}
    grads[root] = float(seed)
    reached = {root}
    index = len(forward)
    backward: list[BackwardStep] = []
    for node in reversed(order):
        if not node.parents:
            continue
        upstream = grads[node]
        contributions: list[Contribution] = []
        if upstream != 0.0:  # as in backward(): a zero gradient passes nothing on
            locals_ = derivatives[node]
            if locals_ is None:
                raise underivable_error(node, names)
            for position, (parent, local) in enumerate(zip(node.parents, locals_, strict=True)):
                product = local * upstream
                grads[parent] += product
                index += 1
                contributions.append(
                    Contribution(
                        index=index,
                        root_name=root_name,
                        node_id=names[node].node_id,
                        name=names[node].name,
                        parent_id=names[parent].node_id,
                        parent_name=names[parent].name,
                        position=position,
                        upstream=upstream,
                        local=local,
                        product=product,
                        accumulated=grads[parent],
                        first=parent not in reached,
                    )
                )
                reached.add(parent)
        backward.append(
            BackwardStep(
                node_id=names[node].node_id,
                name=names[node].name,
                root_name=root_name,
                upstream=upstream,
                contributions=tuple(contributions),
            )
        )

    nodes = tuple(
        TracedNode(
            node_id=names[n].node_id,
            name=names[n].name,
            label=n.label,
            kind="op" if n.parents else ("leaf" if n.label else "constant"),
            op=n.op.name if n.parents else None,
            data=n.data,
            grad=grads[n],
        )
        for n in order
    )
    trace = Trace(
        root_id=names[root].node_id,
        root_name=root_name,
        seed=float(seed),
        nodes=nodes,
        forward=tuple(forward),
        backward=tuple(backward),
        digits=digits,
    )
    return trace, names


def _forward_step(
    node: Value, names: dict[Value, NodeName], index: int, locals_: tuple[float, ...] | None
) -> ForwardStep:
    op = node.op
    slots = len(node.parents) + (1 if op.has_constant else 0)
    return ForwardStep(
        index=index,
        node_id=names[node].node_id,
        name=names[node].name,
        op=op.name,
        operand_ids=tuple(names[p].node_id for p in node.parents),
        operand_names=tuple(names[p].name for p in node.parents),
        operand_values=tuple(p.data for p in node.parents),
        constant=node.constant,
        result=node.data,
        template=op.show(*[_SLOT.format(i) for i in range(slots)]),
        symbol=op.drawn_as,
        local=locals_ if locals_ is not None else (None,) * len(node.parents),
    )


def edge_locals(node: Value) -> tuple[float, ...] | None:
    """The table's local derivatives as floats, or ``None`` where the row cannot give them."""
    try:
        return tuple(float(g) for g in local_grads(node))
    except (ArithmeticError, ValueError):
        return None


def underivable_error(node: Value, names: dict[Value, NodeName]) -> DomainError:
    try:
        local_grads(node)
        reason = "not a number"
    except (ArithmeticError, ValueError) as exc:
        reason = str(exc)
    operands = ", ".join(f"{names[p].name} = {p.data!r}" for p in node.parents)
    return DomainError(
        f"the local derivative of {node.op.name} at {names[node].name} cannot be computed "
        f"({operands}): {reason}"
    )
