"""The catalogue's checker files (nn/examples/files/*.toml): shipped, well formed, and honest.

Each file states one article's fixed computation and the digits it printed. Here every
file is also read as plain TOML, so a typo in a file is caught even where the checker is
wrong: each expression names only leaves and earlier steps, each printed number is a
string of digits naming a leaf or a step (for a ``[network]``, the names it generates).
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from importlib.resources import as_file, files

import pytest

import nn.examples
from autograd_lite import NotFoundError
from nn.examples._checked import Checked
from tests.cli import run_cli

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

SHIPPED = files("nn.examples").joinpath("files")
NAMES = sorted(p.name for p in SHIPPED.iterdir() if p.name.endswith(".toml"))
FUNCTIONS = {"exp", "log", "tanh", "sigmoid", "relu", "sum", "logsumexp"}
KEY = re.compile(r"^(?:d(?P<of>\w+)/d(?P<wrt>\w+)|(?P<name>\w+))(?:@(?P<after>\d+))?$")


def load(name: str) -> dict:
    return tomllib.loads(SHIPPED.joinpath(name).read_text())


def test_the_catalogue_ships_its_files():
    assert set(NAMES) == {
        "brownlee_contrived.toml",
        "gad_mlp.toml",
        "gad_neuron.toml",
        "jagtap_neuron.toml",
        "prakash_333.toml",
        "prakash_333_replay.toml",
    }


@pytest.mark.parametrize("name", NAMES)
def test_every_expression_names_only_what_is_defined_above_it(name):
    data = load(name)
    assert data["title"] and data["source"]
    assert "forward" in data or "network" in data
    forward = data.get("forward", {})
    read = Checked.shipped(name.removesuffix(".toml")).computation
    defined = set(read.values) | {s.name for s in read.steps if s.name not in forward}
    for step, text in forward.items():
        tree = ast.parse(text, mode="eval")
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call)}
        used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called
        assert called <= FUNCTIONS, (step, called - FUNCTIONS)
        assert used <= defined, (step, used - defined)
        assert step not in defined, step
        defined.add(step)


@pytest.mark.parametrize("name", NAMES)
def test_every_printed_number_is_digits_of_a_defined_quantity(name):
    data = load(name)
    read = Checked.shipped(name.removesuffix(".toml")).computation  # [network] names too
    defined = set(read.values) | {step.name for step in read.steps}
    assert set(data.get("values", {})) | set(data.get("forward", {})) <= defined
    steps = data.get("train", {}).get("steps", 0)
    for key, text in data["printed"].items():
        assert isinstance(text, str), (key, text)
        Decimal(text)  # raises on anything but a number
        match = KEY.match(key)
        assert match, key
        assert {match[g] for g in ("of", "wrt", "name") if match[g]} <= defined, key
        assert int(match["after"] or 0) <= steps, key


def checked(name: str):
    return nn.examples.check(SHIPPED.joinpath(name))


@pytest.mark.parametrize(
    ("name", "wrong", "first"),
    [
        ("gad_neuron.toml", ["ds/db", "table_W1new", "table_W2new", "b@1"], "table_W1new"),
        ("brownlee_contrived.toml", [], None),
        ("jagtap_neuron.toml", [], None),
        ("gad_mlp.toml", ["w5_1_2@1", "w5_1_3@1", "w5_1_4@1"], "w5_1_2@1"),
    ],
)
def test_the_checker_finds_the_mismatches_the_catalogue_pins(name, wrong, first):
    result = checked(name)
    assert [q.name for q in result.mismatches()] == wrong
    assert result.first_divergent == first and result.skipped == ()


def test_the_mistake_models_explain_the_articles_slips():
    gad = checked("gad_neuron.toml")
    # the perceptron rule's bias, printed as the step's new b: the error without sigmoid'
    assert [e.model for e in gad["b@1"].explanations] == ["perceptron-rule", "missing-factor"]
    assert [e.model for e in gad["ds/db"].explanations] == ["missing-factor"]
    assert "ds/db" in gad["ds/db"].explanations[0].detail
    assert gad["table_W1new"].explanations == ()  # a swapped table is no known mistake
    prakash = checked("prakash_333.toml")
    assert prakash.first_divergent == "z3_3"  # h2_in3 printed 4.001 for 4.004: the first slip
    # every updated Wij follows from the article's own (wrong) printed gradient
    carried = {
        q.name
        for q in prakash.mismatches()
        if any(e.model == "carried-from" for e in q.explanations)
    }
    assert {f"w2_{b}_{a}@1" for a in (1, 2, 3) for b in (1, 2, 3)} <= carried


@pytest.mark.parametrize(("name", "status"), [("brownlee_contrived.toml", 0), ("gad_mlp.toml", 1)])
def test_autograd_lite_check_runs_a_shipped_file(name, status):
    with as_file(SHIPPED.joinpath(name)) as path:
        done = run_cli("check", str(path))
    assert done.returncode == status, done.stderr
    assert load(name)["title"] in done.stdout


def test_a_catalogue_row_gathers_keys_and_asks_for_unprinted_ones():
    gad = Checked.shipped("gad_neuron")
    row = gad.quantity("increments", ["increment_b", "increment_W1"])
    assert row.printed == ["-0.008443521", "-0.000844352"] and row.agreement == "rounded"
    # dE/db is not printed; one step of gradient descent from it is b@1
    assert gad.value("b@1") == pytest.approx(1.83 - 0.01 * gad.value("dE/db"), rel=1e-15)
    again = gad.at(W1_printed=0.5, W2_printed=0.2, b_printed=1.83)  # the first pass's weights
    assert again.value("E2") == gad.value("E")
    with pytest.raises(NotFoundError, match="no leaf called 'W3'"):
        gad.at(W3=1.0)
    with pytest.raises(NotFoundError, match="no step called 'L'"):
        gad.training_on("L")
    with pytest.raises(NotFoundError, match="not a quantity"):
        gad.value("dE/")
    # a mismatch without a reason of the example's own takes the models' findings
    wrong = gad.quantity("the article's b", "b@1")
    assert wrong.agreement == "MISMATCH" and wrong.reason.startswith("perceptron-rule (")
    assert gad.quantity("swapped", "table_W1new").reason.startswith("unexplained")
