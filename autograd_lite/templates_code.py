"""The two functions of a run's template: its forward loop and its backward loop over the copies.

The forward loop computes each copy in turn and keeps its numbers; the backward loop
takes the copies in the order ``backward()`` reaches them (the last first), adds into the
shared leaves' gradients (passed in and returned, so they stay in the engine's order) and
returns each copy's private leaves' gradients.
"""

from __future__ import annotations

from .recording import Recording
from .repeats import Run


def template_source(
    rec: Recording, run: Run, t: int, fresh, forward_line, backward_lines, comments: bool
) -> tuple[str, str]:
    """Source of ``_t{t}_forward`` and ``_t{t}_backward`` for ``run``, from its first copy."""
    start, end = run.spans[0]
    slots = run.slots
    slot_of = {leaf: s for s, leaf in enumerate(slots)}
    slot_names = [fresh(rec.leaves[leaf].label, f"s{s}") for s, leaf in enumerate(slots)]
    node_names = {j: fresh(rec.nodes[j].label, f"v{j - start}") for j in range(start, end + 1)}
    grads = {r: fresh(f"grad_{n}", f"grad_{n}") for r, n in node_names.items()}
    grads |= {~leaf: fresh(f"grad_{slot_names[s]}", "g") for leaf, s in slot_of.items()}

    def name(r: int) -> str:
        return node_names[r] if r >= 0 else slot_names[slot_of[~r]]

    def grad(r: int) -> str:
        return grads[r]

    shared = [slot_names[s] for s in range(len(slots)) if run.shared[s]]
    private = [slot_names[s] for s in range(len(slots)) if not run.shared[s]]
    shared_grads = [grads[~slots[s]] for s in range(len(slots)) if run.shared[s]]
    private_grads = [grads[~slots[s]] for s in range(len(slots)) if not run.shared[s]]
    values = list(node_names.values())
    saved = _tuple(values)
    row = _tuple(private)
    fwd = [
        f"def _t{t}_forward(rows, {', '.join(shared)}):".replace(", ):", "):"),
        f'    """{len(run.spans)} copies of one subgraph of {end - start + 1} operations."""',
        "    outs, saved, check = [], [], 0.0",
        f"    for {row} in rows:",
        *("        " + forward_line(rec, j, name, comments) for j in range(start, end + 1)),
        f"        saved.append({saved})",
        f"        outs.append({node_names[end]})",
        f"        check += sum({_tuple(values + private)}, 0.0)",
        "    return outs, saved, check",
    ]
    assigned = {~slots[s] for s in range(len(slots)) if run.shared[s]}
    lines: list[str] = []
    for j in range(end, start - 1, -1):
        lines += backward_lines(rec, j, name, grad, assigned)
    bwd = [
        f"def _t{t}_backward(saved, rows, seeds{''.join(', ' + g for g in shared + shared_grads)}):",
        '    """The copies from the last to the first, as backward() reaches them."""',
        "    grads, check = [], 0.0",
        f"    for {saved}, {row}, {grads[end]} in zip(saved, rows, seeds):",
        *("        " + line for line in lines),
        f"        grads.append({_tuple(private_grads)})",
        f"        check += sum({_tuple(private_grads)}, 0.0)",
        f"    return {_tuple(shared_grads)}, grads, check",
    ]
    return "\n".join(fwd) + "\n", "\n".join(bwd) + "\n"


def _tuple(names: list[str]) -> str:
    if len(names) == 1:
        return f"({names[0]},)"
    return f"({', '.join(names)})"
