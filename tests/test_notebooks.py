"""Every notebook runs top to bottom in a real Python 3 kernel and computes the right numbers.

Each notebook is executed with nbclient; then one more cell, added by the test and
never saved, evaluates expressions in the notebook's namespace, and the test compares
them with values worked out here independently of the engine.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _sech2(x: float) -> float:
    return 1 - math.tanh(x) ** 2


# notebook -> {expression evaluated in the executed notebook: expected value}
CHECKS: dict[str, dict[str, float]] = {
    "00_quickstart.ipynb": {
        "round(W1.grad, 9)": 0.009276093,  # printed by seed 002
        "round(W2.grad, 9)": 0.027828278,  # printed by seed 002
        "round(predicted.data, 9)": 0.874352143,
        "second": -2 * math.tanh(0.5) * _sech2(0.5),
    },
    "06_train_mlp.ipynb": {
        # the moons are learnt perfectly, as in micrograd's demo
        "history.accuracy[-1]": 1.0,
        "sum((model(x).data > 0) == (y > 0) for x, y in zip(xs, ys)) / len(xs)": 1.0,
        "len(history.loss)": 100,
    },
}


def execute(path: Path, expressions: list[str]) -> dict[str, float]:
    notebook = nbformat.read(path, as_version=4)
    probe = "import json\nprint(json.dumps([" + ", ".join(expressions) + "]))"
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs)
    return dict(zip(expressions, json.loads(text.strip().splitlines()[-1])))


def all_notebooks() -> list[str]:
    return sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def test_every_notebook_has_checks():
    assert all_notebooks(), "no notebooks found"
    assert set(all_notebooks()) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_notebook_runs_and_computes_the_expected_numbers(name):
    values = execute(NOTEBOOKS / name, list(CHECKS[name]))
    for expression, expected in CHECKS[name].items():
        assert values[expression] == pytest.approx(expected, rel=1e-12, abs=1e-15), expression


@pytest.mark.parametrize("name", all_notebooks())
def test_notebook_is_committed_clean(name):
    """No outputs or execution counts in the committed notebooks: diffs stay readable."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, (name, cell.id)


@pytest.mark.parametrize("name", all_notebooks())
def test_notebook_opens_with_what_it_shows_and_how_to_run_it(name):
    first = nbformat.read(NOTEBOOKS / name, as_version=4).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert "make notebooks" in first.source
