"""`autograd-lite demo`: seed 002's neuron, every number the article printed, and its graph."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import mpmath
import pytest

from autograd_lite import chain
from autograd_lite.cli import main
from autograd_lite.demo import demo_report, gad_neuron
from tests.cli import make_dry_run, run_cli

REPO = Path(__file__).resolve().parents[1]

# What Ahmed Gad's article (seed 002) prints, to the digits it prints them.
PUBLISHED = {
    "s": "1.94",
    "predicted": "0.874352143",
    "E": "0.356465271",
    "dE/dpredicted": "0.844352143",
    "dpredicted/ds": "0.109860473",
    "dE/dW1": "0.009276093",
    "dE/dW2": "0.027828278",
    "W1 new": "0.49990723907",
    "W2 new": "0.1997217172",
}


def agrees(value: float, printed: str) -> bool:
    """``value`` rounded to as many decimals as ``printed`` has is ``printed``."""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    return round(value, decimals) == float(printed)


def run(*args: str, cwd: Path, path: str | None = None) -> subprocess.CompletedProcess:
    return run_cli(*args, cwd=cwd, path=path)


def computed():
    n = gad_neuron()
    n.E.backward()
    return n


def test_engine_numbers_equal_the_article_at_printed_precision():
    n = computed()
    derivation = chain(n.E, n.W1)
    (path,) = derivation.paths
    de_dpredicted, dpredicted_ds, ds_dw1 = (f.value for f in path.factors)
    ours = {
        "s": n.s.data,
        "predicted": n.predicted.data,
        "E": n.E.data,
        "dE/dpredicted": de_dpredicted,
        "dpredicted/ds": dpredicted_ds,
        "dE/dW1": n.W1.grad,
        "dE/dW2": n.W2.grad,
        "W1 new": n.W1.data - 0.01 * n.W1.grad,
        "W2 new": n.W2.data - 0.01 * n.W2.grad,
    }
    for name, printed in PUBLISHED.items():
        assert agrees(ours[name], printed), (name, ours[name], printed)
    assert ds_dw1 == 0.1  # ds/dW1 = X1, printed 0.1
    assert n.predicted.grad == de_dpredicted
    assert derivation.value == pytest.approx(n.W1.grad, rel=1e-15)


def test_the_printed_demo_shows_the_article_numbers():
    report = demo_report(computed())

    def printed_value(pattern: str) -> float:
        match = re.search(pattern + r".* = (-?[0-9.e+-]+)(?:\s|$)", report, re.MULTILINE)
        assert match, pattern
        return float(match.group(1))

    assert "s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = 1.94" in report
    assert "predicted = sigmoid(s) = sigmoid(1.94) = 0.874352143" in report
    assert "E = 0.5*v2 = 0.5*0.712930542 = 0.356465271" in report
    assert "dE/ds = dE/dpredicted * dpredicted/ds = 0.844352143 * 0.109860473" in report
    assert (
        "dE/dW1 = dE/dpredicted * dpredicted/ds * ds/dW1 = 0.844352143 * 0.109860473 * 0.1"
        " = 0.00927609256"
    ) in report
    assert agrees(printed_value(r"^  dE/dW1 = dE/dpredicted"), PUBLISHED["dE/dW1"])
    assert agrees(printed_value(r"^  dE/dW2 = dE/dpredicted"), PUBLISHED["dE/dW2"])
    assert agrees(printed_value(r"^  W1 new = "), PUBLISHED["W1 new"])
    assert agrees(printed_value(r"^  W2 new = "), PUBLISHED["W2 new"])


def test_bias_gradient_is_the_exact_one_not_the_articles_zero():
    # The article says ds/db = 0 (its text even labels it ds/dW1), leaves b out of the
    # chain rule and moves b with the perceptron rule (b = 1.821556479). In fact b enters
    # s with coefficient 1, so dE/db = (predicted - desired) * predicted * (1 - predicted).
    with mpmath.workdps(50):
        s = mpmath.mpf("0.1") * mpmath.mpf("0.5") + mpmath.mpf("0.3") * mpmath.mpf("0.2")
        s += mpmath.mpf("1.83")
        p = 1 / (1 + mpmath.exp(-s))
        exact = (p - mpmath.mpf("0.03")) * p * (1 - p)
        assert mpmath.nstr(exact, 12) == "0.0927609255818"

    n = computed()
    assert n.b.grad == pytest.approx(float(exact), rel=1e-14)
    derivation = chain(n.E, n.b)
    assert derivation.paths[0].factors[-1].symbol() == "ds/db"
    assert derivation.paths[0].factors[-1].value == 1.0
    assert agrees(n.b.data - 0.01 * n.b.grad, "1.82907239074")

    report = demo_report(n)
    assert "It says ds/db = 0" in report
    assert "    ds/db = 1\n" in report
    assert "dE/db = dE/dpredicted * dpredicted/ds * ds/db" in report
    assert " = 0.0927609256\n" in report
    assert "b new = b - lr * dE/db = 1.82907239074" in report


def test_demo_runs_as_a_command_and_writes_the_graph(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("graphviz's dot is not installed (make test installs it)")
    done = run("demo", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    svg = tmp_path / "gad_neuron.svg"
    assert f"Graph written to {svg}" in done.stdout
    ET.fromstring(svg.read_bytes())
    assert "1. s = X1*W1 + X2*W2 + b = 0.1*0.5 + 0.3*0.2 + 1.83 = 1.94" in done.stdout
    assert "Where the article is wrong" in done.stdout

    other = tmp_path / "sub" / "graph.svg"
    other.parent.mkdir()
    done = run("demo", "--svg", str(other), "--digits", "4", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"Graph written to {other}" in done.stdout
    assert "predicted = sigmoid(s) = sigmoid(1.94) = 0.8744\n" in done.stdout
    assert other.read_bytes().startswith(b"<?xml")


def test_demo_without_dot_prints_the_steps_then_says_what_to_install(tmp_path):
    done = run("demo", cwd=tmp_path, path=str(tmp_path))  # PATH with no `dot`
    assert done.returncode == 1
    assert "predicted = sigmoid(s) = sigmoid(1.94) = 0.874352143" in done.stdout
    assert "apt-get install graphviz" in done.stderr
    assert "brew install graphviz" in done.stderr
    assert "conda install -c conda-forge graphviz" in done.stderr
    assert not (tmp_path / "gad_neuron.svg").exists()


def test_no_svg_and_bad_arguments(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--no-svg"]) == 0
    assert "Graph written" not in capsys.readouterr().out
    assert not list(tmp_path.iterdir())
    for argv in ([], ["demo", "--digits", "0"], ["nonsense"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
    assert "digits must be from 1 to 17" in capsys.readouterr().err


def test_console_script():
    script = Path(sys.executable).with_name("autograd-lite")
    if not script.exists():
        pytest.skip("the project is not installed in this environment (make test installs it)")
    done = subprocess.run(
        [str(script), "demo", "--no-svg"], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "dE/db = dE/dpredicted * dpredicted/ds * ds/db" in done.stdout


def test_make_demo_installs_dot_then_runs_the_demo():
    done = make_dry_run("demo")
    lines = done.stdout.splitlines()
    require = next(i for i, line in enumerate(lines) if ".ci/require dot graphviz" in line)
    demo = next(i for i, line in enumerate(lines) if "autograd-lite demo" in line)
    assert require < demo


def test_require_prints_the_exact_command_when_it_cannot_install(tmp_path):
    # A PATH with bash only: no apt-get, no sudo, no such program.
    (tmp_path / "bash").symlink_to(shutil.which("bash"))
    done = subprocess.run(
        [str(REPO / ".ci" / "require"), "no-such-program-xyz", "graphviz", "brew install graphviz"],
        env={"PATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "sudo apt-get update && sudo apt-get install graphviz" in done.stderr
    assert "brew install graphviz" in done.stderr
