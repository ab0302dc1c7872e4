"""The README's code runs as written, and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_the_readme_code_runs_and_prints_what_it_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # it saves files
    namespace: dict = {}
    printed = io.StringIO()
    blocks = python_blocks()
    assert len(blocks) >= 3
    with contextlib.redirect_stdout(printed):
        for block in blocks:
            exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 (the README is ours)
    lines = printed.getvalue().splitlines()
    assert lines[0] == "Value(data=0.8744, grad=0.8444, label='p')"
    assert lines[1].startswith("0.00927609255")
    assert lines[2].startswith("0.0927609255")
    assert "= 0.844352143 * 0.109860473 * 0.1 = 0.00927609256" in printed.getvalue()
    assert namespace["history"].accuracy[-1] == 1.0
    # the common mistakes: math.exp on a Value raises with the advice, the method is right
    assert lines.count("22.1672") == 1 and "False True" in lines
    assert any(line.startswith("float() of a Value (label 'x')") for line in lines)
    assert "## Common mistakes" in README.read_text()
    # an operation added from outside the package, differentiated twice
    assert "v1 = sin(x) = sin(0.7) = 0.644218 1.179607 1.078732" in lines
    assert (tmp_path / "moons.json").exists() and (tmp_path / "neuron.svg").exists()


@pytest.mark.parametrize("command", ["make demo", "make test", "make notebooks", "make bench"])
def test_the_readme_names_the_commands(command):
    assert command in README.read_text()
