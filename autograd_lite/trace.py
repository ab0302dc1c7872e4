"""Step through a graph the way the articles do: every forward value, every chain-rule product.

The tracer knows no derivative. Local derivatives come only from ``local_grads()``
(the operation table); what the tracer adds is the chain rule itself, multiplying
an upstream gradient by a local derivative and summing the products, in the same
order as ``backward()``, so each gradient it prints is bit for bit the one
``backward()`` stores. Records are plain frozen dataclasses holding names and
floats (no Values), so a trace can be kept, compared, or sent to a browser as JSON.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from .engine import Value, local_grads, topological_order
from .errors import DomainError

DEFAULT_DIGITS = 9
"""Significant digits printed by default: enough to compare with articles that print 9."""

_UNSAFE_IN_ID = re.compile(r"[^\w.\-\[\]']")
_PLAIN_NAME = re.compile(r"[A-Za-z_][\w.\[\]']*")


# --- numbers and names -------------------------------------------------------------------------


def format_number(x: float, digits: int = DEFAULT_DIGITS) -> str:
    """``x`` to ``digits`` significant digits, without trailing zeros (``1.94``, ``2``)."""
    text = f"{float(x):.{digits}g}"
    return "0" if text == "-0" else text


def _operand_text(x: float, digits: int) -> str:
    """A number placed inside a formula: negative ones in parentheses, ``0.5*(-3)``."""
    text = format_number(x, digits)
    return f"({text})" if text.startswith("-") else text


def _check_digits(digits: int) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 17:
        raise ValueError(f"digits must be an integer from 1 to 17, got {digits!r}")
    return digits


@dataclass(frozen=True, slots=True)
class NodeName:
    """How a node is shown (``name``) and a unique id safe in DOT and HTML (``node_id``)."""

    node_id: str
    name: str


def node_names(nodes: Iterable[Value]) -> dict[Value, NodeName]:
    """Stable names for ``nodes`` (in topological order), shared by the tracer and the renderer.

    A labelled node is shown by its label (a repeated label gets ``#2``, ``#3``); an
    unlabelled operation gets ``v1``, ``v2``, ... in order; an unlabelled leaf (a
    ``Value(0.3)`` nobody named) is shown as its number and gets the id ``c1``,
    ``c2``, .... (A plain number in ``0.5*x`` is not a node at all: it is part of its
    operation, written in its formula.) Ids keep only letters, digits and ``_.-[]'`` of a
    label, so ``#`` and ``~`` stay free for the renderer's own ids.
    """
    nodes = list(nodes)
    labels = {node.label for node in nodes if node.label}
    reserved = labels | {_UNSAFE_IN_ID.sub("_", label) for label in labels}
    names: dict[Value, NodeName] = {}
    taken_names: set[str] = set()
    taken_ids: set[str] = set()
    counters = {"v": 0, "c": 0}

    def generated(prefix: str) -> str:
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}{counters[prefix]}"
            if candidate not in reserved:
                return candidate

    for node in nodes:
        if node in names:
            continue
        if node.label:
            name = _unique(node.label, taken_names)
            node_id = _unique(_UNSAFE_IN_ID.sub("_", node.label), taken_ids)
        elif node.parents:
            name = node_id = generated("v")
        else:
            name = format_number(node.data, 12)
            node_id = generated("c")
        taken_names.add(name)
        taken_ids.add(node_id)
        names[node] = NodeName(node_id, name)
    return names


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    k = 2
    while f"{base}#{k}" in taken:
        k += 1
    return f"{base}#{k}"


def _plain(record: Any, **extra: Any) -> dict[str, Any]:
    """A record's shown fields as JSON-ready values (tuples as lists), plus ``extra``."""
    out = {}
    for f in fields(record):
        if f.repr:
            value = getattr(record, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out | extra


def _d(name: str) -> str:
    """``d`` in front of a name: ``dW1``, or ``d(0.5)`` for a number or an odd label."""
    return f"d{name}" if _PLAIN_NAME.fullmatch(name) else f"d({name})"


def _derivative(of: str, wrt: str) -> str:
    return f"{_d(of)}/{_d(wrt)}"


# --- step records ------------------------------------------------------------------------------


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
        return _plain(self)


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
    show: Callable[..., str] = field(repr=False, compare=False)
    """The operation's ``show`` from the table: operand texts -> formula."""

    phase = "forward"

    def formula(self) -> str:
        """The formula over the operands' names: ``X1*W1 + X2*W2 + b``."""
        texts = list(self.operand_names)
        if self.constant is not None:
            texts.append(format_number(self.constant, 12))
        return self.show(*texts)

    def substituted(self, digits: int = DEFAULT_DIGITS) -> str:
        """The formula with the operands' values: ``0.1*0.5 + 0.3*0.2 + 1.83``."""
        texts = [_operand_text(v, digits) for v in self.operand_values]
        if self.constant is not None:
            texts.append(_operand_text(self.constant, digits))
        return self.show(*texts)

    def text(self, digits: int = DEFAULT_DIGITS) -> str:
        parts = [self.name, self.formula(), self.substituted(digits)]
        parts.append(format_number(self.result, digits))
        return " = ".join(_drop_repeats(parts))

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        return _plain(
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
        target = _derivative(self.root_name, self.parent_name)
        rule = (
            f"{_derivative(self.root_name, self.name)} * {_derivative(self.name, self.parent_name)}"
        )
        numbers = f"{_operand_text(self.upstream, digits)} * {_operand_text(self.local, digits)}"
        line = f"{target} {'=' if self.first else '+='} {rule} = {numbers}"
        line += f" = {format_number(self.product, digits)}"
        if not self.first:
            line += f", so {target} = {format_number(self.accumulated, digits)}"
        return line

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        return _plain(self, phase=self.phase, text=self.text(digits))


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
        line = f"at {self.name}: {_derivative(self.root_name, self.name)} = "
        line += format_number(self.upstream, digits)
        if not self.contributions:
            line += " (zero: nothing to pass on)"
        return line

    def to_dict(self, digits: int = DEFAULT_DIGITS) -> dict[str, Any]:
        contributions = [c.to_dict(digits) for c in self.contributions]
        return _plain(self, text=self.text(digits), contributions=contributions)


Step = ForwardStep | Contribution


# --- the trace ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trace:
    """A forward and a backward pass written out step by step; see ``explain``.

    Shows as text (``print``), as HTML tables in Jupyter and as Markdown
    (``to_markdown()``); ``to_dict()`` is the JSON-ready form.
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
        return self.forward + tuple(c for b in self.backward for c in b.contributions)

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
        digits = _check_digits(self.digits if digits is None else digits)
        leaves = [n for n in self.nodes if n.kind != "op"]
        inputs = [f"{n.name} = {format_number(n.data, digits)}" for n in leaves if n.kind == "leaf"]
        lines = ["Inputs: " + (", ".join(inputs) or "none")]
        lines.append("")
        lines.append(f"Forward pass ({len(self.forward)} steps)")
        width = len(str(len(self.steps)))
        for step in self.forward:
            lines.append(f"  {step.index:>{width}}. {step.text(digits)}")
        lines.append("")
        seed = format_number(self.seed, digits)
        lines.append(f"Backward pass, from {_derivative(self.root_name, self.root_name)} = {seed}")
        for node_step in self.backward:
            lines.append(f"  {node_step.text(digits)}")
            for c in node_step.contributions:
                lines.append(f"    {c.index:>{width}}. {c.text(digits)}")
        lines.append("")
        lines.append(f"Gradients of {self.root_name}")
        for n in leaves:
            lines.append(
                f"  {_derivative(self.root_name, n.name)} = {format_number(n.grad, digits)}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        products = sum(len(b.contributions) for b in self.backward)
        return (
            f"<Trace of {self.root_name}: {len(self.forward)} forward steps, "
            f"{products} chain-rule products; print() it for every step>"
        )

    def to_markdown(self, digits: int | None = None) -> str:
        digits = _check_digits(self.digits if digits is None else digits)
        fmt = format_number
        out = [f"**Forward pass** ({len(self.forward)} steps)", ""]
        out.append("| # | node | operation | formula | substituted | value |")
        out.append("|---|---|---|---|---|---|")
        for s in self.forward:
            cells = [
                str(s.index),
                _md_code(s.name),
                s.op,
                _md_code(s.formula()),
                _md_code(s.substituted(digits)),
                fmt(s.result, digits),
            ]
            out.append("| " + " | ".join(cells) + " |")
        seed = f"{_derivative(self.root_name, self.root_name)} = {fmt(self.seed, digits)}"
        out += ["", f"**Backward pass**, from `{seed}`", ""]
        out.append("| # | node | upstream | parent | local | product | parent's gradient |")
        out.append("|---|---|---|---|---|---|---|")
        for c in self._contributions():
            cells = [
                str(c.index),
                _md_code(c.name),
                fmt(c.upstream, digits),
                _md_code(c.parent_name),
                fmt(c.local, digits),
                fmt(c.product, digits),
                fmt(c.accumulated, digits),
            ]
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html_table()

    def to_html_table(self, digits: int | None = None) -> str:
        """Two HTML tables (forward, backward); rows carry ``data-node-id`` for linking."""
        digits = _check_digits(self.digits if digits is None else digits)
        fmt = format_number
        forward_rows = [
            (
                s.node_id,
                [
                    str(s.index),
                    s.name,
                    s.op,
                    s.formula(),
                    s.substituted(digits),
                    fmt(s.result, digits),
                ],
            )
            for s in self.forward
        ]
        backward_rows = [
            (
                c.node_id,
                [
                    str(c.index),
                    c.name,
                    fmt(c.upstream, digits),
                    c.parent_name,
                    fmt(c.local, digits),
                    fmt(c.product, digits),
                    fmt(c.accumulated, digits),
                ],
            )
            for c in self._contributions()
        ]
        seed = f"{_derivative(self.root_name, self.root_name)} = {fmt(self.seed, digits)}"
        return (
            '<div class="autograd-lite-trace">'
            + _html_table(
                f"Forward pass ({len(self.forward)} steps)",
                ["#", "node", "operation", "formula", "substituted", "value"],
                forward_rows,
            )
            + _html_table(
                f"Backward pass, from {seed}",
                [
                    "#",
                    "node",
                    f"upstream d{self.root_name}/d node",
                    "parent",
                    "local d node/d parent",
                    "product",
                    "parent's gradient after",
                ],
                backward_rows,
            )
            + "</div>"
        )

    def to_dict(self, digits: int | None = None) -> dict[str, Any]:
        """Plain lists, strings and floats (with the rendered text of each step)."""
        digits = _check_digits(self.digits if digits is None else digits)
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

    def _contributions(self) -> Iterable[Contribution]:
        return (c for b in self.backward for c in b.contributions)


def _drop_repeats(parts: Sequence[str]) -> list[str]:
    """``v1 = 2*3 = 2*3 = 6`` reads better as ``v1 = 2*3 = 6``."""
    kept: list[str] = []
    for part in parts:
        if not kept or part != kept[-1]:
            kept.append(part)
    return kept


def _md_code(text: str) -> str:
    return "`" + text.replace("|", "\\|") + "`"


def _html_table(caption: str, headers: list[str], rows: list[tuple[str, list[str]]]) -> str:
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        f'<tr data-node-id="{esc(node_id)}">'
        + "".join(f"<td>{esc(c)}</td>" for c in cells)
        + "</tr>"
        for node_id, cells in rows
    )
    return (
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def explain(root: Value, *, seed: float = 1.0, digits: int = DEFAULT_DIGITS) -> Trace:
    """Trace the forward pass of ``root``'s graph and a backward pass from ``root``.

    The backward pass is replayed, not read from ``.grad``: the graph is left
    untouched, and each gradient is the one a fresh ``root.backward(seed)`` stores
    (for leaves: what it adds to their ``.grad``).
    """
    if not isinstance(root, Value):
        raise TypeError(f"explain() takes a Value, got {type(root).__name__}")
    _check_digits(digits)
    if isinstance(seed, bool) or not isinstance(seed, (int, float)):
        raise TypeError(f"explain(seed=...) takes a number, got {type(seed).__name__}")
    order = topological_order(root)
    names = node_names(order)
    root_name = names[root].name

    forward: list[ForwardStep] = []
    for node in order:
        if node.parents:
            forward.append(
                ForwardStep(
                    index=len(forward) + 1,
                    node_id=names[node].node_id,
                    name=names[node].name,
                    op=node.op.name,
                    operand_ids=tuple(names[p].node_id for p in node.parents),
                    operand_names=tuple(names[p].name for p in node.parents),
                    operand_values=tuple(p.data for p in node.parents),
                    constant=node.constant,
                    result=node.data,
                    show=node.op.show,
                )
            )

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
            for position, (parent, local) in enumerate(
                zip(node.parents, _local_grads(node, names), strict=True)
            ):
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
    return Trace(
        root_id=names[root].node_id,
        root_name=root_name,
        seed=float(seed),
        nodes=nodes,
        forward=tuple(forward),
        backward=tuple(backward),
        digits=digits,
    )


def _local_grads(node: Value, names: dict[Value, NodeName]) -> tuple[float, ...]:
    """The table's local derivatives as floats, with an error naming the node if they fail."""
    try:
        return tuple(float(g) for g in local_grads(node))
    except (ArithmeticError, ValueError) as exc:
        operands = ", ".join(f"{names[p].name} = {p.data!r}" for p in node.parents)
        raise DomainError(
            f"the local derivative of {node.op.name} at {names[node].name} cannot be computed "
            f"({operands}): {exc}"
        ) from None


# --- chain-rule derivations --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainFactor:
    """d ``of`` / d ``wrt`` along one segment: the sum, over the unlabelled sub-paths between
    them, of the product of the table's local derivatives (one edge: just that derivative)."""

    of_id: str
    of_name: str
    wrt_id: str
    wrt_name: str
    value: float

    def symbol(self) -> str:
        return _derivative(self.of_name, self.wrt_name)

    def to_dict(self) -> dict[str, Any]:
        return _plain(self, symbol=self.symbol())


@dataclass(frozen=True, slots=True)
class ChainPath:
    """One path from the root down to the variable: its factors, root side first."""

    factors: tuple[ChainFactor, ...]
    product: float

    def to_dict(self) -> dict[str, Any]:
        return _plain(self, factors=[f.to_dict() for f in self.factors])


@dataclass(frozen=True)
class ChainDerivation:
    """One gradient derived the way the articles do:
    ``dE/dW1 = dE/dpredicted * dpredicted/ds * ds/dW1 = 0.844352143 * 0.109860473 * 0.1``."""

    root_id: str
    root_name: str
    wrt_id: str
    wrt_name: str
    paths: tuple[ChainPath, ...]
    """Empty when the root does not depend on the variable."""
    value: float
    digits: int = DEFAULT_DIGITS

    def symbol(self) -> str:
        return _derivative(self.root_name, self.wrt_name)

    def to_text(self, digits: int | None = None) -> str:
        digits = _check_digits(self.digits if digits is None else digits)
        lhs = self.symbol()
        if not self.paths:
            return f"{lhs} = 0 ({self.root_name} does not depend on {self.wrt_name})"
        rule = " + ".join(" * ".join(f.symbol() for f in p.factors) for p in self.paths)
        numbers = " + ".join(
            " * ".join(_operand_text(f.value, digits) for f in p.factors) for p in self.paths
        )
        parts = [lhs, rule, numbers, format_number(self.value, digits)]
        return " = ".join(_drop_repeats([p for p in parts if p]))

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self, digits: int | None = None) -> str:
        return _md_code(self.to_text(digits))

    def _repr_html_(self) -> str:
        return f'<code class="autograd-lite-chain">{html.escape(self.to_text())}</code>'

    def to_dict(self, digits: int | None = None) -> dict[str, Any]:
        digits = _check_digits(self.digits if digits is None else digits)
        return {
            "root_id": self.root_id,
            "root_name": self.root_name,
            "wrt_id": self.wrt_id,
            "wrt_name": self.wrt_name,
            "value": self.value,
            "paths": [p.to_dict() for p in self.paths],
            "text": self.to_text(digits),
        }


def chain(
    root: Value,
    wrt: Value,
    *,
    every_node: bool = False,
    max_paths: int = 64,
    digits: int = DEFAULT_DIGITS,
) -> ChainDerivation:
    """Derive d root / d wrt as a sum over paths of products of one factor per segment.

    Labels set the granularity: a path is cut only at labelled nodes (and at
    ``root`` and ``wrt``), so with ``s``, ``predicted`` and ``E`` labelled,
    ``dE/dW1 = dE/dpredicted * dpredicted/ds * ds/dW1`` even when E is built from
    several unlabelled nodes. ``every_node=True`` cuts at every node instead.
    Every factor is made of ``local_grads()`` values; a derivation with more than
    ``max_paths`` paths is refused rather than printed.
    """
    for what, v in (("root", root), ("wrt", wrt)):
        if not isinstance(v, Value):
            raise TypeError(f"chain() takes Values, got {type(v).__name__} as {what}")
    _check_digits(digits)
    order = topological_order(root)
    names = node_names(order)
    in_graph = wrt in names
    if not in_graph:
        names[wrt] = NodeName(wrt.label or "x", wrt.label or format_number(wrt.data, 12))

    def derivation(paths: tuple[ChainPath, ...], value: float) -> ChainDerivation:
        return ChainDerivation(
            root_id=names[root].node_id,
            root_name=names[root].name,
            wrt_id=names[wrt].node_id,
            wrt_name=names[wrt].name,
            paths=paths,
            value=value,
            digits=digits,
        )

    if wrt is root:
        return derivation((ChainPath((), 1.0),), 1.0)
    if not in_graph:
        return derivation((), 0.0)

    start = order.index(wrt)
    above = order[start:]  # wrt, then the nodes after it: all that can depend on it
    depends = {wrt}
    for node in above[1:]:
        if any(p in depends for p in node.parents):
            depends.add(node)
    relevant = [n for n in above if n in depends]
    cuts = [n for n in relevant if n is wrt or n is root or every_node or n.label]
    is_cut = set(cuts)
    local = {n: _local_grads(n, names) for n in relevant if n.parents}

    # One pass upward. routes[n] maps each cut c below a non-cut node n to d n / d c, summed
    # over the unlabelled routes between them; at a cut node those sums become its segments.
    segment: dict[Value, list[tuple[Value, float]]] = {k: [] for k in cuts}
    routes: dict[Value, dict[Value, float]] = {}
    for node in relevant[1:]:
        sums: dict[Value, float] = {}
        for parent, d in zip(node.parents, local[node], strict=True):
            if parent in is_cut:
                incoming = {parent: None}
            elif parent in routes:
                incoming = routes[parent]
            else:
                continue  # a parent that does not depend on wrt
            for cut, f in incoming.items():
                term = d if f is None else f * d
                sums[cut] = sums[cut] + term if cut in sums else term
        if node in is_cut:
            for cut, value in sums.items():
                segment[cut].append((node, value))
        else:
            routes[node] = sums

    count = {root: 1}
    for k in reversed(cuts[:-1]):
        count[k] = sum(count[u] for u, _ in segment[k])
    if count[wrt] > max_paths:
        raise ValueError(
            f"d{names[root].name}/d{names[wrt].name} runs along {count[wrt]} paths between "
            f"labelled nodes, more than max_paths={max_paths}; pass max_paths={count[wrt]} "
            "or label fewer intermediate nodes"
        )

    paths: list[ChainPath] = []
    stack: list[tuple[Value, tuple | None]] = [(wrt, None)]
    while stack:  # depth-first over the cut nodes, no recursion; factors kept as a linked list
        k, link = stack.pop()
        if k is root:
            factors = []
            while link is not None:  # newest first: the root side of the path
                factor, link = link
                factors.append(factor)
            product = 1.0
            for f in factors:
                product *= f.value
            paths.append(ChainPath(tuple(factors), product))
            continue
        for upper, value in reversed(segment[k]):
            factor = ChainFactor(
                of_id=names[upper].node_id,
                of_name=names[upper].name,
                wrt_id=names[k].node_id,
                wrt_name=names[k].name,
                value=value,
            )
            stack.append((upper, (factor, link)))
    total = 0.0
    for p in paths:
        total += p.product
    return derivation(tuple(paths), total)
