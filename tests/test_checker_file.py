"""Example files read into records, and every bad file refused with the file, the line and why."""

from __future__ import annotations

import ast
import builtins
import math
import textwrap
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lite import ArgumentError, ArgumentTypeError, ExampleFileError, ExampleFileWarning
from nn.examples.checker import limits
from nn.examples.checker.computation import Binary, Call, Name, Number, Printed, Training, Unary
from nn.examples.checker.expressions import FUNCTIONS, operations, parse
from nn.examples.checker.file_format import load
from nn.examples.checker.toml_lines import key_lines
from nn.examples.report import agreement

GOOD = """\
title = "A 2-1 neuron"
source = "a homework"

[values]
x1 = 0.6
x2 = 0.1
w1 = -0.3
w2 = 0.4
b = 0.2
t = 1.0

[forward]
z = "w1*x1 + w2*x2 + b"
h = "sigmoid(z)"
E = "0.5*(t - h)**2"

[train]
loss = "E"
learning_rate = 0.1
parameters = ["w1", "w2", "b"]
steps = 3

[printed]
h = "0.5150"
"dE/dw1" = "-0.0721"
"w1@1" = "-0.29279"
"dE/dz@3" = "-0.1"
"""


def write(tmp_path: Path, text: str, name: str = "example.toml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def refused(tmp_path: Path, text: str) -> str:
    """The message of loading ``text`` as a file; it must be an ExampleFileError."""
    path = write(tmp_path, text)
    with pytest.raises(ExampleFileError) as caught:
        load(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def replaced(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


def test_a_good_file_becomes_its_records(tmp_path):
    computation = load(write(tmp_path, GOOD))
    assert computation.title == "A 2-1 neuron" and computation.source == "a homework"
    assert computation.values == {"x1": 0.6, "x2": 0.1, "w1": -0.3, "w2": 0.4, "b": 0.2, "t": 1.0}
    assert [(s.name, s.text, s.line) for s in computation.steps] == [
        ("z", "w1*x1 + w2*x2 + b", 13),
        ("h", "sigmoid(z)", 14),
        ("E", "0.5*(t - h)**2", 15),
    ]
    assert computation.steps[1].expression == Call("sigmoid", (Name("z"),))
    assert computation.steps[2].expression == Binary(
        "*", Number(0.5), Binary("**", Binary("-", Name("t"), Name("h")), Number(2.0))
    )
    assert computation.training == Training("E", 0.1, ("w1", "w2", "b"), 3)
    assert computation.printed == (
        Printed("h", "h", None, 0, "0.5150", 24),
        Printed("dE/dw1", "E", "w1", 0, "-0.0721", 25),
        Printed("w1@1", "w1", None, 1, "-0.29279", 26),
        Printed("dE/dz@3", "E", "z", 3, "-0.1", 27),
    )
    assert computation.path == str(tmp_path / "example.toml") and computation.warnings == ()


def test_a_dict_of_the_same_shape_gives_the_same_records(tmp_path):
    from nn.examples.checker.file_format import tomllib  # tomli on Python 3.10

    from_file = load(write(tmp_path, GOOD))
    from_dict = load(tomllib.loads(GOOD))
    assert from_dict.steps == tuple(
        s.__class__(s.name, s.expression, s.text, 0) for s in from_file.steps
    )
    assert from_dict.values == from_file.values and from_dict.path is None
    with pytest.raises(
        ExampleFileError, match=r"^the example dict, \[forward\] h = 'sigmoid\(q\)'"
    ):
        load({**tomllib.loads(GOOD), "forward": {"h": "sigmoid(q)"}})


# --- the file's structure ------------------------------------------------------------------


def test_toml_syntax_errors_name_the_file_and_the_line(tmp_path):
    message = refused(tmp_path, replaced('h = "sigmoid(z)"', 'h = "sigmoid(z)'))
    assert "TOML syntax error" in message and "line 14" in message


def test_a_step_defined_twice_names_both_lines(tmp_path):
    message = refused(tmp_path, replaced('E = "0.5', 'h = "tanh(z)"\nE = "0.5'))
    assert "line 14, [forward] h" in message
    assert "defined twice (lines 14 and 15)" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "[forward]",
            "[forwards]",
            "unknown key 'forwards' at the top of the file; did you mean 'forward'?",
        ),
        (
            "learning_rate",
            "learning_rat",
            "line 19, [train] learning_rat: unknown key 'learning_rat' in [train]; did you mean 'learning_rate'?",
        ),
        ('title = "A 2-1 neuron"\n', "", "missing title"),
        ('title = "A 2-1 neuron"', "title = 3", "title: must be a non-empty string, got 3"),
    ],
)
def test_unknown_and_missing_keys(tmp_path, old, new, expected):
    assert expected in refused(tmp_path, replaced(old, new))


