"""Each node's lines in a program: its forward assignment and its chain-rule products.

Every expression comes from the node's row of the table (``codegen`` runs the row's
rules on placeholders once per row, operand count and constant); these functions only
put the node's and its operands' names in. ``compiler``, ``templates_code`` and
``chunked`` write their programs from them.
"""

from __future__ import annotations

import re

from . import codegen
from .recording import Recording

MAX_INLINE_OPERANDS = 64
"""Beyond this many operands a row's forward is called by name (no 10,000-term expression)."""


def constant_text(k: object) -> str:
    return codegen.number_text(k).text


def _comment(x: float) -> str:
    return f"  # {x:.6g}"


def _product(local: codegen.Symbol, grad: str) -> str:
    """``local * grad`` as the engine multiplies; ``1.0 * g`` is ``g`` and ``-1.0 * g`` is ``-g``."""
    if local.text == "1.0":
        return grad
    if local.text == "-1.0":
        return f"-{grad}"
    text = f"({local.text})" if local.binding < codegen.PRODUCT else local.text
    return f"{text} * {grad}"


_PATTERNS: dict[tuple, tuple] = {}
"""(row, operand count, constant) -> text with ``{0}``, ``{1}``... for the operands: each
row's rules run on symbols once per shape, not once per node."""


_PLACEHOLDER = re.compile(r"_o(\d+)_")


def _placeholder(i: int) -> str:
    return f"_o{i}_"


def _pattern(text: str, n: int) -> str:
    """``text`` with the placeholders as ``str.format`` fields (the out's is ``{n}``)."""
    return _PLACEHOLDER.sub(r"{\1}", text.replace("{", "{{").replace("}", "}}"))


def _patterns(op, n: int, k: str | None) -> tuple:
    key = (id(op), n, k)
    found = _PATTERNS.get(key)
    if found is None or found[0] is not op:
        if len(_PATTERNS) > 20_000:  # many constants (each target of a regression): start over
            _PATTERNS.clear()
        operands = [_placeholder(i) for i in range(n)]
        if n > MAX_INLINE_OPERANDS:
            forward = f"{codegen.forward_name(op)}({', '.join(operands + ([k] if k else []))})"
        else:
            forward = codegen.forward_symbol(op, operands, k).text
        locals_ = codegen.local_symbols(op, _placeholder(n), operands, k)
        found = _PATTERNS[key] = (
            op,
            _pattern(forward, n),
            tuple((_pattern(s.text, n), s.binding) for s in locals_),
        )
    return found


def forward_line(rec: Recording, j: int, name, comments: bool) -> str:
    node = rec.nodes[j]
    k = constant_text(node.constant) if node.op.has_constant else None
    pattern = _patterns(node.op, len(node.operands), k)[1]
    expr = pattern.format(*map(name, node.operands))
    return f"{name(j)} = {expr}" + (_comment(node.data) if comments else "")


SKIP_ZERO_FROM = 8
"""A node with this many products or more (a neuron's dot of 4 inputs) is passed over when
its gradient is 0.0: one test instead of the products."""

_MAY_FAIL = re.compile(r"/|\w\s*\(|\*\*(?!\s*\d+\b(?!\.))")
"""A division, a call, or a power other than a whole one in a local derivative: it may
divide by zero or overflow (``0.5 * a ** -0.5`` at 0, ``-a / b ** 2``, ``log(k)``)."""


def _cannot_fail(local: str) -> bool:
    """Sums and products of the finite numbers a node and its operands hold, relu's choice."""
    return _MAY_FAIL.search(local) is None


def _is_choice(local: str) -> bool:
    """A local derivative that is 0.0 on one side of a test (relu's, the hinge's)."""
    return " if " in local


def backward_lines(
    rec: Recording,
    j: int,
    name,
    grad,
    assigned: set[int],
    normalized: frozenset = frozenset(),
    *,
    choices: dict[int, bool] | None = None,
) -> list[str]:
    """One line per product of node ``j``: ``grad_parent += local * grad_node``.

    A ref in ``normalized`` (a gradient the program returns) starts as ``0.0 + product``,
    as the engine's leaf gradient starts from 0.0 (so it is never -0.0).

    ``backward()`` passes over a node whose gradient is 0.0 (a neuron behind a ReLU that
    is off), so its parents get nothing from it and its local derivatives are never
    computed. Given ``choices``, the program does the same (``if grad_v:``; the gradients
    it would have started are started at 0.0 instead) for a node whose local derivatives
    may fail (``0.5 * a ** -0.5`` at ``a = 0`` divides by zero, ``-a / b ** 2`` may
    overflow), for one whose gradient comes only through choices (relu's derivative, 0.0
    or 1.0: a neuron that may be off) and for one of ``SKIP_ZERO_FROM`` products or more.
    ``choices`` records, as each node's lines are written (a node's consumers before it),
    whether its gradient so far came only through choices. Any other node adds its few
    products: each is then a zero, which leaves a sum as it was, and the returned
    gradients are normalized (``+ 0.0``) from -0.0, so the numbers are the same either way.
    """
    node = rec.nodes[j]
    k = constant_text(node.constant) if node.op.has_constant else None
    texts = [*map(name, node.operands), name(j)]
    g = grad(j)
    lines = []
    started = []
    safe = True
    for r, (pattern, binding) in zip(node.operands, _patterns(node.op, len(texts) - 1, k)[2]):
        local = pattern.format(*texts)
        safe = safe and _cannot_fail(local)
        if choices is not None and r >= 0:
            choices[r] = choices.get(r, True) and _is_choice(local)
        product = _product(codegen.Symbol(local, binding), g)
        if r in assigned:
            lines.append(f"{grad(r)} += {product}")
        else:
            start = "0.0 + " if r in normalized else ""
            lines.append(f"{grad(r)} = {start}{product}")
            assigned.add(r)
            started.append(grad(r))
    if choices is None or (safe and not choices.get(j) and len(lines) < SKIP_ZERO_FROM):
        return lines
    guarded = [f"if {g}:  # backward() passes over a gradient of 0.0", *("    " + t for t in lines)]
    return guarded + (["else:", f"    {' = '.join(started)} = 0.0"] if started else [])
