"""The ids that tie a drawing to a trace, spelled once (autograd_lite/ids.py) and pinned here."""

from autograd_lite.ids import (
    in_edge_id,
    is_in_edge_id,
    is_value_id,
    op_id,
    out_edge_id,
    step_edges,
)


def test_the_ids_the_svg_the_page_and_the_tests_share():
    assert op_id("s") == "s~op"
    assert out_edge_id("s") == "s~out"
    assert in_edge_id("s", 1) == "s~in1"
    assert step_edges("s", range(2)) == ["s~out", "s~in0", "s~in1"]
    assert is_value_id("W1[0][2]") and not is_value_id("s~op")
    assert is_in_edge_id("s~in0") and not is_in_edge_id("s~out")
