"""The catalogue's checker files (nn/examples/files/*.toml): shipped, well formed, and honest.

Each file states one article's fixed computation and the digits it printed. Here every
file is read as plain TOML, without the checker, so a typo in a file is caught even where
the checker itself is wrong: each expression names only leaves and earlier steps, each
printed number is a string of digits naming a leaf or a step.
"""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from importlib.resources import files

import pytest

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
    assert {"gad_neuron.toml", "brownlee_contrived.toml", "jagtap_neuron.toml"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_expression_names_only_what_is_defined_above_it(name):
    data = load(name)
    assert data["title"] and data["source"]
    defined = set(data["values"])
    for step, text in data["forward"].items():
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
    defined = set(data["values"]) | set(data["forward"])
    steps = data.get("train", {}).get("steps", 0)
    for key, text in data["printed"].items():
        assert isinstance(text, str), (key, text)
        Decimal(text)  # raises on anything but a number
        match = KEY.match(key)
        assert match, key
        assert {match[g] for g in ("of", "wrt", "name") if match[g]} <= defined, key
        assert int(match["after"] or 0) <= steps, key
