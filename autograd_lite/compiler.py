"""``compile_graph``: a recorded graph as straight-line Python, one line per step of the engine.

The forward pass is one assignment per node, in the order the graph was built; the
backward pass is one line per chain-rule product, in the order ``backward()`` applies
them (reversed topological order, each node's operands in order), each gradient summed
in the same order, so the numbers are the engine's bit for bit. Every expression comes
from the node's row of the table through ``codegen``: no derivative is written here.

Like the engine, a program passes over a node whose gradient is 0.0 where that matters
(a neuron that is off, a derivative that would divide by zero: ``node_lines``); elsewhere
it adds the node's few products, zeros that change no sum. A program whose code meets an exception or a number that is not finite (any node, any
leaf's gradient) hands the same numbers to the engine (``recording.replay``), so it
raises what the engine raises, with its message.

Size: a batch's copies of one example's graph are compiled once and looped over
(``repeats``, ``templates_code``); a program of more than ``chunked.MAX_LINES`` straight
lines is cut into functions that hand their numbers on in lists (``chunked``), so no
function is too long for Python's compiler.
"""

from __future__ import annotations

import builtins
import keyword
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import codegen
from .chunked import MAX_LINES, chunked_source
from .engine import Value
from .node_lines import backward_lines, constant_text, forward_line
from .program import Program
from .recording import Recording, record
from .repeats import find_runs
from .sgd_loop import sgd_loop_lines
from .templates_code import template_source

GENERATED_NAMES = {"program", "forward", "sgd_epoch", "check", "rows", "row", "lrs", "lr"}
GENERATED_NAMES |= {"losses", "seen", "kind", "numbers", "seed", "seeds", "outs", "saved"}
GENERATED_NAMES |= {"grads", "values", "_V", "_L", "_G", "_GL"}
"""Names the generated code uses itself: a label never takes one."""
RESERVED = set(keyword.kwlist) | set(dir(builtins)) | set(codegen.namespace()) | GENERATED_NAMES
_RUN_NAME = re.compile(r"t\d+_")  # t0_rows, t1_saved, ...
_NON_WORD = re.compile(r"\W")


def compile_graph(
    root: Value,
    inputs: Sequence[Value],
    *,
    comments: bool = True,
    grads_for: int | None = None,
    watch: Sequence[Value] = (),
) -> Program:
    """Record the graph under ``root`` and return it as a ``Program`` of straight-line Python.

    ``inputs`` are the leaves that change between calls (parameters, data), in the order
    ``prog(values)`` takes their numbers; every other leaf is a constant of the program.
    ``prog(values)`` returns ``(out, grads)``, bit-identical to a forward pass and
    ``backward()`` on the same numbers; ``prog.forward(values)`` returns ``out`` only.

    Recording freezes the graph's shape: a Python ``if`` on a value's ``.data`` taken
    while the graph was built is not taken again (as with ``torch.jit.trace``). The rows'
    own branches (relu's, the hinge of max_margin) are decided anew on every call.
    ``comments`` adds each node's number at record time to its line. ``grads_for=n``
    returns the gradients of the first ``n`` inputs only (parameters, not data); ``watch``
    names Values whose numbers ``prog.run(values)`` returns too.
    """
    rec = record(root, inputs, grads_for, watch)
    return Program(rec, *generate(rec, comments=comments))


class _Names(dict):
    """Names made on first use: the nodes inside a run's loop never need an outer name."""

    def __init__(self, make) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: int) -> str:
        value = self[key] = self.make(key)
        return value


@dataclass
class _Namer:
    """Variable names: labels where they are valid and free, else ``v3``; gradients ``grad_*``."""

    taken: set[str] = field(default_factory=lambda: set(RESERVED))
    suffixes: dict[str, int] = field(default_factory=dict)
    """The last ``_n`` given to each name: the next free one is above it (none is ever freed)."""

    def fresh(self, wanted: str, fallback: str) -> str:
        wanted = _NON_WORD.sub("_", wanted)  # a label h1.w2 reads h1_w2
        usable = (
            wanted.isidentifier() and not wanted.startswith("_") and not _RUN_NAME.match(wanted)
        )
        name = wanted if usable else fallback
        if name in self.taken:
            base, n = name, self.suffixes.get(name, 1)
            while name in self.taken:
                n += 1
                name = f"{base}_{n}"
            self.suffixes[base] = n
        self.taken.add(name)
        return name


