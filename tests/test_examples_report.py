"""The agreement word between an article's printed digits and the engine's value."""

from __future__ import annotations

import pytest

from nn.examples.report import ExampleResult, Quantity, agreement


@pytest.mark.parametrize(
    ("printed", "computed", "word"),
    [
        ("1.94", 0.05 + 0.06 + 1.83, "exact"),  # float noise below 12 digits is still exact
        ("0.874352143", 0.8743521434846544, "rounded"),
        ("0.143703949", 0.14370394978, "truncated"),  # rounds to ...950
        ("0.143703950", 0.14370394978, "rounded"),
        ("0.197466943", 0.19746694357, "truncated"),
        ("0.2698", 0.198446894233, "MISMATCH"),
        ("0", 1.0, "MISMATCH"),  # an integer claims exactness, never "rounded"
        ("0", 0.4, "MISMATCH"),
        ("66", 66.0, "exact"),
        ("6.350", 6.3502, "rounded"),
        ("3.150953682878443e-13", 3.150953682878443e-13, "exact"),
        ("-0.14619064683582808", -0.14619064683582808, "exact"),
        ("-0.0771723774", -0.07717237743463270, "rounded"),
        ("0.000005", 0.0000054, "rounded"),
        ("0.000005", 0.0000059, "truncated"),
        # exactness is relative: a tiny number that differs in its 10th digit is not exact
        ("3.150953682878443e-13", 3.150953681632032e-13, "MISMATCH"),
        ("0", 1e-13, "MISMATCH"),
        ("0.0", 1e-13, "rounded"),
        ("0.0", 0.0, "exact"),
    ],
)
def test_agreement_words(printed, computed, word):
    assert agreement(printed, computed) == word


def test_half_way_cases_count_as_rounded_either_way():
    # 0.125 and 0.25 are exact binary fractions: articles round them half up or half even
    assert agreement("0.13", 0.125) == "rounded"  # half up
    assert agreement("0.12", 0.125) == "rounded"  # half even
    assert agreement("0.3", 0.25) == "rounded"  # half up
    assert agreement("0.2", 0.25) == "rounded"  # half even
    assert agreement("0.11", 0.125) == "MISMATCH"


def test_printed_must_be_the_articles_digits():
    with pytest.raises(ValueError, match="digits"):
        agreement(0.5, 0.5)


def test_a_vector_takes_its_worst_word_and_keeps_each():
    q = Quantity("h2_out", [0.938831289487, 0.940475634023], ["0.938", "0.94"])
    assert q.words == ("truncated", "rounded") and q.agreement == "truncated"


def test_a_mismatch_needs_a_reason():
    with pytest.raises(ValueError, match="reason"):
        Quantity("ds/db", 1.0, "0")
    q = Quantity("ds/db", 1.0, "0", reason="the article drops the bias")
    assert q.agreement == "MISMATCH"


def test_shapes_must_match():
    with pytest.raises(ValueError, match="shape"):
        Quantity("w", [1.0, 2.0], ["1"])


def test_nothing_printed_is_computed():
    assert Quantity("dE/db", 0.0927609255818).agreement == "computed"


def test_table_shows_twelve_significant_digits_and_the_reason():
    result = ExampleResult(
        "x",
        "An example",
        "an article",
        [
            Quantity("p", 0.8743521434846544, "0.874352143"),
            Quantity("ds/db", 1.0, "0", reason="the bias has coefficient 1"),
        ],
    )
    text = result.table()
    assert "0.874352143485" in text and "rounded" in text
    assert "MISMATCH" in text and "the bias has coefficient 1" in text
    assert result["p"].agreement == "rounded"
    assert [q.name for q in result.mismatches()] == ["ds/db"]
    assert "| p | 0.874352143 | 0.874352143485 | rounded |" in result.to_markdown()
    assert "<td>MISMATCH</td>" in result._repr_html_()


def test_the_mistakes_that_explain_a_mismatch_follow_its_reason():
    q = Quantity(
        "ds/db",
        1.0,
        "0",
        reason="the article drops the bias",
        explanations=("missing-factor (ds/db taken as 0)",),
    )
    assert q.why() == "the article drops the bias (explained by missing-factor (ds/db taken as 0))"
    assert q.to_dict()["explanations"] == ["missing-factor (ds/db taken as 0)"]
    text = ExampleResult("x", "An example", "an article", [q]).table()
    assert "explained by missing-factor" in text
    assert Quantity("p", 0.5, "0.5").why() == ""
