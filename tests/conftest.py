"""Fixtures shared by the test files, and a guard on mpmath's precision.

- ``seed002_neuron``: seed 002's neuron (Ahmed Gad) as a fresh graph, every Value labelled
  as in the article; ``seed002_neuron_backward``: the same after ``E.backward()``.
- ``example_result``: ``nn.examples.run(name)``, run once a session however many files ask;
  ``result``: the result of the example a test module names in ``EXAMPLE = "<name>"``.
- ``torch``: PyTorch for the optional cross-checks; the test skips when it is not installed.
  Where PyTorch imports, a cross-check that skips anyway (a test using ``torch``, or one
  whose skip reason names it) fails instead: ``make test`` installs PyTorch, so a skip there
  means a cross-check silently stopped running.
- ``mp40``: mpmath at 40 significant digits for the length of one test.
- Hypothesis runs without its per-example deadline: a property fails on a wrong value,
  never because a shared CI machine was slow (speed is measured by ``benchmarks/``).

mpmath's precision (``mpmath.mp.dps``) is one setting for the whole process, so a module
that writes ``mpmath.mp.dps = 40`` at import, or a test that sets it and leaves it, changes
the precision of every test that runs after it, depending on the collection order. Here
every test starts at mpmath's default precision (15 digits) and says its own: the ``mp40``
fixture, or ``with mpmath.workdps(n):`` around the arithmetic (in module-level constants,
and in Hypothesis tests, which take no function-scoped fixtures). A module that changes the
precision when imported, or a test that leaves it changed, fails and is told so.

Plain helper functions live in modules beside this one: ``reference.py`` (the shared
reference file), ``cli.py`` (the command line), ``numeric.py`` (central finite
differences), ``brownlee_by_hand.py`` (Brownlee's algorithm in plain floats).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

import mpmath
import pytest
from hypothesis import settings

# On top of the profile Hypothesis starts with: on a CI machine its "ci" profile, whose
# examples are the same on every run (derandomize), so that a submission's run cannot fail
# on an example no earlier run drew; on a developer's machine, new examples every run.
settings.register_profile("autograd-lite", parent=settings(), deadline=None)
settings.load_profile("autograd-lite")

import nn.examples
from autograd_lite import Value, dot
from nn.examples import ExampleResult

# --- seed 002's neuron ---------------------------------------------------------------------------


class Seed002Neuron(NamedTuple):
    """Seed 002's neuron, each field the Value of that label."""

    X1: Value
    X2: Value
    desired: Value
    W1: Value
    W2: Value
    b: Value
    s: Value
    predicted: Value
    E: Value


@pytest.fixture
def seed002_neuron() -> Seed002Neuron:
    """s = X1*W1 + X2*W2 + b, predicted = sigmoid(s), E = 1/2 (desired - predicted)^2.

    X1=0.1, X2=0.3, desired=0.03, W1=0.5, W2=0.2, b=1.83 (Ahmed Gad, neptune.ai). Built
    here, not with ``autograd_lite.demo.gad_neuron``, so the tests do not lean on the code
    they check. A fresh graph for each test; ``backward()`` has not run.
    """
    x1, x2, desired = Value(0.1, "X1"), Value(0.3, "X2"), Value(0.03, "desired")
    w1, w2, b = Value(0.5, "W1"), Value(0.2, "W2"), Value(1.83, "b")
    s = dot([w1, w2], [x1, x2], b).named("s")
    predicted = s.sigmoid().named("predicted")
    error = (0.5 * (desired - predicted) ** 2).named("E")
    return Seed002Neuron(x1, x2, desired, w1, w2, b, s, predicted, error)


@pytest.fixture
def seed002_neuron_backward(seed002_neuron: Seed002Neuron) -> Seed002Neuron:
    """``seed002_neuron`` after ``E.backward()``: every ``.grad`` holds dE/d(that Value)."""
    seed002_neuron.E.backward()
    return seed002_neuron


# --- the worked examples -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def example_result() -> Callable[[str], ExampleResult]:
    """``example_result(name)`` is ``nn.examples.run(name)``, computed once a session.

    The tests only read a result (its quantities, trace and graph), so the files that
    check the same example share one run.
    """
    results: dict[str, ExampleResult] = {}

    def get(name: str) -> ExampleResult:
        if name not in results:
            results[name] = nn.examples.run(name)
        return results[name]

    return get


@pytest.fixture(scope="module")
def result(request: pytest.FixtureRequest, example_result) -> ExampleResult:
    """The result of the example the test module names in ``EXAMPLE = "<name>"``."""
    name = getattr(request.module, "EXAMPLE", None)
    if name is None:
        pytest.fail(f"{request.module.__name__} uses `result` but names no EXAMPLE = '<name>'")
    return example_result(name)


# --- PyTorch, optional ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """PyTorch, for the optional third route; skip when it is absent or cannot be loaded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns when numpy is absent
            import torch
    except (ImportError, OSError):  # OSError: installed, but a shared library will not load
        pytest.skip("optional cross-check: PyTorch is not installed (pip install torch==2.13.0)")
    return torch


@functools.cache
def torch_imports() -> bool:
    """Whether PyTorch imports here (asked only once a test has skipped)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import torch  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A torch cross-check that skips while PyTorch imports is a failure, not a skip."""
    report = yield
    if not report.skipped or hasattr(report, "wasxfail"):
        return report
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    uses_torch = "torch" in getattr(item, "fixturenames", ()) or "torch" in reason.lower()
    if uses_torch and torch_imports():
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} is a torch cross-check and PyTorch imports, but it skipped "
            f"({reason}); the cross-checks must run wherever torch is installed"
        )
    return report


# --- mpmath's precision --------------------------------------------------------------------------


@pytest.fixture
def mp40() -> Iterator[mpmath.ctx_mp.MPContext]:
    """mpmath at 40 significant digits for this test, restored after it; yields ``mpmath.mp``.

    Everything the test computes with mpmath, including parsing ``mpmath.mpf("0.1")``,
    is done at 40 digits, whatever other tests did before it.
    """
    with mpmath.workdps(40):
        yield mpmath.mp


_PRECISION_SET_AT_IMPORT: dict[Path, int] = {}
"""Test module -> the mpmath digits it left behind when it was imported."""


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """Importing a test module must leave mpmath's precision as it was; put it back if not."""
    before = mpmath.mp.prec
    report = yield
    if mpmath.mp.prec != before:
        _PRECISION_SET_AT_IMPORT[collector.path] = mpmath.mp.dps
        mpmath.mp.prec = before
    return report


@pytest.fixture(autouse=True)
def _mpmath_precision_is_each_tests_own(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a test whose module set mpmath's precision at import, or that leaves it changed."""
    dps = _PRECISION_SET_AT_IMPORT.get(request.node.path)
    if dps is not None:
        pytest.fail(
            f"{request.node.path.name} sets mpmath's precision when imported (mp.dps = {dps});"
            " the setting is global, so tests in other files would run at it. Use the mp40"
            " fixture, or `with mpmath.workdps(n):` around the arithmetic.",
            pytrace=False,
        )
    prec = mpmath.mp.prec
    yield
    if mpmath.mp.prec != prec:
        dps = mpmath.mp.dps
        mpmath.mp.prec = prec
        pytest.fail(
            f"the test left mpmath's precision at mp.dps = {dps}; it is global, so the tests"
            " after it would run at it. Use the mp40 fixture, or `with mpmath.workdps(n):`.",
            pytrace=False,
        )
