"""``autograd-lite check FILE.toml``: an article's printed numbers checked, from the shell.

Registered through the ``autograd_lite.commands`` entry point, like ``example``. The exit
status is made for scripts and CI (a lecturer checking slides): 0 when every printed
number agrees, 1 when any is a MISMATCH, 2 when the file or an option is bad and nothing
could be checked, or the graph asked for could not be written. Output paths are checked before the file is read; with ``--json`` stdout
carries the JSON alone (where pages were written goes to stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from importlib.resources import files
from pathlib import Path

from autograd_lite import (
    AutogradError,
    DotNotFoundError,
    ExampleFileWarning,
    GraphTooLargeError,
    save_html,
    save_svg,
)
from autograd_lite import explain as trace_of
from autograd_lite.cli import PROG, check_outputs, significant_digits

from .checker import CheckResult, check, forward_graph
from .report import SHOWN_DIGITS

AGREE, MISMATCH, BAD_FILE = 0, 1, 2


def template_text() -> str:
    """The commented starting file that ``--template`` prints (shipped as package data)."""
    return files("nn.examples.checker").joinpath("template.toml").read_text(encoding="utf-8")


def run_check(args: argparse.Namespace) -> int:
    if args.template:
        if args.file is not None or args.json or args.practice or args.html or args.svg:
            return _usage("--template prints the starting file and takes no FILE or other option")
        sys.stdout.write(template_text())
        return AGREE
    if args.file is None:
        return _usage("give the FILE.toml to check (or --template for a starting file)")
    if args.practice and args.html is None:
        return _usage("--practice needs --html PAGE (the page it writes)")
    if check_outputs(("--svg", args.svg), ("--html", args.html)):
        return BAD_FILE
    try:
        with warnings.catch_warnings():  # the table and the JSON carry the warnings
            warnings.simplefilter("ignore", ExampleFileWarning)
            result = check(args.file)
    except AutogradError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return BAD_FILE
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        print(result.table(args.digits))
    if (args.svg is not None or args.html is not None) and _draw(result, args):
        return BAD_FILE
    return AGREE if result.ok else MISMATCH


def _usage(message: str) -> int:
    print(f"{PROG} check: {message}", file=sys.stderr)
    return BAD_FILE


def notes(result: CheckResult, names: set[str]) -> dict[str, str]:
    """Each printed number as a note beside the node that computes it (or whose gradient it is).

    ``dA/dB`` goes beside ``B`` (the gradient the page shows there), ``name@K`` beside
    ``name``; names the drawn graph lacks are left out.
    """
    printed = {p.key: p for p in result.computation.printed}
    found: dict[str, list[str]] = {}
    for q in result.quantities:
        node = printed[q.name].wrt or printed[q.name].of
        if node in names:
            found.setdefault(node, []).append(f"{q.name}: printed {q.printed} ({q.agreement})")
    return {node: "; ".join(texts) for node, texts in found.items()}


def _draw(result: CheckResult, args: argparse.Namespace) -> int:
    """Write the graph and the stepper page; 1 (after saying why) if they cannot be written."""
    out = sys.stderr if args.json else sys.stdout
    try:
        graph = forward_graph(result.computation)
        root = _root(result, graph)
        trace = trace_of(root, digits=args.digits)
        if args.svg is not None:
            path = save_svg(trace, args.svg)
            print(f"\nGraph written to {path.resolve()}", file=out)
        if args.html is not None:
            page_notes = notes(result, {node.name for node in trace.nodes})
            path = save_html(
                trace, args.html, title=result.title, practice=args.practice, notes=page_notes
            ).resolve()
            print(f"\nStep-through page written to {path}", file=out)
            print(f"Open it in a browser: {path.as_uri()}", file=out)
    except (DotNotFoundError, GraphTooLargeError, OSError) as exc:
        print(f"{PROG}: cannot draw the graph: {exc}", file=sys.stderr)
        return 1
    except AutogradError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    return 0


def _root(result: CheckResult, graph: dict) -> object:
    """The node the drawing starts from: the training loss, or else the last step."""
    computation = result.computation
    if computation.training is not None:
        return graph[computation.training.loss]
    return graph[computation.steps[-1].name]


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``check`` to the ``autograd-lite`` parser."""
    parser = commands.add_parser(
        "check",
        help="check a worked example's printed numbers (a TOML file) and explain the wrong ones",
        description=(
            "Compute every quantity the file's [printed] section lists, print it beside the "
            "printed digits with its agreement (exact, rounded, truncated, MISMATCH), and for "
            "each MISMATCH the known mistakes whose re-run reproduces the printed number."
        ),
        epilog=(
            "exit status: 0 every printed number agrees, 1 at least one MISMATCH, 2 the file or "
            "an option is bad (nothing checked), or --html/--svg could not be written. Start a file with: autograd-lite check --template"
        ),
    )
    parser.add_argument("file", nargs="?", type=Path, metavar="FILE.toml", help="the file")
    parser.add_argument(
        "--template", action="store_true", help="print a commented starting file and exit"
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--html",
        metavar="PAGE",
        type=Path,
        help="also write the step-through page, each printed number beside its step",
    )
    parser.add_argument(
        "--practice",
        action="store_true",
        help="with --html: a practice page, which asks for each number before it shows it",
    )
    parser.add_argument("--svg", metavar="FILE", type=Path, help="also write the graph as SVG")
    parser.add_argument(
        "--digits",
        type=significant_digits,
        default=SHOWN_DIGITS,
        help=f"significant digits of the engine's values, 1 to 17 (default: {SHOWN_DIGITS})",
    )
    parser.set_defaults(run=run_check)
