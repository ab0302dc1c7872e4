"""Run the ``autograd-lite`` command line the way a user does, from the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_cli(
    *args: str, cwd: Path = REPO, path: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m autograd_lite ARGS`` in a subprocess; ``path`` replaces PATH (to hide dot)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "autograd_lite", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def example_table(name: str, *options: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``autograd-lite example NAME --table-only``, which must succeed."""
    done = run_cli("example", name, "--table-only", *options, cwd=cwd)
    assert done.returncode == 0, done.stderr
    return done


def make_dry_run(target: str) -> subprocess.CompletedProcess[str]:
    """``make -n --always-make TARGET``: the commands a fresh checkout would run, run none."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(
        ["make", "-n", "--always-make", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done
