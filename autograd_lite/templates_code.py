"""The two functions of a run: its forward loop and its backward loop over the copies.

The forward loop computes each copy in turn (with its template's lines: a run may mix a
few templates, as a batch whose loss branches on each example's label does) and keeps its
numbers; the backward loop takes the copies in the order ``backward()`` reaches them (the
last first), adds into the shared leaves' gradients (passed in and returned, so each sum
keeps the engine's order) and returns each copy's private leaves' gradients.
"""

from __future__ import annotations

from .recording import Recording
from .repeats import Run, Template


def _tuple(names: list[str]) -> str:
    return f"({''.join(n + ', ' for n in names)})"


class _Names:
    """One template's variable names; the shared leaves' are the run's, common to all."""

    def __init__(self, rec: Recording, template: Template, fresh, shared: dict, shared_grads: dict):
        start, end = template.span
        self.start, self.end = start, end
        self.slot_of = {leaf: s for s, leaf in enumerate(template.slots)}
        self.slots = [
            shared[leaf] if is_shared else fresh(rec.leaves[leaf].label, f"s{s}")
            for s, (leaf, is_shared) in enumerate(zip(template.slots, template.shared))
        ]
        self.nodes = {j: fresh(rec.nodes[j].label, f"v{j - start}") for j in range(start, end + 1)}
        self.grads = {r: fresh(f"grad_{n}", f"grad_{n}") for r, n in self.nodes.items()}
        for s, (leaf, is_shared) in enumerate(zip(template.slots, template.shared)):
            self.grads[~leaf] = (
                shared_grads[leaf] if is_shared else fresh(f"grad_{self.slots[s]}", "g")
            )
        self.private = [n for n, is_shared in zip(self.slots, template.shared) if not is_shared]
        self.private_grads = [
            self.grads[~leaf]
            for leaf, is_shared in zip(template.slots, template.shared)
            if not is_shared
        ]
        self.shared_refs = {
            ~leaf for leaf, is_shared in zip(template.slots, template.shared) if is_shared
        }

    def name(self, r: int) -> str:
        return self.nodes[r] if r >= 0 else self.slots[self.slot_of[~r]]

    def grad(self, r: int) -> str:
        return self.grads[r]


def template_source(
    rec: Recording, run: Run, t: int, fresh, forward_line, backward_lines, comments: bool
) -> tuple[str, str]:
    """Source of ``_t{t}_forward`` and ``_t{t}_backward`` for ``run``, from each template's first copy."""
    shared = {leaf: fresh(rec.leaves[leaf].label, f"w{i}") for i, leaf in enumerate(run.shared)}
    shared_grads = {leaf: fresh(f"grad_{n}", f"grad_{n}") for leaf, n in shared.items()}
    names = [_Names(rec, template, fresh, shared, shared_grads) for template in run.templates]
    mixed = len(names) > 1
    indent = "            " if mixed else "        "
    forward: list[str] = []
    backward: list[str] = []
    for k, nm in enumerate(names):
        values = list(nm.nodes.values())
        if mixed:
            forward.append(f"        {'if' if k == 0 else 'elif'} kind == {k}:")
            backward.append(f"        {'if' if k == 0 else 'elif'} kind == {k}:")
        forward += [
            f"{indent}{_tuple(nm.private)} = row",
            *(
                indent + forward_line(rec, j, nm.name, comments)
                for j in range(nm.start, nm.end + 1)
            ),
            f"{indent}numbers = {_tuple(values)}",
            f"{indent}saved.append(numbers)",
            f"{indent}outs.append({nm.nodes[nm.end]})",
            f"{indent}check += sum(numbers, 0.0)",
        ]
        assigned = set(nm.shared_refs)  # they start from the 0.0 (or the sum) passed in
        private = frozenset(~leaf for leaf in nm.slot_of if ~leaf not in nm.shared_refs)
        lines: list[str] = []
        choices: dict[int, bool] = {}
        for j in range(nm.end, nm.start - 1, -1):
            lines += backward_lines(rec, j, nm.name, nm.grad, assigned, private, choices=choices)
        backward += [  # backward() passes over a node whose gradient is 0.0: a zero seed
            # reaches nothing in the copy, and its private leaves keep their 0.0
            f"{indent}if not seed:  # backward() passes over a gradient of 0.0: all of this copy",
            f"{indent}    grads.append({_tuple(['0.0'] * len(nm.private_grads))})",
            f"{indent}    continue",
            f"{indent}{_tuple(values)} = numbers",
            f"{indent}{_tuple(nm.private)} = row",
            f"{indent}{nm.grads[nm.end]} = seed",
            *(indent + line for line in lines),
            f"{indent}grads.append({_tuple(nm.private_grads)})",
            f"{indent}check += sum({_tuple(nm.private_grads)}, 0.0)",
        ]
    shown = list(shared.values())
    accumulators = list(shared_grads.values())
    sizes = ", ".join(str(nm.end - nm.start + 1) for nm in names)
    fwd = [
        f"def _t{t}_forward(rows{''.join(', ' + n for n in shown)}):",
        (
            f'    """{len(run.spans)} copies of {len(names)} subgraph(s) of {sizes} operations '
            '(the comments: the first copy\'s numbers)."""'
        ),
        "    outs, saved, check = [], [], 0.0",
        "    for kind, row in rows:",
        *forward,
        "    return outs, saved, check",
    ]
    bwd = [
        f"def _t{t}_backward(saved, rows, seeds{''.join(', ' + n for n in shown + accumulators)}):",
        '    """The copies from the last to the first, as backward() reaches them."""',
        "    grads, check = [], 0.0",
        "    for numbers, (kind, row), seed in zip(saved, rows, seeds):",
        *backward,
        f"    return {_tuple(accumulators)}, grads, check",
    ]
    return "\n".join(fwd) + "\n", "\n".join(bwd) + "\n"