def test_missing_sections(tmp_path):
    no_forward = GOOD[: GOOD.index("[forward]")] + GOOD[GOOD.index("[printed]") :]
    assert "missing section [forward] (named steps) or [network]" in refused(tmp_path, no_forward)
    no_steps = GOOD[: GOOD.index("[forward]") + 10] + GOOD[GOOD.index("[printed]") :]
    assert "line 12, [forward]: no steps" in refused(tmp_path, no_steps)
    no_printed = GOOD[: GOOD.index("[printed]")]
    assert "missing section [printed]" in refused(tmp_path, no_printed)
    with pytest.raises(ExampleFileError, match=r"\[values\]: must be a section"):
        load({"title": "t", "values": 3, "forward": {}, "printed": {"a": "1"}})


# --- [values] and names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "x1 = 0.6",
            'x1 = "0.6"',
            "line 5, [values] x1: must be a number (without quotes), got '0.6'",
        ),
        ("x1 = 0.6", "x1 = true", "must be a number (without quotes), got True"),
        ("x1 = 0.6", "x1 = inf", "x1: must be a finite number, got inf"),
        ("x1 = 0.6", "__class__ = 0.6", "'__class__' is not a usable name"),
        ("x1 = 0.6", "exp = 0.6", "'exp' is the name of a function"),
        ("x1 = 0.6", "lambda = 0.6", "'lambda' is a Python keyword"),
        ("x1 = 0.6", "x" * 101 + " = 0.6", "is longer than 100 characters, the limit for a name"),
        (
            'h = "sigmoid(z)"',
            'x2 = "sigmoid(z)"',
            "line 14, [forward] x2: 'x2' is already a leaf or step ([values], line 6)",
        ),
        (
            'h = "sigmoid(z)"',
            'sum = "sigmoid(z)"',
            "[forward] sum: 'sum' is the name of a function",
        ),
    ],
)
def test_bad_leaves_and_step_names(tmp_path, old, new, expected):
    assert expected in refused(tmp_path, replaced(old, new))


# --- expressions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("z.real", "attribute access (a.b) is not allowed"),
        ("z[0]", "subscripts (a[i]) are not allowed"),
        (
            "(lambda: 1)()",
            "only the functions exp, log, tanh, sigmoid, relu, sum, logsumexp can be called",
        ),
        ("sum(q for q in (z, z))", "comprehensions are not allowed"),
        ("sum([z, z])", "lists are not allowed"),
        ("sum(*z)", "starred arguments (*a) are not allowed"),
        ("logsumexp(z, key=z)", "logsumexp(...) takes no keyword arguments"),
        ("sin(z)", "'sin'(...) is not a known function"),
        ("sigmoyd(z)", "(did you mean 'sigmoid'?)"),
        ("z(1)", "'z'(...) is a leaf or a step, not a function"),
        ("exp(z, z)", "exp takes 1 argument, got 2"),
        ("sum()", "sum() needs at least one argument"),
        ("exp", "exp is a function: call it, exp(...)"),
        ("w3*x1", "unknown name 'w3' (did you mean 'w"),
        ("E + 1", "uses 'E' before it is defined: steps are computed in file order"),
        ("z if z else 0", "conditional expressions"),
        ("z < 1", "comparisons are not allowed"),
        ("z // 2", "// (floor division) is not an operation of the table; use /"),
        ("z % 2", "% (remainder)"),
        ("z ^ 2", "^ is not allowed; for a power write **"),
        ("not z", "not is not allowed"),
        ("'z'", "'z' is not allowed; only numbers and names are"),
        ("True", "True is not allowed"),
        ("1j", "a complex number is not allowed"),
        ("z = 1", "not an expression"),
        ("", "the expression is empty"),
        ("(z := 1)", "assignment expressions"),
        ("f'{z}'", "strings are not allowed"),
    ],
)
def test_refused_expressions_say_why(tmp_path, expression, expected):
    quoted = expression.replace("\\", "\\\\").replace('"', '\\"')
    text = replaced('h = "sigmoid(z)"', f'h = "{quoted}"')
    message = refused(tmp_path, text)
    assert "line 14, [forward] h = " in message
    assert expected in message


