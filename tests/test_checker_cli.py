"""``autograd-lite check``: exit statuses 0/1/2, the JSON shape, the template, pages, and nn.examples.check."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import nn.examples
from nn.examples.check_cli import template_text
from nn.examples.checker import load
from nn.examples.checker.evaluate import evaluate
from tests.cli import run_cli

TEMPLATE = Path(nn.examples.__file__).parent / "checker" / "template.toml"


def wrong_template(tmp_path: Path) -> Path:
    """The template with two slips: h2 off in its last digit, w1@1 with the sign dropped."""
    text = TEMPLATE.read_text(encoding="utf-8")
    for old, new in (
        ('h2 = "0.5939"', 'h2 = "0.5940"'),
        ('"w1@1" = "-0.29008"', '"w1@1" = "0.29008"'),
    ):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_template_is_printed_and_checks_with_exit_0(tmp_path):
    done = run_cli("check", "--template")
    assert done.returncode == 0, done.stderr
    assert done.stdout == TEMPLATE.read_text(encoding="utf-8") == template_text()
    copy = write(tmp_path, done.stdout, "mine.toml")
    checked = run_cli("check", str(copy))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    count = len(load(copy).printed)
    assert count >= 10
    assert f"All {count} printed numbers agree." in checked.stdout
    assert "MISMATCH" not in checked.stdout


def test_a_mismatch_exits_1_and_is_explained(tmp_path):
    done = run_cli("check", str(wrong_template(tmp_path)))
    assert done.returncode == 1, done.stderr
    lines = {
        line.split()[0]: line
        for line in done.stdout.splitlines()
        if line.startswith("  ") and line.split()
    }
    assert "MISMATCH" in lines["h2"] and "unexplained" in lines["h2"]
    assert "MISMATCH" in lines["w1@1"] and "sign" in lines["w1@1"]
    assert "rounded" in lines["h1"] and "truncated" in lines["dE/dw1"]
    assert "2 of 14 printed numbers disagree." in done.stdout
    assert "First divergent quantity: h2" in done.stdout


def test_json_has_the_agreed_shape_and_the_engines_numbers(tmp_path):
    path = wrong_template(tmp_path)
    done = run_cli("check", str(path), "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {"title", "first_divergent", "quantities"} <= set(report)
    assert report["title"] == "A 2-2-1 network, one step of gradient descent"
    assert report["first_divergent"] == "h2" and report["ok"] is False
    computed = evaluate(load(path))
    assert [q["name"] for q in report["quantities"]] == list(computed)
    for q in report["quantities"]:
        assert set(q) == {"name", "printed", "computed", "agreement", "explanations"}
        assert q["computed"] == computed[q["name"]]
        for explanation in q["explanations"]:
            assert set(explanation) == {"model", "detail", "value"}
    by_name = {q["name"]: q for q in report["quantities"]}
    assert by_name["w1@1"]["printed"] == "0.29008" and by_name["w1@1"]["agreement"] == "MISMATCH"
    sign = [e for e in by_name["w1@1"]["explanations"] if e["model"] == "sign"]
    assert sign and sign[0]["value"] == pytest.approx(-computed["w1@1"], rel=1e-12)
    assert by_name["h2"]["explanations"] == [] and by_name["z1"]["agreement"] == "exact"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('title = "t"\n[values\nx = 1\n', "TOML syntax error"),
        ('title = "t"\n[values]\nx = 1.0\n[printed]\nx = "1"\n', "missing section [forward]"),
        (
            'title = "t"\n[values]\nx = 1.0\n[forward]\nh = "__import__(\'os\').system(\'touch PWNED\')"\n[printed]\nh = "1"\n',
            "line 5, [forward] h = ",
        ),
        (
            'title = "t"\n[values]\nx = 1.0\n[forward]\nh = "x.__class__"\n[printed]\nh = "1"\n',
            "attribute access",
        ),
        (
            'title = "t"\n[values]\nx = 1.0\n[forward]\nh = "9**9**9"\n[printed]\nh = "1"\n',
            "line 5: step h = '9**9**9'",
        ),
        (
            'title = "t"\n[values]\nx = 1.0\n[forward]\ng = "x - 2"\nh = "log(g)"\n[printed]\nh = "1"\n',
            "line 6: step h = 'log(g)': log needs a positive operand",
        ),
        (
            'title = "t"\n[values]\nx = 1.0\n[forward]\nh = "x"\n[printed]\nh = "one"\n',
            "'one' is not a number",
        ),
    ],
)
def test_a_bad_file_exits_2_with_the_file_and_the_line(tmp_path, text, expected):
    path = write(tmp_path, text)
    done = run_cli("check", str(path), cwd=tmp_path, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    assert str(path) in done.stderr and expected in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--practice",), "--practice needs --html PAGE"),
        (("--html", "/no/such/folder/page.html"), "cannot write --html /no/such/folder/page.html"),
        (("--svg", "."), "cannot write --svg .: it is a directory"),
    ],
)
def test_bad_options_exit_2_before_the_file_is_read(tmp_path, args, expected):
    done = run_cli("check", str(tmp_path / "never_read.toml"), *args)
    assert done.returncode == 2 and expected in done.stderr, done.stderr
    assert "no such file" not in done.stderr


def test_usage_errors_exit_2():
    assert "give the FILE.toml" in run_cli("check").stderr and run_cli("check").returncode == 2
    both = run_cli("check", "x.toml", "--template")
    assert both.returncode == 2 and "--template prints the starting file" in both.stderr
    assert "check" in run_cli("--help").stdout


def test_html_shows_each_printed_number_beside_its_node(tmp_path):
    page = tmp_path / "page.html"
    done = run_cli("check", str(wrong_template(tmp_path)), "--html", str(page), "--json")
    assert done.returncode == 1, done.stderr
    json.loads(done.stdout)  # stdout holds the JSON alone
    assert f"Step-through page written to {page.resolve()}" in done.stderr
    html = page.read_text(encoding="utf-8")
    assert "h2: printed 0.5940 (MISMATCH)" in html
    assert "dE/dw1: printed -0.099222 (truncated)" in html  # beside w1, whose gradient it is
    assert "w1@1: printed 0.29008 (MISMATCH)" in html
    practice = tmp_path / "practice.html"
    done = run_cli("check", str(TEMPLATE), "--html", str(practice), "--practice")
    assert done.returncode == 0 and practice.read_text(encoding="utf-8") != html


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_draws_the_graph(tmp_path):
    svg = tmp_path / "graph.svg"
    done = run_cli("check", str(TEMPLATE), "--svg", str(svg))
    assert done.returncode == 0, done.stderr
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and ">h1<" in text and ">E<" in text


def test_check_in_python(tmp_path):
    result = nn.examples.check(wrong_template(tmp_path))
    assert not result.ok and [q.name for q in result.mismatches()] == ["h2", "w1@1"]
    assert result["h1"].agreement == "rounded" and result.first_divergent == "h2"
    page = result._repr_html_()
    assert page.startswith("<table>") and 'class="MISMATCH"' in page and "sign" in page
    assert json.loads(json.dumps(result.to_dict())) == result.to_dict()
    assert nn.examples.check(TEMPLATE).ok
    assert "All 14 printed numbers agree." in str(nn.examples.check(TEMPLATE))
