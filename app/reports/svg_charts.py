"""Tiny inline SVG charts for server-rendered dashboards.

No chart library and no style attributes (the CSP forbids inline styles):
colours are SVG presentation attributes, every label goes through
Markup.format (which escapes it), and each chart scales with its container
through the viewBox, so it stays light on a phone.
"""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup

from analysis.rounding import format_id

BAR = "#0b5394"
HIGHLIGHT = "#b3261e"
TRACK = "#eef2f6"
GRID = "#d6dde6"
TEXT = "#1d2733"

_OPEN = Markup('<svg class="chart" viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
               'xmlns="http://www.w3.org/2000/svg"><title>{}</title>')
_CLOSE = Markup("</svg>")
_TEXT = Markup('<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}">{}</text>')
_RECT = Markup('<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>')
_LINE = Markup('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>')
_CIRCLE = Markup('<circle cx="{}" cy="{}" r="4" fill="{}"/>')
_POLYLINE = Markup('<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>')


def _num(x: float) -> str:
    return f"{x:.1f}"


def _clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def hbar_chart(items: list[tuple[str, float | None]], *, low: float = 0.0, high: float | None = None,
               highlight: str | None = None, title: str = "",
               value_format: Callable[[float], str] = lambda v: format_id(v, 2),
               label_width: int = 190) -> Markup:
    """Horizontal bars, one per (label, value); the bar labelled `highlight` is drawn in red."""
    values = [v for _label, v in items if v is not None]
    if high is None:
        high = max(values) if values and max(values) > low else low + 1.0
    span = (high - low) or 1.0
    row, width = 26, 560
    plot = width - label_width - 70
    height = row * len(items) + 10
    parts = [_OPEN.format(width, height, title, title)]
    for i, (label, value) in enumerate(items):
        y = 5 + i * row
        parts.append(_TEXT.format(label_width - 6, y + 17, "end", 13, TEXT, _clip(label, 24)))
        parts.append(_RECT.format(label_width, y + 3, plot, 18, TRACK))
        if value is None:
            parts.append(_TEXT.format(label_width + 4, y + 17, "start", 12, TEXT, "—"))
            continue
        length = max(0.0, min(1.0, (value - low) / span)) * plot
        colour = HIGHLIGHT if highlight is not None and label == highlight else BAR
        parts.append(_RECT.format(label_width, y + 3, _num(length), 18, colour))
        parts.append(_TEXT.format(_num(label_width + length + 4), y + 17, "start", 12, TEXT, value_format(value)))
    parts.append(_CLOSE)
    return Markup("").join(parts)


def line_chart(points: list[tuple[str, float | None]], *, low: float = 25.0, high: float = 100.0,
               title: str = "") -> Markup:
    """A line through the values (a gap where a value is None), one x label per point."""
    width, height, left, bottom, top = 560, 200, 40, 30, 16
    plot_w, plot_h = width - left - 30, height - bottom - top
    span = (high - low) or 1.0
    steps = max(1, len(points) - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        x = left + 10 + (plot_w - 20) * (i / steps if len(points) > 1 else 0.5)
        return x, top + plot_h * (1 - (max(low, min(high, value)) - low) / span)

    parts = [_OPEN.format(width, height, title, title)]
    for k in range(5):
        value = low + span * k / 4
        _x, y = xy(0, value)
        parts.append(_LINE.format(left, _num(y), left + plot_w, _num(y), GRID))
        parts.append(_TEXT.format(left - 4, _num(y + 4), "end", 11, TEXT, f"{value:.0f}"))
    segment: list[str] = []

    def flush() -> None:
        if len(segment) > 1:
            parts.append(_POLYLINE.format(" ".join(segment), BAR))
        segment.clear()

    for i, (label, value) in enumerate(points):
        x, _y = xy(i, low)
        parts.append(_TEXT.format(_num(x), height - 8, "middle", 11, TEXT, _clip(label, 16)))
        if value is None:
            flush()
            continue
        px, py = xy(i, value)
        segment.append(f"{_num(px)},{_num(py)}")
        parts.append(_CIRCLE.format(_num(px), _num(py), BAR))
        parts.append(_TEXT.format(_num(px), _num(py - 8), "middle", 11, TEXT, format_id(value, 2)))
    flush()
    parts.append(_CLOSE)
    return Markup("").join(parts)
