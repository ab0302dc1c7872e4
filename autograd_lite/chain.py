"""``chain(root, wrt)``: one gradient derived the way the articles write it out.

``dE/dW1 = dE/dpredicted * dpredicted/ds * ds/dW1``: a sum over paths of products of
local derivatives, every factor read from the operation table, cut at labelled nodes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from .engine import Value
from .errors import ArgumentError, ArgumentTypeError
from .graph_order import topological_order
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
from .tables import markdown_code
from .trace import drop_repeats, edge_locals, underivable_error


def _floats(node: Value, names: dict[Value, NodeName]) -> tuple[float, ...]:
    locals_ = edge_locals(node)
    if locals_ is None:
        raise underivable_error(node, names)
    return locals_


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
        return derivative(self.of_name, self.wrt_name)

    def to_dict(self) -> dict[str, Any]:
        return plain(self, symbol=self.symbol())


@dataclass(frozen=True, slots=True)
class ChainPath:
    """One path from the root down to the variable: its factors, root side first."""

    factors: tuple[ChainFactor, ...]
    product: float

    def to_dict(self) -> dict[str, Any]:
        return plain(self, factors=[f.to_dict() for f in self.factors])


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
        return derivative(self.root_name, self.wrt_name)

    def to_text(self, digits: int | None = None) -> str:
        digits = check_digits(self.digits if digits is None else digits)
        lhs = self.symbol()
        if not self.paths:
            return f"{lhs} = 0 ({self.root_name} does not depend on {self.wrt_name})"
        rule = " + ".join(" * ".join(f.symbol() for f in p.factors) for p in self.paths)
        numbers = " + ".join(
            " * ".join(operand_text(f.value, digits) for f in p.factors) for p in self.paths
        )
        parts = [lhs, rule, numbers, format_number(self.value, digits)]
        return " = ".join(drop_repeats([p for p in parts if p]))

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self, digits: int | None = None) -> str:
        return markdown_code(self.to_text(digits))

    def _repr_html_(self) -> str:
        return f'<code class="autograd-lite-chain">{html.escape(self.to_text())}</code>'

    def to_dict(self, digits: int | None = None) -> dict[str, Any]:
        digits = check_digits(self.digits if digits is None else digits)
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
            raise ArgumentTypeError(f"chain() takes Values, got {type(v).__name__} as {what}")
    check_digits(digits)
    order = topological_order(root)
    names = node_names(order)
    check_unchanged(order, names)
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
    local = {n: _floats(n, names) for n in relevant if n.parents}

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
        raise ArgumentError(
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
