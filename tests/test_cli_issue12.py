"""Issue 12, the command line: no traceback ever reaches the user, and no silent wrong answer.

Every case checks the exit status, that stderr has no traceback, and the words that name
the problem and the value. The progress bar of a training example goes to stderr and only
when stderr is a terminal (tqdm's ``disable=None``): stdout, the table, is the same either way.
"""

from __future__ import annotations

import fcntl
import importlib.metadata
import os
import pty
import select
import shlex
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

import pytest

import autograd_lite
from autograd_lite.cli import build_parser, main
from tests.cli import REPO, run_cli, run_program

NAMES = (
    "gad-neuron, gad-two-input, gad-mlp, prakash-333, brownlee-contrived, brownlee-seeds, "
    "sood-line, jagtap-batch"
)


def refused(done: subprocess.CompletedProcess[str], status: int, *words: str) -> None:
    """The run ended with ``status``, no traceback, and a message holding every word."""
    assert done.returncode == status, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


@pytest.mark.parametrize("digits", ["0", "-3", "100", "many"])
def test_example_digits_out_of_range_are_refused(digits):
    # before: 0 printed 66 as "7e+01" beside "exact"; -3 was a ValueError traceback
    done = run_cli("example", "gad-neuron", "--table-only", "--digits", digits)
    refused(done, 2, "argument --digits", "digits must be from 1 to 17", digits)
    assert done.stdout == ""


@pytest.mark.parametrize("digits", ["1", "17"])
def test_example_digits_at_the_ends_of_the_range_work(digits):
    done = run_cli("example", "gad-neuron", "--table-only", "--digits", digits)
    assert done.returncode == 0, done.stderr
    assert "warmup.params_10x6+6" in done.stdout


@pytest.mark.parametrize("epochs", ["0", "-1", "ten"])
def test_example_epochs_below_one_are_refused_before_running(epochs):
    done = run_cli("example", "brownlee-seeds", "--epochs", epochs)
    refused(done, 2, "argument --epochs", "epochs must be a whole number of at least 1", epochs)
    assert done.stdout == ""


def test_an_unknown_example_lists_the_names():
    refused(run_cli("example", "nope"), 2, "no example named 'nope'", NAMES)
    refused(run_cli("example", "gad-nueron"), 2, "did you mean 'gad-neuron'?", NAMES)


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_an_output_in_a_missing_folder_is_refused_before_the_run(tmp_path, option):
    target = tmp_path / "no-such-folder" / "out.file"
    done = run_cli("example", "brownlee-seeds", "--epochs", "500", option, str(target))
    # refused at once: the 500-epoch run (about a minute) never starts, nothing is printed
    refused(
        done, 1, f"cannot write {option} {target}", f"the folder {target.parent} does not exist"
    )
    assert done.stdout == ""
    assert not target.parent.exists()


@pytest.mark.parametrize("option", ["--svg", "--html"])
def test_an_output_that_is_a_directory_is_refused_before_the_run(tmp_path, option):
    done = run_cli("example", "brownlee-seeds", "--epochs", "500", option, str(tmp_path))
    refused(done, 1, f"cannot write {option} {tmp_path}", "it is a directory")
    assert done.stdout == ""


def test_the_demo_checks_its_outputs_first_too(tmp_path):
    done = run_cli("demo", "--html", str(tmp_path), cwd=tmp_path)
    refused(done, 1, f"cannot write --html {tmp_path}", "it is a directory")
    assert done.stdout == "" and not list(tmp_path.iterdir())
    missing = tmp_path / "none" / "g.svg"
    done = run_cli("demo", "--svg", str(missing), cwd=tmp_path)
    refused(done, 1, f"cannot write --svg {missing}", f"the folder {missing.parent} does not exist")


def cli_command(*args: str) -> str:
    return shlex.join([sys.executable, "-m", "autograd_lite", *args])


@pytest.mark.parametrize("args", [("examples",), ("example", "gad-neuron")])
def test_a_reader_that_stops_early_is_a_clean_exit(args):
    # pipefail: the status is the CLI's own, not head's
    done = run_program(
        ["bash", "-c", f"set -o pipefail; {cli_command(*args)} | head -1"], cwd=REPO, timeout=120
    )
    refused(done, 0)
    assert "BrokenPipeError" not in done.stderr and "Exception ignored" not in done.stderr
    assert len(done.stdout.splitlines()) == 1


