"""A program too long for one function: the lines split into parts, numbers handed on in lists.

Python compiles one function's body as a whole, and a function of millions of lines
would take gigabytes (or fail) to compile. Past ``MAX_LINES`` lines of straight-line code
the lines are cut into functions of about ``PART_LINES`` lines each, called in order: the
same lines in the same order, so the same numbers, bit for bit. Inside a part, a node's
number and gradient are local variables (``_v12``, ``_g12``), as in a program of one
function; between parts they travel in lists: the nodes' numbers in ``_V`` (each forward
part stores its own at its end, each backward part loads its nodes' at its start), the
gradients a part adds to a node of a later part in ``_G`` (loaded there before its own
products), the leaves' numbers and gradients in ``_L`` and ``_GL`` (underscored: a
learner's labels ``V``, ``L``, ``G`` stay their own names).
"""

from __future__ import annotations

from .recording import Recording

MAX_LINES = 20_000
"""Straight-line programs up to this many lines stay one function of named variables."""
PART_LINES = 2_000


def _load(names: list[str], many: str, one: str) -> str:
    """``a, b = many`` for several names, ``a = one`` for one: a part's loads in one line."""
    return f"    {names[0]} = {one}" if len(names) == 1 else f"    {', '.join(names)} = {many}"


def _forward_parts(rec: Recording, forward_line) -> tuple[list[str], list[str]]:
    """``PART_LINES`` lines a part, a node's each, the last storing the part's numbers in ``_V``."""
    source, calls = [], []
    n = len(rec.nodes)
    size = max(PART_LINES - 1, 1)  # and the line that stores the part's numbers
    for k, lo in enumerate(range(0, n, size)):
        hi = min(lo + size, n)

        def name(r: int, lo=lo, hi=hi) -> str:
            return f"_L[{~r}]" if r < 0 else f"_v{r}" if lo <= r < hi else f"_V[{r}]"

        mine = [f"_v{j}" for j in range(lo, hi)]
        source += [f"def _forward{k}(_V, _L, _G, _GL):"]
        source += ["    " + forward_line(rec, j, name, False) for j in range(lo, hi)]
        stored = ", ".join(mine) + ("," if len(mine) == 1 else "")
        source += [f"    _V[{lo}:{hi}] = {stored}", "    return None", "", ""]
        calls.append(f"    _forward{k}(_V, _L, _G, _GL)")
    return source, calls


def _backward_ranges(rec: Recording, backward_lines) -> list[tuple[int, int]]:
    """The nodes of each backward part, ``(hi, lo)`` from the root down, ``PART_LINES`` lines
    a part; a node's lines (an ``if`` block) stay in one part."""
    assigned: set[int] = set()
    choices: dict[int, bool] = {}
    loads = 2  # a part's first lines: its nodes' numbers, the gradients given to them
    ranges, hi, size = [], len(rec.nodes) - 1, loads + 1  # and the root's seed line
    for j in range(len(rec.nodes) - 1, -1, -1):
        count = len(backward_lines(rec, j, _list_name, _list_grad, assigned, choices=choices))
        if j < hi and size + count > PART_LINES:  # a part holds at least one node
            ranges.append((hi, j + 1))
            hi, size = j, loads
        size += count
    ranges.append((hi, 0))
    return ranges


def _list_name(r: int) -> str:
    return f"_V[{r}]" if r >= 0 else f"_L[{~r}]"


def _list_grad(r: int) -> str:
    return f"_G[{r}]" if r >= 0 else f"_GL[{~r}]"


def _backward_parts(rec: Recording, backward_lines) -> tuple[list[str], list[str]]:
    """Each part loads its nodes' numbers and the gradients earlier parts gave them, then
    applies its nodes' products; a gradient for a node of a later part goes to ``_G``."""
    assigned: set[int] = set()
    choices: dict[int, bool] = {}
    source, calls = [], []
    for k, (hi, lo) in enumerate(_backward_ranges(rec, backward_lines)):

        def name(r: int, lo=lo, hi=hi) -> str:
            return f"_L[{~r}]" if r < 0 else f"_v{r}" if lo <= r <= hi else f"_V[{r}]"

        def grad(r: int, lo=lo, hi=hi) -> str:
            return f"_GL[{~r}]" if r < 0 else f"_g{r}" if lo <= r <= hi else f"_G[{r}]"

        given = [r for r in range(hi, lo - 1, -1) if r in assigned]  # by earlier parts
        values = [f"_v{j}" for j in range(lo, hi + 1)]
        lines = [_load(values, f"_V[{lo}:{hi + 1}]", f"_V[{lo}]")]
        if given:
            loads = [f"_G[{r}]" for r in given]
            lines.append(_load([f"_g{r}" for r in given], ", ".join(loads), loads[0]))
        if k == 0:
            lines.append(f"    {grad(rec.root)} = 1.0")
        for j in range(hi, lo - 1, -1):
            lines += [
                "    " + t for t in backward_lines(rec, j, name, grad, assigned, choices=choices)
            ]
        source += [f"def _backward{k}(_V, _L, _G, _GL):", *lines, "    return None", "", ""]
        calls.append(f"    _backward{k}(_V, _L, _G, _GL)")
    return source, calls


def chunked_source(rec: Recording, forward_line, backward_lines) -> str:
    """The source of ``program`` and ``forward`` for a long recording (no comments)."""

    forward_parts, forward_calls = _forward_parts(rec, forward_line)
    backward_parts, backward_calls = _backward_parts(rec, backward_lines)
    constants = [leaf.data if leaf.input is None else 0.0 for leaf in rec.leaves]
    slots = list(rec.inputs)
    setup = [
        "    _V = [0.0] * _NODES",
        "    _L = list(_CONSTANTS)",
        "    for i, v in zip(_SLOTS, values):",
        "        _L[i] = v",
    ]
    out = _list_name(rec.root)
    watched = "".join(_list_name(r) + ", " for r in rec.watched)
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
