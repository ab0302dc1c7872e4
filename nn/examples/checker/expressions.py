"""A step's expression text, read with ``ast`` into the checker's records, never run.

The text is parsed by ``ast.parse(mode="eval")`` and the tree is copied node by node into
``Number Name Unary Binary Call`` records; any other kind of node is refused, with the
reason. Nothing is evaluated here, not even ``9**9**9`` (no constant is folded), and no text
ever reaches ``eval`` or ``exec``. Numbers become floats, so an enormous power overflows at
once in the engine instead of being computed as an exact integer.

Its limits (``limits.py``) are checked on the text before ``ast.parse`` sees it: the length,
the bracket depth, and how deep operations nest.
"""

from __future__ import annotations

import ast
import difflib
import keyword
import math
import re
from collections.abc import Collection

from autograd_lite import OPS, ExampleFileError

from .computation import Binary, Call, Expr, Name, Number, Unary
from .limits import MAX_BRACKET_DEPTH, MAX_DEPTH, MAX_EXPRESSION_CHARS, MAX_NAME_CHARS

FUNCTIONS: dict[str, int | None] = {
    "exp": 1,
    "log": 1,
    "tanh": 1,
    "sigmoid": 1,
    "relu": 1,
    "sum": None,
    "logsumexp": None,
}
"""The operation table's functions an expression may call, and how many arguments each takes
(``None``: one or more)."""

assert all(name in OPS for name in FUNCTIONS), "every callable function is a row of the table"

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""A leaf's or a step's name: a letter, then letters, digits and ``_`` (no leading ``_``, so
no dunder name ever appears)."""

_LONG_NUMBER = re.compile(r"[0-9_]{400,}")
"""A run of digits no float can hold (and Python refuses to read past 4,300)."""

BINARY_OPERATORS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
}

REFUSED_OPERATORS: dict[type[ast.operator], str] = {
    ast.FloorDiv: "// (floor division) is not an operation of the table; use /",
    ast.Mod: "% (remainder) is not an operation of the table",
    ast.MatMult: "@ (matrix product) is not allowed; write the sums out",
    ast.BitAnd: "& is not allowed",
    ast.BitOr: "| is not allowed",
    ast.BitXor: "^ is not allowed; for a power write **",
    ast.LShift: "<< is not allowed",
    ast.RShift: ">> is not allowed",
}

REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (a.b) is not allowed",
    ast.Subscript: "subscripts (a[i]) are not allowed; give each number its own name",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.Starred: "starred arguments (*a) are not allowed",
    ast.Compare: "comparisons are not allowed",
    ast.BoolOp: "and/or are not allowed",
    ast.IfExp: "conditional expressions (a if c else b) are not allowed",
    ast.NamedExpr: "assignment expressions (:=) are not allowed",
    ast.Tuple: "tuples are not allowed (a comma outside a function call?)",
    ast.List: "lists are not allowed",
    ast.Set: "sets are not allowed",
    ast.Dict: "dicts are not allowed",
    ast.JoinedStr: "strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
    ast.YieldFrom: "yield is not allowed",
    ast.Slice: "slices are not allowed",
}


class ExpressionError(ExampleFileError):
    """Why an expression is refused, without the file: ``load`` re-raises it as an
    ``ExampleFileError`` that adds the file, the line and the key."""


def did_you_mean(name: str, candidates: Collection[str]) -> str:
    """`` (did you mean 'w1'?)`` for the closest candidate, or nothing (short names too)."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else ""


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a leaf or a step, or ``None`` if it can."""
    if len(name) > MAX_NAME_CHARS:
        return f"{_excerpt(name)} is longer than {MAX_NAME_CHARS} characters, the limit for a name"
    if not NAME_PATTERN.fullmatch(name):
        return (
            f"{_excerpt(name)} is not a usable name: a name is a letter followed by letters, digits "
            "and _ (no spaces, no leading _)"
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return f"{name!r} is a Python keyword, so expressions could not use it; rename it"
    if name in FUNCTIONS:
        return f"{name!r} is the name of a function ({', '.join(FUNCTIONS)}); rename it"
    return None


def check_text(text: str) -> None:
    """The limits, found by scanning the text: ``ast.parse`` itself is never given too much."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"the expression is {len(text):,} characters long; the limit is "
            f"{MAX_EXPRESSION_CHARS:,} (split it into several steps)"
        )
    if (digits := _LONG_NUMBER.search(text)) is not None:
        raise ExpressionError(
            f"a number of {len(digits[0]):,} digits is too large for a float (a float holds "
            "about 17 significant digits, up to 1.8e308)"
        )
    brackets = deepest = 0
    chain = [0]  # operators of the current unbracketed chain, per bracket level
    depth_above = [0]  # how deep the enclosing levels already are
    i = 0
    while i < len(text):
        char = text[i]
        if char in "([{":
            brackets += 1
            if brackets > MAX_BRACKET_DEPTH:
                raise ExpressionError(
                    f"brackets are nested more than {MAX_BRACKET_DEPTH} deep (the limit); "
                    "split the expression into several steps"
                )
            depth_above.append(depth_above[-1] + chain[-1] + 2)
            chain.append(0)
        elif char in ")]}":
            if brackets:
                brackets -= 1
                chain.pop()
                depth_above.pop()
        elif char == ",":
            chain[-1] = 0
        elif char in "+-*/":
            if text.startswith("**", i):
                i += 1
            chain[-1] += 1
            deepest = max(deepest, depth_above[-1] + chain[-1])
            if deepest > MAX_DEPTH:
                raise ExpressionError(
                    f"operations are nested more than {MAX_DEPTH:,} deep (the limit; each "
                    "operator of a chain a + b + c counts one level): write a long sum as "
                    "sum(a, b, c, ...) or split it into several steps"
                )
        i += 1


