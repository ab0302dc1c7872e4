"""``autograd-lite examples`` and ``autograd-lite example NAME``, added to the engine's CLI.

Registered through the ``autograd_lite.commands`` entry point, so ``autograd_lite``
never imports ``nn``.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from pathlib import Path

from autograd_lite import DotNotFoundError, GraphTooLargeError, save_html, save_svg

from . import CATALOGUE, ExampleResult, module, run


def list_examples(args: argparse.Namespace) -> int:
    width = max(map(len, CATALOGUE))
    for name in CATALOGUE:
        print(f"{name:<{width}}  {module(name).TITLE}")
    return 0


def show_example(args: argparse.Namespace) -> int:
    options = {}
    if args.epochs is not None:
        if "epochs" not in inspect.signature(module(args.name).run).parameters:
            print(f"autograd-lite: {args.name} has no --epochs option", file=sys.stderr)
            return 2
        options["epochs"] = args.epochs
    result = run(args.name, **options)
    print(result.table(args.digits))
    if result.trace is not None and not args.table_only:
        print()
        print(result.trace.to_text(min(args.digits, 17)))
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
        return write_page(result, args.html)
    return 0


def write_page(result: ExampleResult, path: Path) -> int:
    """The example's step-through page, and how to open it.

    Drawn from the trace, the snapshot the example took: an example that trains on
    after tracing leaves ``result.root``'s graph stale.
    """
    if result.trace is None:
        print(f"autograd-lite: {result.name} has no graph to step through", file=sys.stderr)
        return 1
    try:
        written = save_html(result.trace, path, title=result.title).resolve()
    except (DotNotFoundError, GraphTooLargeError, OSError) as exc:
        print(f"autograd-lite: cannot write {path}: {exc}", file=sys.stderr)
        return 1
    print(f"\nStep-through page written to {written}\nOpen it in a browser: {written.as_uri()}")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``examples`` and ``example`` to the ``autograd-lite`` parser."""
    listing = commands.add_parser("examples", help="list the seed articles' worked examples")
    listing.set_defaults(run=list_examples)

    one = commands.add_parser(
        "example",
        help="reproduce one worked example, the article's numbers beside the engine's",
        description="Print the printed-versus-computed table, then the forward and backward steps.",
    )
    one.add_argument("name", choices=list(CATALOGUE), metavar="NAME", help="an example's name")
    one.add_argument("--svg", metavar="FILE", type=Path, help="also write the graph as SVG")
    one.add_argument(
        "--html", metavar="FILE", type=Path, help="also write a page that steps through the graph"
    )
    one.add_argument(
        "--digits", type=int, default=12, help="significant digits of the engine's values"
    )
    one.add_argument(
        "--table-only", action="store_true", help="print the table without the step-through"
    )
    one.add_argument(
        "--epochs",
        type=int,
        metavar="N",
        help="for examples that train (brownlee-seeds): epochs to run instead of the quick default",
    )
    one.set_defaults(run=show_example)
