"""Time Brownlee's full wheat-seeds cross-validation (seed 004) on autograd-lite.

The tutorial trains one 7-5-3 sigmoid network per fold for 500 epochs of per-row
SGD: 5 x 500 x 168 = 420,000 steps, each a forward pass, ``backward()`` and an
update. This runs ``nn.examples.brownlee_seeds.run(epochs=...)`` once, prints the
fold scores beside the published ones and the time taken, and exits 1 if a
500-epoch run does not reproduce the published scores exactly.

    python benchmarks/brownlee_seeds.py [--epochs 500]
"""

from __future__ import annotations

import argparse
import platform
import sys
import time

from nn.examples import brownlee_seeds

PUBLISHED = [float(s) for s in brownlee_seeds.PRINTED_SCORES]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=brownlee_seeds.PUBLISHED_EPOCHS)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    result = brownlee_seeds.run(epochs=args.epochs)
    seconds = time.perf_counter() - start

    scores = result.extra["scores"][args.epochs]
    train_rows = 210 // brownlee_seeds.N_FOLDS * (brownlee_seeds.N_FOLDS - 1)
    steps = brownlee_seeds.N_FOLDS * args.epochs * train_rows
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(
        f"epochs {args.epochs}: {steps:,} SGD steps in {seconds:.1f} s "
        f"({seconds / steps * 1e6:.0f} us per step, trace and table included)"
    )
    print(f"fold scores  {scores}")
    print(f"mean         {brownlee_seeds.mean_accuracy(scores):.3f}%")
    if args.epochs != brownlee_seeds.PUBLISHED_EPOCHS:
        return 0
    print(f"published    {PUBLISHED}")
    same = scores == PUBLISHED
    print(
        "reproduces the published scores exactly" if same else "DIFFERS from the published scores"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
