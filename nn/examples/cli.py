"""``autograd-lite examples`` and ``autograd-lite example NAME``, added to the engine's CLI.

Registered through the ``autograd_lite.commands`` entry point, so ``autograd_lite``
never imports ``nn``. Importing this module imports ``nn.examples``, whose first act is
to check that ``nn`` is this project's (a stray ``nn.py`` would otherwise fail later, as
an ``AttributeError``); the engine's CLI prints that check's message.

Option values are checked by argparse before anything runs (``--digits 0``, ``--epochs -1``,
an unknown example: exit status 2), and the ``--svg`` and ``--html`` paths before the
example is computed (exit status 1), so a long run never ends in "cannot write".

The progress bar of an example that trains (``brownlee-seeds``, 500 epochs with
``--epochs 500``) goes to stderr, and only when stderr is a terminal: stdout carries the
table alone, byte for byte the same with or without the bar, and a pipe or a log file
never receives one.
"""

from __future__ import annotations

import argparse
import difflib
import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from tqdm import tqdm

from autograd_lite import (
    DotNotFoundError,
    GraphTooLargeError,
    compile_graph,
    practice,
    save_html,
    save_svg,
    topological_order,
)
from autograd_lite.cli import check_outputs, positive_int, significant_digits
from autograd_lite.staleness import recomputed

from . import CATALOGUE, ExampleResult, module


