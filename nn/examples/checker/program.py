"""A step's expression as a flat list of instructions, run into ``Value``s through the table.

An expression tree is flattened once, iteratively, into postfix order; running it is a
loop over that list with a stack (no recursion, and no tree walk per training update).
Every operation goes through ``Value``'s operators or ``autograd_lite``'s public
functions, so every number and every local derivative comes from the operation table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from autograd_lite import ArgumentError, Value, logsumexp, vsum

from .computation import Binary, Call, Expr, Name, Number, Unary

Operand = Value | float
"""A node of the graph, or a plain number: ``0.5 * x`` stays one node with a constant."""

BINARY: dict[str, Callable[[Operand, Operand], Operand]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The calls whose local derivative is an activation's: the models of mistakes treat them apart."""

UNARY_CALLS = ("exp", "log", *ACTIVATIONS)
NARY_CALLS: dict[str, Callable[[list[Operand]], Value]] = {"sum": vsum, "logsumexp": logsumexp}


@dataclass(frozen=True, slots=True)
class Instruction:
    kind: str
    """``number``, ``name``, ``neg``, ``binary`` or ``call``."""
    argument: str | float = ""
    """The number, the name, the binary operator or the function."""
    count: int = 0
    """Operands a call takes from the stack."""


Program = tuple[Instruction, ...]


def compile_expression(expression: Expr) -> Program:
    """The expression in postfix order: operands before the operation that uses them."""
    out: list[Instruction] = []
    stack: list[Expr | Instruction] = [expression]
    while stack:
        item = stack.pop()
        if isinstance(item, Instruction):
            out.append(item)
        elif isinstance(item, Number):
            out.append(Instruction("number", float(item.value)))
        elif isinstance(item, Name):
            out.append(Instruction("name", item.name))
        elif isinstance(item, Unary):
            if item.op != "-":
                raise ArgumentError(f"unknown unary operator {item.op!r}")
            stack += (Instruction("neg"), item.operand)
        elif isinstance(item, Binary):
            if item.op not in BINARY:
                raise ArgumentError(f"unknown operator {item.op!r}")
            stack += (Instruction("binary", item.op), item.right, item.left)
        elif isinstance(item, Call):
            _check_call(item)
            stack.append(Instruction("call", item.function, len(item.arguments)))
            stack += reversed(item.arguments)
        else:
            raise ArgumentError(f"not an expression node: {item!r}")
    return tuple(out)


def _check_call(call: Call) -> None:
    if call.function in UNARY_CALLS:
        if len(call.arguments) != 1:
            raise ArgumentError(f"{call.function}() takes one argument, got {len(call.arguments)}")
    elif call.function in NARY_CALLS:
        if not call.arguments:
            raise ArgumentError(f"{call.function}() needs at least one argument")
    else:
        raise ArgumentError(f"unknown function {call.function!r}")


def names_used(program: Program) -> tuple[str, ...]:
    """The names the expression reads, each once, in order of first use."""
    return tuple(dict.fromkeys(i.argument for i in program if i.kind == "name"))  # type: ignore[misc]


def run(program: Program, env: Mapping[str, Value]) -> Value:
    """The expression's Value, built from the Values of ``env`` (a fresh node, never one of them)."""
    stack: list[Operand] = []
    for instruction in program:
        kind = instruction.kind
        if kind == "name":
            stack.append(env[instruction.argument])  # type: ignore[index]
        elif kind == "number":
            stack.append(instruction.argument)  # type: ignore[arg-type]
        elif kind == "binary":
            right = stack.pop()
            left = stack.pop()
            if not isinstance(left, Value) and not isinstance(right, Value):
                left = Value(left)  # two numbers: computed by the engine, for its errors
            stack.append(BINARY[instruction.argument](left, right))  # type: ignore[index]
        elif kind == "neg":
            operand = stack.pop()
            stack.append(-(operand if isinstance(operand, Value) else Value(operand)))
        else:
            count = instruction.count
            operands = stack[len(stack) - count :]
            del stack[len(stack) - count :]
            function = instruction.argument
            if function in NARY_CALLS:
                stack.append(NARY_CALLS[function](operands))  # type: ignore[index]
            else:
                (operand,) = operands
                value = operand if isinstance(operand, Value) else Value(operand)
                stack.append(getattr(value, function)())  # type: ignore[arg-type]
    (result,) = stack
    if not isinstance(result, Value):
        return Value(result)
    if any(result is v for v in env.values()):
        return vsum([result])  # a step that only names another still gets a node of its own
    return result