def generate(rec: Recording, *, comments: bool = True) -> tuple[str, dict]:
    """The program's source (``program`` and ``forward``) and the names it calls.

    The namespace also carries ``_sgd_source()``, which writes the source of
    ``sgd_epoch`` (made and compiled only when ``nn.fit`` asks for it).
    """
    namer = _Namer()
    leaf_names = [
        namer.fresh(leaf.label, f"in{leaf.input}" if leaf.input is not None else f"c{i}")
        for i, leaf in enumerate(rec.leaves)
    ]
    node_names = _Names(lambda j: namer.fresh(rec.nodes[j].label, f"v{j}"))
    grad_names = _Names(lambda r: namer.fresh(f"grad_{name(r)}", f"grad_{name(r)}"))

    def name(r: int) -> str:
        return node_names[r] if r >= 0 else leaf_names[~r]

    def grad(r: int) -> str:
        return grad_names[r]

    runs = {run.start: run for run in find_runs(rec)}
    if not runs and sum(1 + len(n.operands) for n in rec.nodes) > MAX_LINES:
        namespace = codegen.namespace([n.op for n in rec.nodes])
        return chunked_source(rec, forward_line, backward_lines), namespace
    ends = {run.end: run for run in runs.values()}
    templates: list[str] = []
    forward: list[str] = []
    checked: list[str] = []  # every number computed; the inputs are checked when given
    j = 0
    while j < len(rec.nodes):
        run = runs.get(j)
        if run is None:
            forward.append(forward_line(rec, j, name, comments))
            checked.append(node_names[j])
            j += 1
            continue
        t = len(templates) // 2
        templates += template_source(
            rec, run, t, _Namer().fresh, forward_line, backward_lines, comments
        )
        rows = ", ".join(
            f"({kind}, ({''.join(leaf_names[leaf] + ', ' for leaf in leaves)}))"
            for kind, leaves in zip(run.kinds, run.private)
        )
        shared = [leaf_names[leaf] for leaf in run.shared]
        forward.append(f"t{t}_rows = ({rows},)")
        call = ", ".join([f"t{t}_rows", *shared])
        forward.append(f"t{t}_outs, t{t}_saved, t{t}_check = _t{t}_forward({call})")
        roots = [node_names[end] for _, end in run.spans]
        forward.append(f"{', '.join(roots)}, = t{t}_outs")
        checked.append(f"t{t}_check")
        for g in run.gaps:  # the heads between the copies, once all copies are computed
            forward.append(forward_line(rec, g, name, comments))
            checked.append(node_names[g])
        j = run.end + 1

    def backward_pass(normalized: frozenset) -> tuple[list[str], set[int], list[str]]:
        """The backward lines, the gradients they assign, and the runs' checks."""
        assigned: set[int] = set()
        choices: dict[int, bool] = {}
        checks: list[str] = []
        backward = [f"{grad(rec.root)} = 1.0"] if rec.nodes else []
        j = len(rec.nodes) - 1
        while j >= 0:
            run = ends.get(j)
            if run is None:
                backward += backward_lines(
                    rec, j, name, grad, assigned, normalized, choices=choices
                )
                j -= 1
                continue
            t = next(i for i, r in enumerate(runs.values()) if r is run)
            for g in reversed(run.gaps):  # the heads' products first: the copies' seeds
                backward += backward_lines(
                    rec, g, name, grad, assigned, normalized, choices=choices
                )
            shared = list(run.shared)
            passed = [grad(~leaf) if ~leaf in assigned else "0.0" for leaf in shared]
            seeds = ", ".join(grad(end) for _, end in reversed(run.spans))
            targets = "".join(grad(~leaf) + ", " for leaf in shared)
            values = [leaf_names[leaf] for leaf in shared]
            call = ", ".join(
                [f"t{t}_saved[::-1]", f"t{t}_rows[::-1]", f"({seeds},)", *values, *passed]
            )
            backward.append(f"({targets}), t{t}_grads, t{t}_gcheck = _t{t}_backward({call})")
            mine = [
                "(" + "".join(grad(~leaf) + ", " for leaf in p) + ")" for p in reversed(run.private)
            ]
            backward.append(f"{', '.join(mine)}, = t{t}_grads")
            assigned |= {~leaf for leaf in shared}
            assigned |= {~leaf for leaves in run.private for leaf in leaves}
            checks.append(f"t{t}_gcheck")
            j = run.start - 1
        if rec.root < 0:
            backward = [f"{grad(rec.root)} = 1.0"]
        return backward, assigned, checks

    returned = frozenset(~i for i in rec.inputs[: rec.grads_for])
    backward, assigned, run_checks = backward_pass(frozenset())
    forward_checked = list(checked)
    checked += run_checks
    checked += [grad(~i) for i in range(len(rec.leaves)) if ~i in assigned or rec.root == ~i]
    out = name(rec.root)
    args = ", ".join(leaf_names[i] for i in rec.inputs)
    consts = [
        f"    {leaf_names[i]} = {constant_text(leaf.data)}"
        for i, leaf in enumerate(rec.leaves)
        if leaf.input is None
    ]
    grads = "".join(f"{grad(~i)} + 0.0, " for i in rec.inputs[: rec.grads_for])
    watched = "".join(_watched(rec, r, name, runs) + ", " for r in rec.watched)
    lines = [
        *templates,
        f"def program({args}):",
        '    """The forward pass, then one line per chain-rule product, in backward()\'s order."""',
        *consts,
        "    # forward",
        *("    " + line for line in forward),
        "    # backward: the chain rule, one product per line",
        *("    " + line for line in backward),
        "    # the output, the gradients (+ 0.0: a leaf's starts at 0.0, so never -0.0) and the",
        "    # sum of every number, NaN or infinite if one is: one check for the caller",
        f"    return {out}, ({grads}), {_sum(checked)}, ({watched})",
        "",
        "",
        f"def forward({args}):",
        '    """The forward pass alone."""',
        *consts,
        *("    " + line for line in forward),
        f"    return {out}, {_sum(forward_checked)}",
    ]

    def sgd_source() -> str:
        """``sgd_epoch``'s source, made when ``nn.fit`` first asks for it."""
        params = [leaf_names[i] for i in rec.inputs[: rec.grads_for]]
        others = [leaf_names[i] for i in rec.inputs[rec.grads_for :]]
        sgd_backward = backward_pass(returned)[0]  # gradients that start from 0.0, as the engine's
        sgd = sgd_loop_lines(
            params,
            others,
            consts,
            forward,
            sgd_backward,
            out,
            [grad(~i) for i in rec.inputs[: rec.grads_for]],
            _sum(checked),
            watched,
        )
        return "\n".join([*templates, *sgd]) + "\n"

    namespace = codegen.namespace([n.op for n in rec.nodes])
    if rec.grads_for:
        namespace["_sgd_source"] = sgd_source
    return "\n".join(lines) + "\n", namespace


def _watched(rec: Recording, r: int, name, runs: dict) -> str:
    """A watched number: a name, or its place in a run's saved numbers."""
    for t, run in enumerate(runs.values()):
        for c, (s, e) in enumerate(run.spans):
            if s <= r <= e:
                return f"t{t}_saved[{c}][{r - s}]"
    return name(r)


def _sum(names: list[str]) -> str:
    """``sum`` of the numbers, one call in C: finite exactly when every one is (or it overflowed)."""
    return f"sum(({''.join(n + ', ' for n in names)}), 0.0)"