def example_name(text: str) -> str:
    """``NAME``: one of the catalogue's names, or a message listing them."""
    if text in CATALOGUE:
        return text
    close = difflib.get_close_matches(text, CATALOGUE, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    raise argparse.ArgumentTypeError(
        f"no example named {text!r}; {hint}the examples are: {', '.join(CATALOGUE)}"
    )


def list_examples(args: argparse.Namespace) -> int:
    width = max(map(len, CATALOGUE))
    for name in CATALOGUE:
        print(f"{name:<{width}}  {module(name).TITLE}")
    return 0


@contextmanager
def progress(example: ModuleType, epochs: int) -> Iterator[dict[str, object]]:
    """Options that give ``example.run`` a bar on stderr, one tick per epoch of each fold.

    An example whose ``run`` takes ``on_epoch`` (brownlee-seeds) gets the bar's tick; others
    run without one. ``disable=None``: tqdm shows the bar only when stderr is a terminal,
    and ``leave=False`` erases it once the run is over, so the printed table is unchanged.
    """
    if "on_epoch" not in inspect.signature(example.run).parameters:
        yield {}
        return
    total = epochs * getattr(example, "N_FOLDS", 1)
    bar = tqdm(
        total=total, desc="training", unit="epoch", file=sys.stderr, disable=None, leave=False
    )
    try:
        yield {"on_epoch": bar.update}
    finally:
        bar.close()


def show_example(args: argparse.Namespace) -> int:
    example = module(args.name)
    parameters = inspect.signature(example.run).parameters
    options = {}
    if args.epochs is not None:
        if "epochs" not in parameters:
            print(f"autograd-lite: {args.name} has no --epochs option", file=sys.stderr)
            return 2
        options["epochs"] = args.epochs
    if args.practice and args.html is None:
        print("autograd-lite: --practice needs --html FILE (the page it writes)", file=sys.stderr)
        return 2
    if check_outputs(("--svg", args.svg), ("--html", args.html)):
        return 1
    if "epochs" in parameters:
        with progress(example, options.get("epochs", parameters["epochs"].default)) as ticks:
            result = example.run(**options, **ticks)
    else:
        result = example.run(**options)
    print(result.table(args.digits))
    if args.program:
        return print_program(result)
    if result.trace is not None and not args.table_only:
        print()
        print(result.trace.to_text(args.digits))
    if args.svg is not None:
        if result.trace is None:
            print(f"autograd-lite: {args.name} has no graph to draw", file=sys.stderr)
            return 1
        try:
            path = save_svg(result.trace, args.svg)
        except (DotNotFoundError, GraphTooLargeError, OSError) as exc:
            print(f"autograd-lite: cannot write {args.svg}: {exc}", file=sys.stderr)
            return 1
        print(f"\nGraph written to {path.resolve()}")
    if args.html is not None:
        return write_page(result, args.html, practice=args.practice)
    return 0


def print_program(result: ExampleResult) -> int:
    """The example's graph as the program ``compile_graph`` makes of it, every leaf an input.

    An example that trained on after its trace leaves the graph stale: its program is
    printed without the numbers of the comments, which no longer add up.
    """
    if result.root is None:
        print(f"autograd-lite: {result.name} has no graph to compile", file=sys.stderr)
        return 1
    order = topological_order(result.root)
    leaves = [v for v in order if not v.parents]
    fresh = all(recomputed(v) == v.data for v in order if v.parents)
    program = compile_graph(result.root, leaves, comments=fresh)
    print()
    print("The backward pass is this program (autograd_lite.compile_graph, every leaf an input;")
    print("one line per forward step, then one per chain-rule product, in backward()'s order):")
    print()
    print(program.source.split("\n\n\ndef forward(")[0])
    return 0


def write_page(result: ExampleResult, path: Path, *, practice: bool = False) -> int:
    """The example's step-through page, and how to open it.

    Drawn from the trace, the snapshot the example took: an example that trains on
    after tracing leaves ``result.root``'s graph stale.
    """
    if result.trace is None:
        print(f"autograd-lite: {result.name} has no graph to step through", file=sys.stderr)
        return 1
    try:
        written = save_html(result.trace, path, title=result.title, practice=practice)
        written = written.resolve()
    except (DotNotFoundError, GraphTooLargeError, OSError) as exc:
        print(f"autograd-lite: cannot write {path}: {exc}", file=sys.stderr)
        return 1
    print(f"\nStep-through page written to {written}\nOpen it in a browser: {written.as_uri()}")
    return 0


def answer_digits(text: str) -> int:
    """``--significant``: 1 to 15 digits an answer must agree to."""
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 15:
        raise argparse.ArgumentTypeError(f"significant digits must be from 1 to 15, got {text}")
    return value


def practise_example(args: argparse.Namespace) -> int:
    """``autograd-lite practice NAME``: the example's steps asked in the terminal."""
    result = module(args.name).run()
    if result.trace is None:
        print(f"autograd-lite: {args.name} has no graph to practise on", file=sys.stderr)
        return 1
    print(result.title)
    practice(result.trace, significant=args.significant)
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``examples`` and ``example`` to the ``autograd-lite`` parser."""
    listing = commands.add_parser(
        "examples",
        help="list the seed articles' worked examples",
        description="List the worked examples, one name and title a line, in catalogue order.",
    )
    listing.set_defaults(run=list_examples)

    one = commands.add_parser(
        "example",
        help="reproduce one worked example, the article's numbers beside the engine's",
        description="Print the printed-versus-computed table, then the forward and backward steps.",
    )
    one.add_argument(
        "name",
        type=example_name,
        metavar="NAME",
        help=f"an example's name: {', '.join(CATALOGUE)}",
    )
    one.add_argument("--svg", metavar="FILE", type=Path, help="also write the graph as SVG")
    one.add_argument(
        "--html", metavar="FILE", type=Path, help="also write a page that steps through the graph"
    )
    one.add_argument(
        "--practice",
        action="store_true",
        help="with --html: a practice page, which asks for each number before it shows it",
    )
    one.add_argument(
        "--digits",
        type=significant_digits,
        default=12,
        help="significant digits of the engine's values, 1 to 17 (default: 12)",
    )
    one.add_argument(
        "--table-only", action="store_true", help="print the table without the step-through"
    )
    one.add_argument(
        "--program",
        action="store_true",
        help="print the table, then the example's graph compiled to Python (compile_graph)",
    )
    one.add_argument(
        "--epochs",
        type=positive_int("epochs"),
        metavar="N",
        help="for examples that train (brownlee-seeds): epochs to run instead of the quick default",
    )
    one.set_defaults(run=show_example)

    drill = commands.add_parser(
        "practice",
        help="practise one worked example: type each step's number before it is shown",
        description=(
            "Ask every forward value, local derivative and product of the example's trace; "
            "a wrong answer gets a hint (the derivative's formula and its numbers)."
        ),
    )
    drill.add_argument("name", type=example_name, metavar="NAME", help="an example's name")
    drill.add_argument(
        "--significant",
        type=answer_digits,
        default=3,
        metavar="N",
        help="significant digits an answer must agree to (default: 3)",
    )
    drill.set_defaults(run=practise_example)
