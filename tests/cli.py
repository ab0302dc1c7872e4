"""Run the ``autograd-lite`` command line the way a user does, from the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run_program(
    argv: list[str],
    *,
    cwd: Path = REPO,
    pythonpath: Path | str = REPO,
    path: str | None = None,
    timeout: float = 300,
    **options: object,
) -> subprocess.CompletedProcess[str]:
    """``argv`` in a subprocess with ``PYTHONPATH`` set; ``path`` replaces PATH (to hide dot).

    Output is captured as text unless ``options`` redirects it (``stdout=fd``).
    """
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    if path is not None:
        env["PATH"] = path
    captured = {} if "stdout" in options else {"capture_output": True}
    return subprocess.run(
        argv, cwd=cwd, env=env, text=True, timeout=timeout, check=False, **captured, **options
    )


def run_cli(
    *args: str, cwd: Path = REPO, path: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``python -m autograd_lite ARGS``, the way a user runs it from the repository."""
    return run_program(
        [sys.executable, "-m", "autograd_lite", *args], cwd=cwd, path=path, timeout=timeout
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
