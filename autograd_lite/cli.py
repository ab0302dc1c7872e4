"""The ``autograd-lite`` command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .engine import Value


def demo() -> int:
    """Build seed 002's sigmoid neuron, differentiate it, print the gradients."""
    x1, x2 = Value(0.1, "X1"), Value(0.3, "X2")
    w1, w2, b = Value(0.5, "W1"), Value(0.2, "W2"), Value(1.83, "b")
    s = (x1 * w1 + x2 * w2 + b).named("s")
    predicted = s.sigmoid().named("predicted")
    error = (0.5 * (0.03 - predicted) ** 2).named("E")
    error.backward()
    for v in (s, predicted, error, w1, w2, b):
        print(f"{v.label:>10}: data = {v.data:.12g}   grad = {v.grad:.12g}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="autograd-lite", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="step through seed 002's single sigmoid neuron")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return demo()
    return 2


if __name__ == "__main__":
    sys.exit(main())
