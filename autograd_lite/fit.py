"""Fitting a drawing to the width it has, its text never under ``MIN_TEXT_PX`` CSS pixels.

A drawing's text is ``FONT_SIZE`` SVG units, and one unit is one CSS pixel at scale 1,
so a drawing may be shrunk down to ``min_scale()`` and no further: past that its box
scrolls (the page) or its container does (a notebook cell).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from .errors import ArgumentError
from .render_labels import Slot

FONT_SIZE = 14
"""The size of every text in a drawing, in SVG units."""
MIN_TEXT_PX = 11
"""No text of a drawing is shown smaller than this many CSS pixels, however it is fitted."""
_SIZE = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def min_scale() -> float:
    """The smallest scale at which a drawing's text is still ``MIN_TEXT_PX`` pixels."""
    return MIN_TEXT_PX / FONT_SIZE


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height of a Graphviz SVG in its own units (its viewBox)."""
    found = _SIZE.search(svg)
    if found is None:
        raise ArgumentError("the SVG has no viewBox to size it by")
    return float(found.group(1)), float(found.group(2))


def fitted_html(svg: str) -> str:
    """The SVG scaled to its container's width, never past 1:1 nor under ``min_scale()``;
    when even that is too wide, its box scrolls sideways instead of overflowing."""
    width, height = svg_size(svg)
    style = (
        f"display:block;width:100%;height:auto;max-width:{width:.0f}px;"
        f"min-width:{width * min_scale():.0f}px;aspect-ratio:{width:.0f}/{height:.0f}"
    )
    start = svg.index("<svg")
    tag_end = svg.index(">", start)
    tag = re.sub(r'\s(width|height)="[^"]*"', "", svg[start:tag_end])
    fitted = f'{tag} style="{style}"{svg[tag_end:]}'
    return f'<div style="overflow-x:auto;max-width:100%">{fitted}</div>'


def cell_wide_svg(svg: str) -> str:
    """The SVG with ``width="100%"`` instead of its size in points: as wide as its cell."""
    start = svg.index("<svg")
    tag_end = svg.index(">", start)
    tag = re.sub(r'\s(width|height)="[^"]*"', "", svg[start:tag_end])
    return f'{svg[:start]}{tag} width="100%"{svg[tag_end:]}'


@functools.cache
def drawing_class() -> type:
    """``graphviz.Digraph`` with the slot plan and a fitted Jupyter display (made on first use,
    so ``import autograd_lite`` needs no graphviz)."""
    import graphviz

    class Drawing(graphviz.Digraph):
        """A ``graphviz.Digraph`` that Jupyter shows fitted to the cell (``fitted_html``)."""

        slots: dict[str, list[Slot]]
        """For each element id, what number each of its texts shows (``render_labels``)."""
        digits: int = 4
        show_local: bool = True

        def _repr_html_(self) -> str:
            return fitted_html(self.pipe(format="svg", encoding="utf-8"))

        def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **_: Any) -> dict:
            """HTML first (fitted, scrolling when it must); an SVG as wide as the cell for a
            front end that shows no HTML."""
            svg = self.pipe(format="svg", encoding="utf-8")
            return {"text/html": fitted_html(svg), "image/svg+xml": cell_wide_svg(svg)}

    return Drawing