def test_a_non_string_expression_is_refused(tmp_path):
    assert "an expression is a string (in quotes), got float 0.5" in refused(
        tmp_path, replaced('h = "sigmoid(z)"', "h = 0.5")
    )


HOSTILE = [
    "__import__('os').system('touch PWNED')",
    "().__class__.__bases__[0].__subclasses__()",
    "z.__class__.__mro__",
    "__builtins__",
    "open('PWNED', 'w')",
    "eval('1')",
    "exec('import os')",
    "globals()",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(lambda f: f(f))(lambda f: f(f))",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_expressions_are_refused_and_never_run(tmp_path, monkeypatch, expression):
    def forbidden(*args, **kwargs):
        raise AssertionError("the checker called eval or exec")

    real_compile = builtins.compile

    def tree_only(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "the checker compiled code (not just a syntax tree)"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", tree_only)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExampleFileError, match=r"\[forward\] h = "):
        load(
            {
                "title": "t",
                "values": {"z": 1.0},
                "forward": {"h": expression},
                "printed": {"h": "1"},
            }
        )
    assert not (tmp_path / "PWNED").exists()


def test_a_power_tower_is_kept_as_records_of_floats_not_computed():
    expression = parse("9**9**9", ())
    assert expression == Binary("**", Number(9.0), Binary("**", Number(9.0), Number(9.0)))
    with pytest.raises(OverflowError):
        9.0**9.0**9.0  # the engine's float power overflows at once: nothing is folded here


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1" * 310, "is too large for a float"),
        ("1e400", "is too large for a float"),
        ("1" * 5000, "a number of 5,000 digits is too large for a float"),
    ],
)
def test_numbers_too_large_for_a_float_are_refused(expression, expected):
    with pytest.raises(ExampleFileError, match=expected):
        load({"title": "t", "forward": {"h": expression}, "printed": {"h": "1"}})


def expression_message(expression: str) -> str:
    with pytest.raises(ExampleFileError) as caught:
        load(
            {
                "title": "t",
                "values": {"x": 1.0},
                "forward": {"h": expression},
                "printed": {"h": "1"},
            }
        )
    return str(caught.value)


def test_the_expression_limits_are_named_in_their_messages():
    huge = "x+" * 5_000_000 + "x"  # 10 MB
    assert "is 10,000,001 characters long; the limit is 10,000" in expression_message(huge)
    parentheses = "(" * 100_000 + "x" + ")" * 100_000
    assert "the limit is 10,000" in expression_message(parentheses)
    deep = "(" * 101 + "x" + ")" * 101
    assert "brackets are nested more than 100 deep" in expression_message(deep)
    assert parse("(" * 100 + "x" + ")" * 100, {"x"}) == Name("x")
    chain = "+".join(["x"] * 1_002)
    assert "operations are nested more than 1,000 deep" in expression_message(chain)
    unary = "-" * 1_001 + "x"
    assert "nested more than 1,000 deep" in expression_message(unary)


def test_long_sums_within_the_limits_are_read():
    chain = parse("+".join(["x"] * 1_000), {"x"})
    assert operations(chain) == 1_999
    many = parse("sum(" + ", ".join(["x*x"] * 1_500) + ")", {"x"})
    assert isinstance(many, Call) and len(many.arguments) == 1_500


