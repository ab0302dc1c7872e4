"""The checker's report: the text table, the Jupyter HTML and to_dict, from given numbers and findings."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace

import pytest

from autograd_lite import NotFoundError
from nn.examples import agreement
from nn.examples.checker.file_format import load
from nn.examples.checker.result import CheckResult

FILE = {
    "title": "A <neuron> & its slips",
    "source": "a homework",
    "values": {"x": 2.0, "w": 0.5},
    "forward": {"z": "w*x", "h": "sigmoid(z)", "E": "0.5*(1 - h)**2"},
    "printed": {"z": "1.0", "h": "0.7311", "dE/dz": "0.0529", "E": "0.036"},
}


def result(computed: dict[str, float], explanations=None) -> CheckResult:
    computation = load(FILE)
    words = {p.key: agreement(p.text, computed[p.key]) for p in computation.printed}
    return CheckResult.build(computation, computed, words, explanations)


RIGHT = {"z": 1.0, "h": 0.7310585786300049, "dE/dz": -0.052877092784266, "E": 0.03615}
FOUND = SimpleNamespace(
    by_quantity={
        "dE/dz": [
            SimpleNamespace(model="sign", detail="the negative <of> it", value=0.0528770927842)
        ]
    },
    skipped=["rounded-intermediates: over the budget"],
    first_divergent="dE/dz",
)


def test_every_number_agreeing_is_ok_and_says_so():
    report = result({**RIGHT, "dE/dz": -RIGHT["dE/dz"]})
    assert report.ok and report.mismatches() == [] and report.first_divergent is None
    assert [q.agreement for q in report.quantities] == ["exact", "rounded", "rounded", "rounded"]
    assert str(report).splitlines()[-1] == "  All 4 printed numbers agree."
    assert all(q.explained_by() == "" for q in report.quantities)


def test_the_text_table_shows_each_number_and_each_finding():
    report = result(RIGHT, FOUND)
    assert not report.ok and [q.name for q in report.mismatches()] == ["dE/dz"]
    text = report.table(digits=6)
    lines = text.splitlines()
    assert lines[:3] == ["A <neuron> & its slips", "  source: a homework", ""]
    row = next(line for line in lines if line.startswith("  dE/dz "))
    assert row.split() == ["dE/dz", "0.0529", "-0.0528771", "MISMATCH", "sign"]
    assert "  First divergent quantity: dE/dz" in lines
    assert "    sign: the negative <of> it (gives 0.0528771)" in lines
    assert "  skipped: rounded-intermediates: over the budget" in lines
    assert "  1 of 4 printed numbers disagree." in lines
    assert all(line == line.rstrip() for line in lines)


def test_a_mismatch_no_model_reproduces_is_unexplained():
    report = result({**RIGHT, "E": 0.5})
    assert report["E"].explained_by() == "unexplained"
    assert (
        "    unexplained: no mistake model reproduces the printed number"
        in str(report).splitlines()
    )
    assert report["E"].to_dict()["explanations"] == []


def test_to_dict_has_the_agreed_shape():
    report = result(RIGHT, FOUND).to_dict()
    assert list(report)[:3] == ["title", "first_divergent", "quantities"]
    assert report["first_divergent"] == "dE/dz" and report["ok"] is False
    assert report["skipped"] == ["rounded-intermediates: over the budget"]
    assert report["quantities"][2] == {
        "name": "dE/dz",
        "printed": "0.0529",
        "computed": RIGHT["dE/dz"],
        "agreement": "MISMATCH",
        "explanations": [
            {"model": "sign", "detail": "the negative <of> it", "value": 0.0528770927842}
        ],
    }
    json.dumps(report, allow_nan=False)


def test_a_non_finite_number_is_null_in_json():
    found = SimpleNamespace(
        by_quantity={"E": [SimpleNamespace(model="m", detail="d", value=math.inf)]},
        skipped=[],
        first_divergent="E",
    )
    report = result({**RIGHT, "E": math.nan}, found).to_dict()
    assert report["quantities"][3]["computed"] is None
    assert report["quantities"][3]["explanations"][0]["value"] is None
    json.dumps(report, allow_nan=False)


def test_html_escapes_and_marks_each_row():
    page = result(RIGHT, FOUND)._repr_html_()
    assert "<caption>A &lt;neuron&gt; &amp; its slips</caption>" in page
    assert page.count('class="MISMATCH"') == 1 and page.count('class="rounded"') == 2
    assert "the negative &lt;of&gt; it" in page and "<of>" not in page
    assert "First divergent quantity: <code>dE/dz</code>" in page


def test_asking_for_a_quantity_not_printed():
    with pytest.raises(NotFoundError, match="prints no quantity 'dE/dw'"):
        result(RIGHT)["dE/dw"]


def test_warnings_are_shown(recwarn):
    computation = load({**FILE, "printed": {**FILE["printed"], "z": 1.0}})
    report = CheckResult.build(computation, RIGHT, {k: "exact" for k in RIGHT}, None)
    assert report.warnings == computation.warnings and len(report.warnings) == 1
    assert "  warning: " + report.warnings[0] in str(report).splitlines()


def test_a_model_that_reproduces_a_number_several_ways_is_named_once_in_the_table():
    ways = [
        SimpleNamespace(model="sign", detail=f"the sign of factor {i}", value=0.0528770927842)
        for i in range(4)
    ] + [SimpleNamespace(model="missing-factor", detail="dh/dz left out", value=0.05287709)]
    found = SimpleNamespace(by_quantity={"dE/dz": ways}, skipped=[], first_divergent="dE/dz")
    report = result(RIGHT, found)
    assert report["dE/dz"].explained_by() == "sign, missing-factor"
    lines = str(report).splitlines()
    signs = [line for line in lines if line.startswith("    sign: the sign of factor")]
    assert [line.split(" (gives ")[0] for line in signs] == [
        f"    sign: the sign of factor {i}" for i in range(4)
    ]
    assert len(report["dE/dz"].to_dict()["explanations"]) == 5
