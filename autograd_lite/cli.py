"""The ``autograd-lite`` command line: one subcommand per job, each added by one function.

Other packages add subcommands through the ``autograd_lite.commands`` entry-point
group (``nn`` adds ``example`` and ``examples``), so the engine never imports them.

Nothing the user can get wrong ends in a traceback: bad option values are refused by
argparse (exit status 2), output paths are checked before any work starts (exit 1),
errors the package raises on purpose are printed as one line (exit 1), a reader that
stops reading (``autograd-lite examples | head -1``) ends the run quietly (exit 0),
Ctrl-C ends it with status 130.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from . import __version__
from .demo import demo_report, gad_neuron
from .engine import Value
from .errors import AutogradError
from .render import DotNotFoundError, GraphTooLargeError, save_svg
from .stepper import save_html

PROG = "autograd-lite"


def output_problem(path: Path) -> str | None:
    """Why ``path`` cannot be written, found without writing anything; ``None`` if it can be.

    Checked before a run starts, so a long run never ends in "cannot write".
    """
    if path.is_dir():
        return "it is a directory"
    folder = path.parent
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if path.exists():
        return None if os.access(path, os.W_OK) else "no permission to write it"
    return None if os.access(folder, os.W_OK | os.X_OK) else f"no permission to write in {folder}"


def check_outputs(*outputs: tuple[str, Path | None]) -> int:
    """0 if every ``(option, path)`` given can be written, else 1 after saying which and why."""
    for option, path in outputs:
        if path is not None and (problem := output_problem(path)) is not None:
            print(f"{PROG}: cannot write {option} {path}: {problem}", file=sys.stderr)
            return 1
    return 0


def run_demo(args: argparse.Namespace) -> int:
    svg = None if args.no_svg else args.svg
    if args.practice and args.html is None:
        print(f"{PROG}: --practice needs --html FILE (the page it writes)", file=sys.stderr)
        return 2
    if check_outputs(("--svg", svg), ("--html", args.html)):
        return 1
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
        return write_stepper_page(
            n.E, args.html, digits=args.digits, title=title, practice=args.practice
        )
    return 0


def write_stepper_page(
    root: Value,
    path: Path,
    *,
    digits: int = 9,
    title: str | None = None,
    practice: bool = False,
) -> int:
    """Write the step-through page for the CLI; prints where it is and how to open it."""
    try:
        written = save_html(root, path, digits=digits, title=title, practice=practice)
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


def significant_digits(text: str) -> int:
    """``--digits``: 1 to 17 significant digits (17 show a float exactly; 0 would show nothing)."""
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not 1 <= value <= 17:
        got = text if value is not None else repr(text)
        raise argparse.ArgumentTypeError(f"digits must be from 1 to 17, got {got}")
    return value


def positive_int(what: str) -> Callable[[str], int]:
    """An argparse ``type=`` for counts such as ``--epochs``: a whole number, at least 1."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < 1:
            got = text if value is not None else repr(text)
            raise argparse.ArgumentTypeError(
                f"{what} must be a whole number of at least 1, got {got}"
            )
        return value

    return convert


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
        "--practice",
        action="store_true",
        help="with --html: a practice page, which asks for each number before it shows it",
    )
    parser.add_argument(
        "--digits",
        type=significant_digits,
        default=9,
        help="significant digits printed, 1 to 17 (default: 9)",
    )
    parser.set_defaults(run=run_demo)


class Parser(argparse.ArgumentParser):
    """argparse, plus why a command from another package is missing when it is asked for."""

    unavailable: tuple[str, ...] = ()

    def error(self, message: str):
        if self.unavailable:
            message += "".join(f"\n{PROG}: {note}" for note in self.unavailable)
        super().error(message)


def plugin_problem(plugin: EntryPoint, exc: ImportError) -> str:
    """Why the commands of ``plugin`` cannot be loaded, naming the module Python found instead."""
    if isinstance(exc, AutogradError):  # the plugin's own check has said what is wrong
        return str(exc)
    top = plugin.value.partition(":")[0].partition(".")[0]
    found = sys.modules.get(top)
    where = getattr(found, "__file__", None) or getattr(found, "__path__", None)
    if isinstance(exc, ModuleNotFoundError) and where and exc.name not in (None, top):
        return (
            f"the {plugin.name!r} commands ({plugin.value}) are not available: the module "
            f"{top!r} that Python imports is {where}, which is not the package that provides "
            f"them. A file or folder named {top} in the current directory or on PYTHONPATH, or "
            f"an unrelated package of that name, shadows it: rename or remove it ({exc})."
        )
    return f"the {plugin.name!r} commands ({plugin.value}) are not available: {exc}"


def build_parser() -> Parser:
    """The parser; each subcommand is registered by its own ``add_*`` function."""
    parser = Parser(
        prog=PROG,
        description="Step through backpropagation value by value.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_demo(commands)
    unavailable = []
    for plugin in entry_points(group="autograd_lite.commands"):
        try:
            add = plugin.load()
        except ImportError as exc:  # a stray nn.py shadowing nn, ...: the other commands work
            unavailable.append(plugin_problem(plugin, exc))
            continue
        add(commands)
    parser.unavailable = tuple(unavailable)
    if unavailable:
        parser.epilog = "\n".join(unavailable)
    return parser


def _stdout_to_devnull() -> None:
    """After a broken pipe: what is still buffered goes nowhere, not into an error at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced in-process)
        pass


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        status = args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, not in the interpreter's exit
    except BrokenPipeError:
        # The reader stopped reading (``autograd-lite examples | head -1``): it has what it
        # wanted, so this is a clean exit (status 0), not an error.
        _stdout_to_devnull()
        return 0
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted", file=sys.stderr)
        return 130
    except AutogradError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
