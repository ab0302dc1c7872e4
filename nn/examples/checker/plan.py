"""A computation compiled once: each step's program, the names it uses, who depends on whom.

The evaluator and every re-run of a mistake read this instead of the expression trees.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from autograd_lite import ArgumentError, ExampleFileError

from .chain_rule import FactorCache
from .computation import Computation, Printed
from .program import Program, compile_expression, names_used


@dataclass(frozen=True)
class Query:
    """A quantity to compute: the value of ``of``, or d ``of`` / d ``wrt``, after ``after`` updates."""

    of: str
    wrt: str | None = None
    after: int = 0

    @classmethod
    def of_printed(cls, printed: Printed) -> Query:
        return cls(printed.of, printed.wrt, printed.after)


@dataclass(frozen=True)
class Plan:
    computation: Computation
    programs: dict[str, Program]
    uses: dict[str, tuple[str, ...]]
    """Step -> the leaves and steps its expression names directly."""
    leaves: tuple[str, ...]
    steps: tuple[str, ...]
    position: dict[str, int]
    """Leaves then steps, in file order: a name's place in dependency order."""
    below: dict[str, frozenset[str]]
    """Name -> every name it depends on, itself included."""
    factors: FactorCache = field(default_factory=FactorCache, compare=False, repr=False)
    """The steps the re-runs of the mistakes have run, shared between them."""

    @property
    def training(self):
        return self.computation.training

    def root(self) -> str | None:
        """The step a backward pass starts from: the training loss, else the last step."""
        if self.training is not None:
            return self.training.loss
        return self.steps[-1] if self.steps else None

    def depends(self, upper: str, lower: str) -> bool:
        return lower in self.below[upper]


def file_error(message: str) -> ExampleFileError:
    """The checker's error for a file whose computation fails: it names the file and the line."""
    return ExampleFileError(message)


def where(computation: Computation, line: int) -> str:
    """``file, line 3`` (or less, when the file or the line is unknown), for messages."""
    parts = [computation.path] if computation.path else []
    if line:
        parts.append(f"line {line}")
    return ", ".join(parts) or "the computation"


def compile_computation(computation: Computation) -> Plan:
    """Programs, uses and dependencies for every step; refuses a name used before it is defined."""
    leaves = tuple(computation.values)
    defined = set(leaves)
    programs: dict[str, Program] = {}
    uses: dict[str, tuple[str, ...]] = {}
    below: dict[str, frozenset[str]] = {name: frozenset((name,)) for name in leaves}
    for step in computation.steps:
        try:
            program = compile_expression(step.expression)
        except ArgumentError as exc:
            raise file_error(f"{where(computation, step.line)}: step {step.name}: {exc}") from None
        used = names_used(program)
        unknown = [name for name in used if name not in defined]
        if unknown:
            raise file_error(
                f"{where(computation, step.line)}: step {step.name} = {step.text!r} uses "
                f"{unknown[0]!r} before it is defined"
            )
        if step.name in defined:
            raise file_error(f"{where(computation, step.line)}: {step.name!r} is defined twice")
        defined.add(step.name)
        programs[step.name] = program
        uses[step.name] = used
        below[step.name] = frozenset((step.name,)).union(*(below[name] for name in used))
    steps = tuple(step.name for step in computation.steps)
    position = {name: i for i, name in enumerate(leaves + steps)}
    return Plan(computation, programs, uses, leaves, steps, position, below)
