"""Tables as text, Markdown and HTML: one writer for every report the package prints.

A trace's steps, gradcheck's rows and a worked example's printed-versus-computed
numbers are all tables of strings; writing them here keeps their escaping (``|`` in
Markdown, ``<`` in HTML) and their layout the same everywhere.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

Row = Sequence[str]


def markdown_code(text: str) -> str:
    """``text`` as inline code inside a Markdown table cell."""
    return "`" + text.replace("|", "\\|") + "`"


def markdown_table(headers: Row, rows: Sequence[Row]) -> list[str]:
    """The lines of a Markdown table; a ``|`` inside a cell is escaped."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    for row in rows:
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return lines


def html_table(
    caption: str,
    headers: Row,
    rows: Sequence[Row],
    *,
    row_attributes: Sequence[dict[str, str]] | None = None,
) -> str:
    """One ``<table>`` with a caption; ``row_attributes`` gives each ``<tr>`` its attributes."""
    esc = html.escape
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    attributes = row_attributes or [{}] * len(rows)
    body = "".join(
        "<tr"
        + "".join(f' {name}="{esc(value)}"' for name, value in attrs.items())
        + ">"
        + "".join(f"<td>{esc(c)}</td>" for c in row)
        + "</tr>"
        for row, attrs in zip(rows, attributes, strict=True)
    )
    return (
        f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def text_table(rows: Sequence[Row], *, max_width: int = 44, indent: str = "  ") -> list[str]:
    """Lines of left-aligned columns (each at most ``max_width`` wide); the last column runs on."""
    if not rows:
        return []
    columns = len(rows[0]) - 1
    widths = [min(max(len(r[i]) for r in rows), max_width) for i in range(columns)]
    lines = []
    for r in rows:
        cells = [r[i].ljust(widths[i]) for i in range(columns)]
        lines.append(indent + "  ".join(cells) + (f"  {r[-1]}" if r[-1] else ""))
    return lines
