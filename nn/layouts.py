"""Weight matrices as the articles write them, converted to and from one row per neuron.

Three conventions are in use:

- ``"out_in"``: shape ``(n_out, n_in)``, row ``j`` holds neuron ``j``'s weights
  (PyTorch's ``nn.Linear.weight``; the numpy book code of seed 002).
- ``"in_out"``: shape ``(n_in, n_out)``, ``W[i][j]`` connects input ``i`` to neuron ``j``:
  the row-vector form ``h = x W + b`` (seed 001).
- ``"bias_last"``: shape ``(n_out, n_in + 1)``, each neuron's row ends with its bias
  (Brownlee's ``neuron['weights']``, seed 004); there is no separate bias list.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd_lite import ArgumentError

from ._checks import finite_real, sequence

LAYOUTS = ("out_in", "in_out", "bias_last")

_SHAPES = {"out_in": "(n_out, n_in)", "in_out": "(n_in, n_out)", "bias_last": "(n_out, n_in + 1)"}


def check_layout(layout: object) -> str:
    if layout not in LAYOUTS:
        raise ArgumentError(
            f"layout must be one of {', '.join(map(repr, LAYOUTS))}; got {layout!r}"
        )
    return layout


def neuron_rows(
    matrix: Sequence[Sequence[float]],
    biases: Sequence[float] | None,
    layout: str,
    where: str,
    n_in: int | None = None,
    n_in_source: str = "",
) -> tuple[list[list[float]], list[float] | None]:
    """One layer's weights as ``n_out`` rows of ``n_in`` floats, and its biases (or ``None``).

    ``where`` names the layer in errors (``"layer 1 (weights[1])"``); ``n_in``, when
    known (the previous layer's outputs), is checked against the matrix.
    """
    rows = _matrix(matrix, where)
    given = (len(rows), len(rows[0]))
    if layout == "in_out":
        inputs, outputs = given
        per_neuron = [list(column) for column in zip(*rows)]
    elif layout == "out_in":
        outputs, inputs = given
        per_neuron = rows
    else:
        outputs, inputs = given[0], given[1] - 1
        if inputs < 1:
            raise ArgumentError(
                f"{where}: layout 'bias_last' needs each row to hold n_in weights and a bias, "
                f"shape {_SHAPES['bias_last']}; got rows of {given[1]} entries"
            )
        per_neuron = [row[:-1] for row in rows]
    if n_in is not None and inputs != n_in:
        expected = {"out_in": (outputs, n_in), "in_out": (n_in, outputs)}.get(
            layout, (outputs, n_in + 1)
        )
        raise ArgumentError(
            f"{where}: layout {layout!r} stores weights as {_SHAPES[layout]} and this layer has "
            f"n_in = {n_in}{n_in_source}, so the expected shape is {expected}; got {given}"
        )
    if layout == "bias_last":
        if biases is not None:
            raise ArgumentError(
                f"{where}: layout 'bias_last' keeps each bias as the last weight of its row; "
                "pass no separate biases"
            )
        return per_neuron, [row[-1] for row in rows]
    if biases is None:
        return per_neuron, None
    sequence(biases, f"{where}: biases", "a list of numbers")
    if len(biases) != outputs:
        raise ArgumentError(
            f"{where}: expected {outputs} biases (one per neuron), got {len(biases)}"
        )
    return per_neuron, [finite_real(b, f"{where} bias {j}") for j, b in enumerate(biases)]


def to_layout(
    rows: list[list[float]], biases: list[float] | None, layout: str
) -> list[list[float]]:
    """The inverse of ``neuron_rows``: one layer's matrix written in ``layout``."""
    if layout == "out_in":
        return [list(row) for row in rows]
    if layout == "in_out":
        return [list(column) for column in zip(*rows)]
    if biases is None:
        raise ArgumentError("layout 'bias_last' needs biases, and this layer has none")
    return [[*row, b] for row, b in zip(rows, biases)]


def _matrix(matrix: object, where: str) -> list[list[float]]:
    sequence(matrix, f"{where}: weights", "a non-empty list of rows (a matrix)", nonempty=True)
    rows = []
    for r, row in enumerate(matrix):
        sequence(row, f"{where}: row {r}", "a list of numbers")
        rows.append([finite_real(x, f"{where} entry [{r}][{c}]") for c, x in enumerate(row)])
    widths = {len(row) for row in rows}
    if len(widths) != 1 or 0 in widths:
        raise ArgumentError(
            f"{where}: the rows must have the same, non-zero length; got lengths "
            f"{[len(row) for row in rows]}"
        )
    return rows
