"""The README's table of operations and the package's table ``OPS`` list the same operations.

The README's first column writes each operation as code (``a + k``, ``a.exp()``,
``dot(ws, xs, bias=None)``). Each is run here on Values ``a`` and ``b``, a plain number
``k`` and lists of Values, and the node it makes names its row of ``OPS``: so every row of
``OPS`` must be written in the README, and everything the README writes must be a row
(or, where its derivatives are "(composed)", be built from rows).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd_lite import OPS, Value, dot, log_softmax, logsumexp, softmax, topological_order, vsum

README = Path(__file__).resolve().parents[1] / "README.md"
HEADER = "| operation | written | local derivatives |"
COMPOSED = "(composed)"


def operations_table() -> list[tuple[str, str, str]]:
    """The rows of the README's table of operations: (operation, written, local derivatives)."""
    lines = README.read_text().splitlines()
    assert lines.count(HEADER) == 1, f"README.md has no table headed {HEADER!r}"
    start = lines.index(HEADER) + 2  # the header, then the |---| line
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 3, line
        rows.append((cells[0], cells[1], cells[2]))
    return rows


def expressions(operation: str) -> list[str]:
    """The code in a row's first cell; a lone name (the plain number `k`) is an operand."""
    return [code for code in re.findall(r"`([^`]+)`", operation) if not code.isidentifier()]


def operands() -> dict[str, object]:
    """What the README's expressions are written in: Values, a plain number, lists of Values."""
    return {
        "a": Value(2.0, "a"),
        "b": Value(3.0, "b"),
        "k": 1.5,  # positive, as k ** a needs
        "values": [Value(0.5, "x1"), Value(-1.0, "x2"), Value(2.0, "x3")],
        "ws": [Value(0.5, "w1"), Value(-0.3, "w2")],
        "xs": [Value(0.1, "x1"), Value(0.3, "x2")],
        "vsum": vsum,
        "dot": dot,
        "logsumexp": logsumexp,
        "softmax": softmax,
        "log_softmax": log_softmax,
    }


def run(code: str):
    """The README's expression evaluated on fresh operands; a clear failure if it does not run."""
    try:
        return eval(code, {"__builtins__": {}}, operands())  # the README is ours
    except Exception as exc:  # noqa: BLE001 (any failure means the README is out of date)
        pytest.fail(f"the README's operation `{code}` does not run: {exc!r}")


def test_the_table_is_there_and_every_row_writes_code():
    rows = operations_table()
    assert len(rows) >= 5
    for operation, _, derivatives in rows:
        assert expressions(operation), operation
        assert derivatives, operation


def test_every_readme_row_names_rows_of_ops():
    for operation, _, derivatives in operations_table():
        for code in expressions(operation):
            out = run(code)
            if derivatives == COMPOSED:  # softmax, log_softmax: no row of their own
                assert isinstance(out, list) and all(isinstance(v, Value) for v in out), code
                for node in (n for v in out for n in topological_order(v)):
                    assert node.op is None or OPS.get(node.op.name) is node.op, (code, node.op)
                continue
            assert isinstance(out, Value) and out.op is not None, f"`{code}` makes no operation"
            assert OPS.get(out.op.name) is out.op, f"`{code}` makes {out.op.name!r}, not in OPS"
            # a plain number k in the README is a constant operand: the row's has_constant
            assert out.op.has_constant == bool(re.search(r"\bk\b", code)), (code, out.op.name)


def test_every_row_of_ops_is_in_the_readme():
    written: dict[str, list[str]] = {}
    for operation, _, derivatives in operations_table():
        if derivatives == COMPOSED:
            continue
        for code in expressions(operation):
            out = run(code)
            if isinstance(out, Value) and out.op is not None:
                written.setdefault(out.op.name, []).append(code)
    missing = sorted(set(OPS) - set(written))
    assert not missing, f"rows of OPS the README's table of operations leaves out: {missing}"
    assert set(written) <= set(OPS)


def test_the_readme_writes_each_rows_derivative_formula():
    """Each operation's derivative cell, in backticks and in order, is its row's ``derivative``."""
    for operation, _, derivatives in operations_table():
        if derivatives == COMPOSED:
            continue
        names = [run(code).op.name for code in expressions(operation)]
        written = re.findall(r"`([^`]+)`", derivatives)
        assert written == [OPS[name].derivative for name in names], (operation, written)


def test_every_row_of_ops_has_a_derivative_formula():
    assert all(op.derivative for op in OPS.values()), [
        n for n, op in OPS.items() if not op.derivative
    ]
