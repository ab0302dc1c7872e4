"""Where each key of a TOML file is written: ``tomllib`` gives values, never line numbers.

A light scan of the raw text, enough for messages (``line 12, [forward] z1``): section
headers, ``key =`` lines, and values that run over several lines (arrays, inline tables,
multi-line strings) skipped as one. A key it cannot place simply has no line; the message
then names the key alone.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping

from autograd_lite import ExampleFileError

_HEADER = re.compile(r"\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(
    r"""\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*="""
)
_FLOAT_DOT = re.compile(r"\d\.\d+(?![\d.])")
"""The dot of a number such as ``0.5``: every other dot is a key's (or a string's)."""
_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")


def shown(value: object, limit: int = 60) -> str:
    """``repr(value)``, cut short: a message never repeats a whole matrix or a 1 MB key."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dotted(raw: str) -> str:
    """A TOML key as ``a.b.c``, its quotes removed (``"dE/dw1"`` -> ``dE/dw1``)."""
    return ".".join(part[1:-1] if part[0] in "\"'" else part for part in _PART.findall(raw))


def dotted_key_line(text: str, limit: int) -> int:
    """The first line with more than ``limit`` dots outside numbers, or 0 (checked before
    ``tomllib`` reads the text: it reads a dotted key in time quadratic in its length)."""
    for number, line in enumerate(text.splitlines(), 1):
        dots = line.count(".")
        if dots > limit and dots - len(_FLOAT_DOT.findall(line)) > limit:
            return number
    return 0


def key_lines(text: str) -> dict[str, list[int]]:
    """``section.key`` -> the 1-based lines that define it (two lines: defined twice).

    Top-level keys have no section (``title``); the n-th ``[[network.layers]]`` table is
    ``network.layers.<n>`` (from 0), and its keys ``network.layers.<n>.weights``.
    """
    found: dict[str, list[int]] = {}
    section = ""
    tables: dict[str, int] = {}
    state = _ValueState()
    for number, line in enumerate(text.splitlines(), 1):
        if state.open:
            state.scan(line)
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            name = dotted(header.group(2))
            if header.group(1) == "[[":
                index = tables.get(name, -1) + 1
                tables[name] = index
                found.setdefault(name, [number])  # its first table: repeats are not duplicates
                name = f"{name}.{index}"
            section = name
            found.setdefault(section, []).append(number)
            continue
        key = _KEY.match(line)
        if key:
            full = f"{section}.{dotted(key.group(1))}" if section else dotted(key.group(1))
            found.setdefault(full, []).append(number)
            state.scan(line[key.end() :])
    return found


class _ValueState:
    """Whether a value is still open at the end of a line: inside brackets or a long string."""

    def __init__(self) -> None:
        self.depth = 0
        self.long_string = ""

    @property
    def open(self) -> bool:
        return bool(self.depth or self.long_string)

    def scan(self, line: str) -> None:
        i = 0
        while i < len(line):
            if self.long_string:
                end = line.find(self.long_string, i)
                if end < 0:
                    return
                i = end + 3
                self.long_string = ""
                continue
            char = line[i]
            if line.startswith(('"""', "'''"), i):
                self.long_string = line[i : i + 3]
                i += 3
            elif char in "\"'":
                i = _string_end(line, i)
            elif char == "#":
                return
            else:
                self.depth += (char in "[{") - (char in "]}")
                self.depth = max(self.depth, 0)
                i += 1


def _string_end(line: str, start: int) -> int:
    """The index after the one-line string that starts at ``start``."""
    quote = line[start]
    i = start + 1
    while i < len(line):
        if quote == '"' and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            return i + 1
        i += 1
    return i


class FileContext:
    """The file being read and where its keys are: every message names the file and the line."""

    def __init__(self, name: str, text: str = "") -> None:
        self.name = name
        self.lines = key_lines(text) if text else {}

    def line(self, key: str) -> int:
        """The first line defining ``key`` (``section.key``), 0 if unknown."""
        found = self.lines.get(key)
        return found[0] if found else 0

    def where(self, key: str) -> str:
        """``FILE, line N, [section] key``: the start of a message."""
        section, _, name = key.rpartition(".") if "." in key else ("", "", key)
        if key in ("values", "forward", "train", "printed", "network") and not section:
            label = f"[{key}]"
        elif section:
            label = f"[{section}] {name}"
        else:
            label = name
        line = self.line(key)
        return f"{self.name}, line {line}, {label}" if line else f"{self.name}, {label}"

    def error(self, key: str, problem: str) -> ExampleFileError:
        """The error for ``problem`` at ``key``, to raise."""
        return ExampleFileError(f"{self.where(key)}: {problem}")

    def check_keys(self, table: Mapping, known: tuple[str, ...], section: str) -> None:
        """Refuse a key of ``table`` that is not ``known``, suggesting the closest one."""
        for key in table:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                place = f"in [{section}]" if section else "at the top of the file"
                raise self.error(
                    f"{section}.{key}" if section else key,
                    f"unknown key {shown(key)} {place}; {hint}the keys are {', '.join(known)}",
                )

    def number(self, value: object, key: str) -> float:
        """A finite number of the file (a TOML int or float, not a bool or a string)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(key, f"must be a number (without quotes), got {shown(value)}")
        try:
            result = float(value)
        except OverflowError:
            result = math.inf
        if not math.isfinite(result):
            raise self.error(key, f"must be a finite number, got {shown(value)}")
        return result