def test_a_large_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(GOOD + "# " + "x" * limits.MAX_FILE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(
        ExampleFileError, match=r"big.toml: the file is 1,000,\d{3} bytes; the limit is 1,000,000"
    ):
        load(path)


def test_toml_that_would_exhaust_its_reader_is_refused(tmp_path):
    long_key = write(
        tmp_path, GOOD.replace("[printed]", "[printed]\n" + "a" + ".a" * 100_000 + ' = "1"')
    )
    with pytest.raises(ExampleFileError, match=r"line 24: more than 100 dots outside numbers"):
        load(long_key)  # tomllib would need minutes and gigabytes for this one key
    deep = write(
        tmp_path, GOOD.replace("x1 = 0.6", "x1 = " + "[" * 100_000 + "]" * 100_000), "deep.toml"
    )
    with pytest.raises(ExampleFileError, match="nested too deeply for TOML's reader"):
        load(deep)
    inline = write(
        tmp_path, GOOD.replace("x1 = 0.6", "x1 = " + "{a=" * 10_000 + "1" + "}" * 10_000), "in.toml"
    )
    with pytest.raises(ExampleFileError, match="nested too deeply"):
        load(inline)
    row = ", ".join(["0.125"] * 5_000)  # thousands of numbers on one line are fine
    network = f'title = "t"\n[network]\ninputs = [{row}]\n[[network.layers]]\nweights = [[{row}]]\n'
    network += 'activation = "linear"\n[printed]\na2_1 = "0"\n'
    assert load(write(tmp_path, network, "row.toml")).values["w2_1_5000"] == 0.125
    with pytest.raises(ExampleFileError) as caught:
        load(write(tmp_path, GOOD.replace("x1 = 0.6", f"x1 = [{row}]"), "long.toml"))
    assert len(str(caught.value)) < 300  # the message quotes the value cut short


def test_a_file_that_is_not_there_or_not_text(tmp_path):
    with pytest.raises(ArgumentTypeError, match="load takes a path or a dict .*, got int"):
        load(3)
    with pytest.raises(ExampleFileError, match="no_such.toml: no such file"):
        load(tmp_path / "no_such.toml")
    with pytest.raises(ExampleFileError, match="is a folder"):
        load(tmp_path)
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("homework", "h\xe9").encode("latin-1"))
    with pytest.raises(ExampleFileError, match="not UTF-8 text"):
        load(path)


def test_the_count_limits(tmp_path):
    steps = {f"s{i}": "1" for i in range(limits.MAX_STEPS + 1)}
    with pytest.raises(ExampleFileError, match="10,001 steps; the limit is 10,000"):
        load({"title": "t", "forward": steps, "printed": {"s0": "1"}})
    printed = {f"s{i}": "1" for i in range(limits.MAX_PRINTED + 1)}
    with pytest.raises(
        ExampleFileError, match=r"\[printed\]: 1,001 quantities; the limit is 1,000"
    ):
        load({"title": "t", "forward": {"s": "1"}, "printed": printed})


# --- [train] ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('loss = "E"', 'loss = "x1"', "[train] loss: 'x1' is a leaf, not a step"),
        ('loss = "E"', 'loss = "F"', "'F' is not a step of the file"),
        ('loss = "E"\n', "", "[train]: missing loss"),
        ("learning_rate = 0.1", "learning_rate = -0.1", "must be positive, got -0.1"),
        ("learning_rate = 0.1", 'learning_rate = "0.1"', "must be a number (without quotes)"),
        (
            'parameters = ["w1", "w2", "b"]',
            'parameters = ["w1", "z"]',
            "'z' is a step; only leaves",
        ),
        (
            'parameters = ["w1", "w2", "b"]',
            'parameters = ["w1", "w3"]',
            "no leaf is named 'w3' (did you mean 'w",
        ),
        ('parameters = ["w1", "w2", "b"]', 'parameters = ["w1", "w1"]', "'w1' is listed twice"),
        ('parameters = ["w1", "w2", "b"]', "parameters = []", "must be a non-empty list of names"),
        ('parameters = ["w1", "w2", "b"]\n', "", "missing parameters = ["),
        ("steps = 3", "steps = 0", "steps: must be a whole number of at least 1, got 0"),
        ("steps = 3", "steps = 2.5", "must be a whole number of at least 1, got 2.5"),
        ("steps = 3", "steps = 1_000_001", "1,000,001 updates; the limit is 1,000,000"),
        (
            "steps = 3",
            "steps = 800_000",
            "800,000 updates of 18 operations each is 14,400,000 operations; the limit is 5,000,000",
        ),
    ],
)
def test_bad_training(tmp_path, old, new, expected):
    assert expected in refused(tmp_path, replaced(old, new))


