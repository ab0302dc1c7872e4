"""The ``autograd-lite`` command line: one subcommand per job, each added by one function.

Other packages add subcommands through the ``autograd_lite.commands`` entry-point
group (``nn`` adds ``example`` and ``examples``), so the engine never imports them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points
from pathlib import Path

from .demo import demo_report, gad_neuron
from .engine import Value
from .render import DotNotFoundError, GraphTooLargeError, save_svg
from .stepper import save_html


def run_demo(args: argparse.Namespace) -> int:
    n = gad_neuron()
    n.E.backward()
    print(demo_report(n, args.digits))
    if not args.no_svg:
        try:
            path = save_svg(n.E, args.svg)
        except DotNotFoundError as exc:
            print(f"\nautograd-lite: cannot write {args.svg}: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"\nautograd-lite: cannot write {args.svg}: {exc.strerror}", file=sys.stderr)
            return 1
        print(f"\nGraph written to {path.resolve()}")
    if args.html is not None:
        title = "Seed 002 (Ahmed Gad): one sigmoid neuron, step by step"
        return write_stepper_page(n.E, args.html, digits=args.digits, title=title)
    return 0


def write_stepper_page(
    root: Value, path: Path, *, digits: int = 9, title: str | None = None
) -> int:
    """Write the step-through page for the CLI; prints where it is and how to open it."""
    try:
        written = save_html(root, path, digits=digits, title=title)
    except (DotNotFoundError, GraphTooLargeError) as exc:
        print(f"\nautograd-lite: cannot write {path}: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"\nautograd-lite: cannot write {path}: {exc.strerror}", file=sys.stderr)
        return 1
    written = written.resolve()
    print(f"\nStep-through page written to {written}")
    print(f"Open it in a browser: {written.as_uri()}")
    return 0


def _digits(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 17:
        raise argparse.ArgumentTypeError(f"digits must be from 1 to 17, got {value}")
    return value


def add_demo(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "demo",
        help="step through seed 002's sigmoid neuron and draw its graph",
        description=(
            "Build seed 002's single sigmoid neuron, print every forward and backward step, "
            "the chain-rule derivations and the gradient-descent update, and draw the graph."
        ),
    )
    parser.add_argument(
        "--svg",
        metavar="PATH",
        type=Path,
        default=Path("gad_neuron.svg"),
        help="where to write the graph (default: gad_neuron.svg)",
    )
    parser.add_argument("--no-svg", action="store_true", help="do not write the SVG graph")
    parser.add_argument(
        "--html",
        metavar="FILE",
        type=Path,
        help="also write a page that steps through the graph in a browser, one step per click",
    )
    parser.add_argument(
        "--digits", type=_digits, default=9, help="significant digits printed (default: 9)"
    )
    parser.set_defaults(run=run_demo)


def build_parser() -> argparse.ArgumentParser:
    """The parser; each subcommand is registered by its own ``add_*`` function."""
    parser = argparse.ArgumentParser(
        prog="autograd-lite",
        description="Step through backpropagation value by value.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_demo(commands)
    for plugin in entry_points(group="autograd_lite.commands"):
        plugin.load()(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