def test_a_pipe_closed_before_the_first_line_is_a_clean_exit():
    """Deterministic: the read end is closed before the CLI starts, so its first write fails."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = run_program(
            [sys.executable, "-m", "autograd_lite", "examples"],
            cwd=REPO,
            timeout=120,
            stdout=write,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write)
    refused(done, 0)
    assert done.stderr == ""


def test_version_is_the_packages():
    done = run_cli("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"autograd-lite {autograd_lite.__version__}\n"
    try:
        installed = importlib.metadata.version("autograd-lite")
    except importlib.metadata.PackageNotFoundError:
        return
    assert installed == autograd_lite.__version__


def test_every_subcommand_help_has_a_description(capsys):
    parser = build_parser()
    (commands,) = (a for a in parser._actions if a.dest == "command")
    assert {"demo", "example", "examples"} <= set(commands.choices)
    for name, sub in commands.choices.items():
        assert sub.description, name
        with pytest.raises(SystemExit) as caught:
            main([name, "--help"])
        assert caught.value.code == 0
        out = capsys.readouterr().out
        assert out.startswith(f"usage: autograd-lite {name}"), out
        first_line = " ".join(sub.description.split()[:4])
        assert first_line in " ".join(out.split()), (name, out)


def test_example_help_lists_the_names():
    done = run_cli("example", "--help")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert NAMES in " ".join(done.stdout.split())


# --- a module named nn that is not ours ----------------------------------------------------------


def test_a_local_nn_py_is_named_instead_of_a_traceback(tmp_path):
    # `python -m` puts the current directory first on sys.path, so ./nn.py shadows our nn
    (tmp_path / "nn.py").write_text("VALUE = 1\n", encoding="utf-8")
    for args in (("example", "gad-neuron"), ("examples",)):
        done = run_cli(*args, cwd=tmp_path)
        refused(done, 2, str(tmp_path / "nn.py"), "shadows it", "'examples' commands")
    # the engine's own command does not need nn and still works
    done = run_cli("demo", "--no-svg", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Where the article is wrong" in done.stdout


def test_the_console_script_names_an_nn_py_on_pythonpath(tmp_path):
    # the console script does not put the current directory on sys.path; PYTHONPATH does
    script = Path(sys.executable).with_name("autograd-lite")
    if not script.exists():
        pytest.skip("the project is not installed in this environment (make test installs it)")
    (tmp_path / "nn.py").write_text("VALUE = 1\n", encoding="utf-8")
    done = run_program([str(script), "examples"], cwd=tmp_path, pythonpath=tmp_path, timeout=120)
    refused(done, 2, str(tmp_path / "nn.py"), "shadows it")


def alien_nn(tmp_path: Path) -> Path:
    """A foreign package named nn, its submodules found in ours: as if installed over ours."""
    package = tmp_path / "nn"
    package.mkdir()
    init = package / "__init__.py"
    init.write_text(f"__path__.append({str(REPO / 'nn')!r})\n", encoding="utf-8")
    return init


def test_an_nn_package_that_is_not_ours_is_named_by_the_examples_check(tmp_path):
    init = alien_nn(tmp_path)
    done = run_cli("example", "gad-neuron", cwd=tmp_path)
    refused(done, 2, f"the module 'nn' that Python imports is {init}", "not autograd-lite's nn")
    assert str(REPO / "nn" / "__init__.py") in done.stderr
    assert "AttributeError" not in done.stderr


def test_importing_the_examples_under_a_foreign_nn_says_so(tmp_path):
    init = alien_nn(tmp_path)
    done = run_program([sys.executable, "-c", "import nn.examples"], cwd=tmp_path, timeout=120)
    assert done.returncode == 1
    assert "ShadowedModuleError" in done.stderr and str(init) in done.stderr
    assert "AttributeError" not in done.stderr


# --- nn.examples after a plain `import nn` -------------------------------------------------------


def test_readme_run_works_after_a_plain_import_nn(tmp_path):
    code = (
        "import sys, nn\n"
        "assert 'nn.examples' not in sys.modules, 'import nn loaded the catalogue'\n"
        "result = nn.examples.run('gad-neuron')\n"
        "assert nn.examples is sys.modules['nn.examples']\n"
        "assert not hasattr(nn, 'no_such_thing')\n"
        "try:\n"
        "    from nn import no_such_thing\n"
        "except ImportError as exc:\n"
        "    assert 'no_such_thing' in str(exc)\n"
        "else:\n"
        "    raise SystemExit('from nn import no_such_thing worked')\n"
        "print(result.name)\n"
    )
    done = run_program([sys.executable, "-c", code], cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "gad-neuron\n"


# --- the progress bar -----------------------------------------------------------------------------


def run_with_tty_stderr(*args: str) -> tuple[int, str, str]:
    """The CLI with stdout a file and stderr a pseudo-terminal: (status, stdout, stderr)."""
    leader, follower = pty.openpty()
    # 24 x 80, as a terminal window: a new pty is 0 x 0, where tqdm draws nothing
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    terminal = b""
    with tempfile.TemporaryFile() as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "autograd_lite", *args],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=stdout,
            stderr=follower,
        )
        os.close(follower)
        try:
            while True:  # until the child has closed the terminal (EIO) or has exited
                ready, _, _ = select.select([leader], [], [], 1.0)
                if not ready:
                    if process.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(leader, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                terminal += chunk
            status = process.wait(timeout=120)
        finally:
            os.close(leader)
        stdout.seek(0)
        out = stdout.read()
    return status, out.decode(), terminal.decode(errors="replace")


def test_the_progress_bar_goes_to_a_terminal_stderr_only():
    args = ("example", "brownlee-seeds", "--epochs", "2")
    plain = run_cli(*args)
    assert plain.returncode == 0, plain.stderr
    assert plain.stderr == ""  # stderr not a terminal: no bar at all
    status, out, terminal = run_with_tty_stderr(*args)
    assert status == 0, terminal
    assert "training:" in terminal and "/10 [" in terminal  # 2 epochs x 5 folds
    assert terminal.endswith(" \r")  # leave=False: the bar is erased once the run is over
    assert "Traceback" not in terminal
    assert out == plain.stdout  # the table and the steps, byte for byte, without the bar
    assert "\r" not in out and "epoch/s" not in out


def test_an_example_that_does_not_train_has_no_bar():
    status, out, terminal = run_with_tty_stderr("example", "gad-neuron", "--table-only")
    assert status == 0, terminal
    assert "training" not in terminal
    assert "warmup.params_10x6+6" in out