def test_many_derivatives_of_a_large_graph_are_refused():
    steps = {"s0": "x"} | {f"s{i}": f"s{i - 1}*x + x*x + x*x" for i in range(1, 800)}
    printed = {f"ds799/ds{i}": "1" for i in range(800)}
    with pytest.raises(ExampleFileError, match=r"\[printed\]: 800 derivatives, .* 5,000,000"):
        load({"title": "t", "values": {"x": 0.5}, "forward": steps, "printed": printed})
    load({"title": "t", "values": {"x": 0.5}, "forward": steps, "printed": {"ds799/dx": "1"}})


def test_steps_default_to_the_largest_update_printed(tmp_path):
    assert load(write(tmp_path, replaced("steps = 3\n", ""))).training.steps == 3


# --- [printed] -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'h = "0.5150"',
            'q = "0.5150"',
            "line 24, [printed] q: unknown quantity: no leaf or step is named 'q'",
        ),
        ('h = "0.5150"', 'hh = "0.5150"', "(did you mean 'h'?)"),
        ('"dE/dw1"', '"dx1/dw1"', "'x1' is a leaf, not a step; a derivative dA/dB is of a step"),
        ('"dE/dw1"', '"dE/dw9"', "no leaf or step is named 'w9'"),
        (
            '"w1@1"',
            '"w1@4"',
            "@4 is beyond the 3 updates of [train] steps; raise steps to at least 4",
        ),
        ('"w1@1"', '"w1 after 1"', "is not a quantity; write name, dA/dB, name@K or dA/dB@K"),
        ('h = "0.5150"', 'h = "about 0.5"', "line 24, [printed] h: 'about 0.5' is not a number"),
        ('h = "0.5150"', 'h = "nan"', "'nan' is not a number"),
        ('h = "0.5150"', 'h = "1,5"', "'1,5' is not a number"),
        ('h = "0.5150"', 'h = "1e999"', "'1e999' is beyond what a float holds"),
        (
            'h = "0.5150"',
            "h = true",
            'a printed number is a string of the article\'s digits, such as "0.5449"; got True',
        ),
        ('h = "0.5150"', 'h = "0.' + "1" * 40 + '"', "at most 40 characters"),
    ],
)
def test_bad_printed_quantities(tmp_path, old, new, expected):
    assert expected in refused(tmp_path, replaced(old, new))


def test_updates_without_training_are_refused(tmp_path):
    text = GOOD[: GOOD.index("[train]")] + GOOD[GOOD.index("[printed]") :]
    assert "[printed] w1@1: @1 means after 1 updates, and the file has no [train] section" in (
        refused(tmp_path, text)
    )


