"""A program too long for one function: numbers in lists, the lines split into parts.

Python compiles one function's body as a whole, and a function of millions of lines
would take gigabytes (or fail) to compile. Past ``MAX_LINES`` lines of straight-line code
the nodes' numbers live in a list ``_V``, the leaves' in ``_L``, their gradients in ``_G``
and ``_GL`` (underscored: a learner's labels ``V``, ``L``, ``G`` stay their own names), and
the lines are cut into functions of ``PART_LINES`` lines each, called in order: the same lines in the same order, so the same numbers, bit for bit.
"""

from __future__ import annotations

from .recording import Recording

MAX_LINES = 20_000
"""Straight-line programs up to this many lines stay one function of named variables."""
PART_LINES = 2_000


def _parts(kind: str, groups: list[list[str]]) -> tuple[list[str], list[str]]:
    """The lines as ``_{kind}{k}(_V, _L, _G, _GL)`` functions, and the calls to them.

    ``groups`` are each node's lines (an ``if`` block stays whole): a part takes the
    groups that fit in ``PART_LINES`` lines.
    """
    chunks: list[list[str]] = [[]]
    for group in groups:
        if chunks[-1] and len(chunks[-1]) + len(group) > PART_LINES:
            chunks.append([])
        chunks[-1] += group
    source, calls = [], []
    for k, chunk in enumerate(chunks):
        name = f"_{kind}{k}"
        source += [f"def {name}(_V, _L, _G, _GL):", *("    " + line for line in chunk)]
        source += ["    return None", "", ""]
        calls.append(f"    {name}(_V, _L, _G, _GL)")
    return source, calls


def chunked_source(rec: Recording, forward_line, backward_lines) -> str:
    """The source of ``program`` and ``forward`` for a long recording (no comments)."""

    def name(r: int) -> str:
        return f"_V[{r}]" if r >= 0 else f"_L[{~r}]"

    def grad(r: int) -> str:
        return f"_G[{r}]" if r >= 0 else f"_GL[{~r}]"

    forward = [[forward_line(rec, j, name, False)] for j in range(len(rec.nodes))]
    assigned: set[int] = set()
    choices: dict[int, bool] = {}
    backward = [[f"{grad(rec.root)} = 1.0"]]
    for j in range(len(rec.nodes) - 1, -1, -1):
        backward.append(backward_lines(rec, j, name, grad, assigned, choices=choices))
    forward_parts, forward_calls = _parts("forward", forward)
    backward_parts, backward_calls = _parts("backward", backward)
    constants = [leaf.data if leaf.input is None else 0.0 for leaf in rec.leaves]
    slots = list(rec.inputs)
    setup = [
        "    _V = [0.0] * _NODES",
        "    _L = list(_CONSTANTS)",
        "    for i, v in zip(_SLOTS, values):",
        "        _L[i] = v",
    ]
    out = name(rec.root)
    watched = "".join(name(r) + ", " for r in rec.watched)
    lines = [
        f"_NODES = {len(rec.nodes)}",
        f"_CONSTANTS = {constants!r}",
        f"_SLOTS = {slots!r}",
        f"_GRADS_FOR = {rec.grads_for}",
        "",
        "",
        *forward_parts,
        *backward_parts,
        "def program(*values):",
        '    """The forward parts, then the backward parts: one line per product, in order."""',
        *setup,
        "    _G = [0.0] * _NODES",
        "    _GL = [0.0] * len(_L)",
        *forward_calls,
        *backward_calls,
        "    grads = tuple([_GL[i] + 0.0 for i in _SLOTS[:_GRADS_FOR]])",
        "    check = sum(_V, 0.0) + sum(_GL, 0.0)",
        f"    return {out}, grads, check, ({watched})",
        "",
        "",
        "def forward(*values):",
        '    """The forward parts alone."""',
        *setup,
        "    _G = _GL = None",
        *forward_calls,
        f"    return {out}, sum(_V, 0.0)",
    ]
    return "\n".join(lines) + "\n"
