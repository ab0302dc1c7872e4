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
from importlib.resources import files

import pytest

from nn.examples._checked import Checked

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