def parse(text: str, defined: Collection[str], later: Collection[str] = ()) -> Expr:
    """The records of expression ``text``, whose names must all be in ``defined``.

    ``later`` holds the names defined further down the file, for a clearer message.
    """
    if not isinstance(text, str):
        raise ExpressionError(
            f"an expression is a string (in quotes), got {type(text).__name__} {_excerpt(repr(text))[1:-1]}"
        )
    if not text.strip():
        raise ExpressionError("the expression is empty")
    check_text(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not an expression: {exc.msg} in {_excerpt(text)}") from None
    except (ValueError, RecursionError, MemoryError) as exc:  # an integer of 5,000 digits, ...
        raise ExpressionError(f"cannot be read: {exc or type(exc).__name__}") from None
    return _records(tree.body, defined, later)


def _records(root: ast.expr, defined: Collection[str], later: Collection[str]) -> Expr:
    """Copy the tree into records, children first, with an explicit stack (no recursion)."""
    done: dict[int, Expr] = {}
    stack: list[tuple[ast.expr, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = _children(node, defined, later)
        if not children_done and children:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(children))
            continue
        done[id(node)] = _record(node, [done.pop(id(child)) for child in children])
    return done[id(root)]


def _children(node: ast.expr, defined: Collection[str], later: Collection[str]) -> list[ast.expr]:
    """The operands of an allowed node; a refused node raises here, before its children."""
    if isinstance(node, ast.Constant):
        _number(node)
        return []
    if isinstance(node, ast.Name):
        _check_name(node.id, defined, later)
        return []
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            word = "not" if isinstance(node.op, ast.Not) else "~"
            raise ExpressionError(f"{word} is not allowed; only - and + go before a number")
        return [node.operand]
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY_OPERATORS:
            raise ExpressionError(REFUSED_OPERATORS.get(type(node.op), "operator not allowed"))
        return [node.left, node.right]
    if isinstance(node, ast.Call):
        return _call_arguments(node, defined)
    reason = REFUSED_NODES.get(type(node), f"{type(node).__name__} is not allowed")
    raise ExpressionError(f"{reason}, in {_excerpt(ast.unparse(node))}")


def _record(node: ast.expr, operands: list[Expr]) -> Expr:
    if isinstance(node, ast.Constant):
        return Number(_number(node))
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.UnaryOp):
        return operands[0] if isinstance(node.op, ast.UAdd) else Unary("-", operands[0])
    if isinstance(node, ast.BinOp):
        return Binary(BINARY_OPERATORS[type(node.op)], operands[0], operands[1])
    assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    return Call(node.func.id, tuple(operands))


def _number(node: ast.Constant) -> float:
    value = node.value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        what = "a complex number" if isinstance(value, complex) else repr(value)
        raise ExpressionError(f"{what} is not allowed; only numbers and names are")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ExpressionError(f"the number {_excerpt(str(value))} is too large for a float")
    return number


def _check_name(name: str, defined: Collection[str], later: Collection[str]) -> None:
    if name in defined:
        return
    if name in FUNCTIONS:
        raise ExpressionError(f"{name} is a function: call it, {name}(...)")
    if name in later:
        raise ExpressionError(
            f"uses {name!r} before it is defined: steps are computed in file order, so define "
            f"{name} above this step"
        )
    hint = did_you_mean(name, defined)
    raise ExpressionError(
        f"unknown name {_excerpt(name)}{hint}: an expression uses the leaves of [values] and "
        "the steps above it"
    )


def _call_arguments(node: ast.Call, defined: Collection[str]) -> list[ast.expr]:
    function = node.func
    if not isinstance(function, ast.Name):
        raise ExpressionError(
            f"only the functions {', '.join(FUNCTIONS)} can be called, by name; got "
            f"{_excerpt(ast.unparse(function))}(...)"
        )
    name = function.id
    if name not in FUNCTIONS:
        hint = did_you_mean(name, FUNCTIONS)
        what = "a leaf or a step, not a function" if name in defined else "not a known function"
        raise ExpressionError(
            f"{_excerpt(name)}(...) is {what}{hint}; the functions are {', '.join(FUNCTIONS)}"
        )
    if node.keywords:
        raise ExpressionError(f"{name}(...) takes no keyword arguments (name=value)")
    count = FUNCTIONS[name]
    if count is not None and len(node.args) != count:
        raise ExpressionError(f"{name} takes {count} argument, got {len(node.args)}")
    if not node.args:
        raise ExpressionError(f"{name}() needs at least one argument")
    return list(node.args)


def _excerpt(text: str, limit: int = 60) -> str:
    """``text`` quoted, cut short: a message never repeats a 10 MB expression."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def operations(expression: Expr) -> int:
    """How many records the expression holds (its size, for the limits), counted without recursion."""
    count = 0
    stack = [expression]
    while stack:
        node = stack.pop()
        count += 1
        if isinstance(node, Unary):
            stack.append(node.operand)
        elif isinstance(node, Binary):
            stack += (node.left, node.right)
        elif isinstance(node, Call):
            stack.extend(node.arguments)
    return count
