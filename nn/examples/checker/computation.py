"""A checked file, parsed: the records the evaluator and the mistake models read.

The file's text is parsed once (``file_format.py``, ``expressions.py``, ``network.py``)
into these frozen records; nothing downstream sees TOML or Python syntax. An expression
is a small tree of the five node kinds below, never Python code: the only names in it are
the file's own leaves and steps, the only functions those of the operation table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --- expressions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Number:
    value: float


@dataclass(frozen=True, slots=True)
class Name:
    name: str


@dataclass(frozen=True, slots=True)
class Unary:
    op: str
    """Only ``"-"``."""
    operand: Expr


@dataclass(frozen=True, slots=True)
class Binary:
    op: str
    """One of ``+ - * / **``."""
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True)
class Call:
    function: str
    """A function of the operation table: ``exp log tanh sigmoid relu sum logsumexp``."""
    arguments: tuple[Expr, ...]


Expr = Number | Name | Unary | Binary | Call


# --- the file ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Step:
    """One named forward step, ``name = "expression"``."""

    name: str
    expression: Expr
    text: str
    """The expression as the file wrote it, for messages and tables."""
    line: int
    """Where the file defines it (1-based), for messages; 0 when generated (``[network]``)."""
    layer: int = 0
    """For ``[network]`` files: the layer the step belongs to (1 = first hidden), else 0."""


@dataclass(frozen=True, slots=True)
class Training:
    """``[train]``: plain gradient descent, ``p -= learning_rate * dloss/dp``."""

    loss: str
    learning_rate: float
    parameters: tuple[str, ...]
    steps: int


@dataclass(frozen=True, slots=True)
class Printed:
    """One entry of ``[printed]``: a quantity and the digits the article printed for it."""

    key: str
    """As the file wrote it: ``h1``, ``dE/dw1``, ``w1@1``, ``dE/dw1@3``."""
    of: str
    """``A``: the leaf or step whose value (or derivative) is printed."""
    wrt: str | None
    """``B`` of ``dA/dB``; ``None`` for a value."""
    after: int
    """``K`` of ``@K``: updates run before it is computed; 0 at the start."""
    text: str
    """The printed digits, as a string (a bare TOML float is turned into one, with a warning)."""
    line: int


@dataclass(frozen=True, slots=True)
class Computation:
    """A whole file: its leaves, its steps in order, its training and its printed numbers."""

    title: str
    source: str
    values: dict[str, float]
    """The leaves, in file order, as given."""
    steps: tuple[Step, ...]
    """In file order; each refers only to leaves and earlier steps."""
    printed: tuple[Printed, ...]
    training: Training | None = None
    path: str | None = None
    """The file it came from, for messages; ``None`` for a dict."""
    batch_size: int = 1
    """Examples the loss averages or sums over (``[network]`` with several input rows)."""
    outputs: int = 1
    """Output units the loss averages or sums over."""
    warnings: tuple[str, ...] = field(default=())
    """Things the parser accepted but the reader should know (a bare TOML float)."""
