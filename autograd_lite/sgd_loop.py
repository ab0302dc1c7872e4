"""``sgd_epoch``: a program's step and plain SGD's update in one loop, for ``nn.fit``.

``theta <- theta - lr * grad`` is what ``nn.SGD`` (no momentum, no weight decay) does to
each parameter; written after the program's lines inside one loop over the batches, the
parameters stay local variables from one step to the next, so a step costs its arithmetic
and little else. A step whose code raises or meets a number that is not finite stops the
loop before its update: the caller then takes that step through the program (and so the
engine), which raises the engine's error or gives the engine's numbers.
"""

from __future__ import annotations


def sgd_loop_lines(
    params: list[str],
    others: list[str],
    consts: list[str],
    forward: list[str],
    backward: list[str],
    out: str,
    grads: list[str],
    check: str,
    watched: str,
) -> list[str]:
    """The source of ``sgd_epoch(rows, lrs, *params)``; ``grads`` name the parameters' gradients."""
    unpack = f"{''.join(n + ', ' for n in others)}= row" if others else "row = row"
    body = [*forward, *backward, f"check = {check}"]
    stop = f"            return losses, seen, {_tuple(params)}, None"
    return [
        f"def sgd_epoch(rows, lrs, {', '.join(params)}):",
        '    """Steps of plain SGD, one per row of inputs: (losses, watched, params, grads).',
        "",
        "    At a step that fails it returns early, the last gradients ``None``.",
        '    """',
        *consts,
        "    losses, seen = [], []",
        "    for row, lr in zip(rows, lrs):",
        "        try:",
        f"            {unpack}",
        *("            " + line for line in body),
        "        except (ArithmeticError, ValueError):",
        stop,
        "        if type(check) is not float or check - check != 0.0:",
        stop,
        *(f"        {p} = {p} - lr * {g}" for p, g in zip(params, grads)),
        f"        losses.append({out})",
        f"        seen.append(({watched}))",
        f"    return losses, seen, {_tuple(params)}, {_tuple(grads)}",
    ]


def _tuple(names: list[str]) -> str:
    return f"({''.join(n + ', ' for n in names)})"