def test_a_bare_toml_number_is_read_with_a_warning(tmp_path):
    path = write(tmp_path, replaced('h = "0.5150"', "h = 0.5150"))
    with pytest.warns(ExampleFileWarning, match="trailing zeros are lost") as caught:
        computation = load(path)
    assert computation.printed[0].text == "0.515"
    assert computation.warnings == (str(caught[0].message),)
    assert "line 24, [printed] h" in computation.warnings[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(write(tmp_path, GOOD, "strings.toml"))  # strings: no warning


def test_agreement_of_a_huge_value_with_a_small_unit_is_a_mismatch():
    assert agreement("0.000001", 1e30) == "MISMATCH"
    assert agreement("1.5e-30", 1e300) == "MISMATCH"
    assert agreement("0.1234567890123456789012345678901", 0.1234) == "MISMATCH"
    assert agreement("0.1235", 0.12345678) == "rounded"
    assert agreement("1", math.nan) == agreement("1.5", math.inf) == "MISMATCH"


# --- line numbers and the record round trip ------------------------------------------------------


def test_key_lines_skip_values_that_run_over_several_lines():
    text = 'a = 1\n[t]\nm = [\n  [1],\n  [2],\n]\ns = """\n[fake]\nx = 1\n"""\nk = 2 # [no]\n[[t.l]]\nw = 1\n[[t.l]]\nw = 2\n'
    lines = key_lines(text)
    assert (
        lines["a"] == [1] and lines["t.m"] == [3] and lines["t.s"] == [7] and lines["t.k"] == [11]
    )
    assert "fake" not in lines and "t.x" not in lines
    assert lines["t.l.0.w"] == [13] and lines["t.l.1.w"] == [15]


NAMES = ("x", "w1", "b_2")
_numbers = st.floats(min_value=0, max_value=1e6).map(lambda v: Number(abs(v)))
_leaves = st.one_of(_numbers, st.sampled_from(NAMES).map(Name))


def _extend(children):
    unary = st.sampled_from(sorted(n for n, k in FUNCTIONS.items() if k == 1))
    nary = st.sampled_from(sorted(n for n, k in FUNCTIONS.items() if k is None))
    return st.one_of(
        children.map(lambda e: Unary("-", e)),
        st.tuples(st.sampled_from(["+", "-", "*", "/", "**"]), children, children).map(
            lambda t: Binary(*t)
        ),
        st.tuples(unary, children).map(lambda t: Call(t[0], (t[1],))),
        st.tuples(nary, st.lists(children, min_size=1, max_size=4)).map(
            lambda t: Call(t[0], tuple(t[1]))
        ),
    )


def written(expression) -> str:
    """The records written back as text, every operation in brackets (iteratively)."""
    out: list[str] = []
    stack: list[object] = [expression]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Number):
            out.append(repr(item.value))
        elif isinstance(item, Name):
            out.append(item.name)
        elif isinstance(item, Unary):
            stack += [")", item.operand, "(-"]
        elif isinstance(item, Binary):
            stack += [")", item.right, f" {item.op} ", item.left, "("]
        else:
            parts: list[object] = [f"{item.function}("]
            for i, argument in enumerate(item.arguments):
                parts += [", "] * (i > 0) + [argument]
            stack += [*reversed(parts + [")"])]
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.recursive(_leaves, _extend, max_leaves=25))
def test_any_allowed_expression_reads_back_to_the_same_records(expression):
    assert parse(written(expression), NAMES) == expression


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_is_read_or_refused_with_a_package_error(text):
    try:
        expression = parse(text, NAMES)
    except Exception as exc:  # noqa: BLE001 - the assertion below is the point
        from nn.examples.checker.expressions import ExpressionError

        assert isinstance(exc, ExpressionError), repr(exc)
    else:
        assert operations(expression) >= 1


def test_parse_errors_in_load_are_package_errors():
    assert issubclass(ExampleFileError, ArgumentError) and issubclass(ExampleFileError, ValueError)
    assert math.isfinite(parse("1e308", ()).value)


@st.composite
def files_with_noise(draw):
    """A small file with comments, blank lines and steps over several lines between its keys."""
    noise = st.sampled_from(["", "# a comment [not.a.header]", "  # x = 1"])
    lines = ['title = "t"', "[values]"]
    expected: dict[str, int] = {}
    names = draw(
        st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=4, unique=True)
    )
    for name in names:
        lines += [draw(noise)] * draw(st.integers(0, 2))
        lines.append(f"{name} = 1.5")
    lines.append("[forward]")
    for i, name in enumerate(names):
        lines += [draw(noise)] * draw(st.integers(0, 2))
        if draw(st.booleans()):
            lines.append(f's{i} = """({name}')
            expected[f"s{i}"] = len(lines)
            lines += ["# [not_a_header]", '  * 2)"""']
        else:
            lines.append(f's{i} = "{name} * 2"   # step {i}')
            expected[f"s{i}"] = len(lines)
    lines += ["[printed]", 's0 = "3"']
    return "\n".join(lines) + "\n", expected, len(lines)


@settings(max_examples=60, deadline=None)
@given(files_with_noise())
def test_every_step_and_printed_number_knows_its_line(tmp_path_factory, case):
    text, expected, printed_line = case
    path = tmp_path_factory.mktemp("lines") / "f.toml"
    path.write_text(text, encoding="utf-8")
    computation = load(path)
    assert {step.name: step.line for step in computation.steps} == expected
    assert computation.printed[0].line == printed_line
