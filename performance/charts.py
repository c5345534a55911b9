"""Charts drawn on the server as SVG, so the same markup shows in the browser and
prints in WeasyPrint without JavaScript.

Written here rather than taken from a library: pygal, the usual choice, writes
inline ``<style>`` and ``<script>`` into its SVG (our CSP forbids both) and relies
on colour to tell series apart. These two charts need about 150 lines, and can be
read in black and white: the actual line is solid with round markers, the target
dashed with hollow squares, every point carries its value, bars carry their label
and count. Each chart has a <title> and a <desc> giving every figure in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = 'font-family="Liberation Sans, Arial, Helvetica, sans-serif"'


@dataclass(frozen=True)
class ChartPoint:
    label: str
    value: Decimal | float | int
    target: Decimal | float | int | None = None


def format_number(value: Decimal | float | int) -> str:
    """2 → "2", 2.50 → "2.5", 1234.5 → "1,234.5"."""
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        return f"{int(number):,}"
    return f"{number:,f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high, e.g. 0, 10, 20, 30, 40."""
    if high <= low:
        high = low + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    ticks = []
    tick = start
    while tick < high + step * 0.999:
        ticks.append(round(tick, 10))
        tick += step
    return ticks


def line_chart_svg(
    points: Sequence[ChartPoint],
    *,
    title: str,
    unit: str = "",
    chart_id: str = "chart",
    width: int = 560,
    height: int = 250,
) -> SafeString:
    """A line chart of values over periods, with the target as a dashed line."""
    if not points:
        return mark_safe("")
    left, right, top, bottom = 60, 36, 34, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [float(p.value) for p in points] + [float(p.target) for p in points if p.target is not None]
    low = min(0.0, min(numbers))
    # Headroom above the highest point, so its value label stays inside the plot.
    ticks = nice_ticks(low, max(numbers) * 1.08)
    y_min, y_max = ticks[0], ticks[-1]

    def x(i: int) -> float:
        if len(points) == 1:
            return left + plot_w / 2
        return left + plot_w * i / (len(points) - 1)

    def y(v: float) -> float:
        return top + plot_h - (v - y_min) / (y_max - y_min) * plot_h

    parts: list[str] = []
    add = parts.append
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    add(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}">'
    )
    add(f'<title id="{title_id}">{escape(title)}</title>')
    add(f'<desc id="{desc_id}">{escape(describe_series(points, unit))}</desc>')
    # Grid and y axis
    for tick in ticks:
        ty = y(tick)
        add(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="{GRID}" stroke-width="0.75"/>'
        )
        add(
            f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}" {FONT}>'
            f"{escape(format_number(tick))}</text>"
        )
    add(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    add(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>'
    )
    if unit:
        add(
            f'<text x="14" y="{top + plot_h / 2:.1f}" transform="rotate(-90 14 {top + plot_h / 2:.1f})" '
            f'text-anchor="middle" font-size="11" fill="{INK}" {FONT}>{escape(unit)}</text>'
        )
    # x labels: all of them when they fit, otherwise every n-th and the last.
    every = max(1, math.ceil(len(points) / 8))
    for i, point in enumerate(points):
        if i % every == 0 or i == len(points) - 1:
            add(
                f'<text x="{x(i):.1f}" y="{top + plot_h + 16}" text-anchor="middle" font-size="11" fill="{INK}" {FONT}>'
                f"{escape(point.label)}</text>"
            )
    add(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11" fill="{INK}" {FONT}>'
        "Period</text>"
    )
    # Target: dashed line, hollow squares.
    targets = [(i, float(p.target)) for i, p in enumerate(points) if p.target is not None]
    if targets:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in targets)
        add(
            f'<polyline class="app-chart__target" points="{path}" fill="none" stroke="{INK}" '
            'stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
        for i, v in targets:
            add(
                f'<rect x="{x(i) - 3.5:.1f}" y="{y(v) - 3.5:.1f}" width="7" height="7" fill="#ffffff" '
                f'stroke="{INK}" stroke-width="1.25"/>'
            )
    # Actual values: solid line, filled circles, each value written above its point.
    path = " ".join(f"{x(i):.1f},{y(float(p.value)):.1f}" for i, p in enumerate(points))
    add(
        f'<polyline class="app-chart__actual" points="{path}" fill="none" stroke="{INK}" stroke-width="2.5"/>'
    )
    for i, point in enumerate(points):
        vx, vy = x(i), y(float(point.value))
        add(f'<circle cx="{vx:.1f}" cy="{vy:.1f}" r="4" fill="{INK}"/>')
        # Write the value on the side away from the target line, so the two never overlap.
        below = point.target is not None and float(point.value) < float(point.target)
        label_y = vy + 17 if below else vy - 9
        # The end labels lean inwards, clear of the y-axis labels and the chart's edge.
        anchor = "middle" if 0 < i < len(points) - 1 or len(points) == 1 else ("start" if i == 0 else "end")
        lx = vx + {"start": 3, "end": -3, "middle": 0}[anchor]
        add(
            f'<text x="{lx:.1f}" y="{label_y:.1f}" text-anchor="{anchor}" font-size="11" font-weight="bold" '
            f'fill="{INK}" {FONT}>{escape(format_number(point.value))}</text>'
        )
    # Legend, top left, with samples of both line styles.
    ly = 14
    add(f'<line x1="{left}" y1="{ly}" x2="{left + 24}" y2="{ly}" stroke="{INK}" stroke-width="2.5"/>')
    add(f'<circle cx="{left + 12}" cy="{ly}" r="4" fill="{INK}"/>')
    add(f'<text x="{left + 30}" y="{ly + 4}" font-size="11" fill="{INK}" {FONT}>Actual</text>')
    if targets:
        tx = left + 90
        add(
            f'<line x1="{tx}" y1="{ly}" x2="{tx + 24}" y2="{ly}" stroke="{INK}" stroke-width="1.5" '
            'stroke-dasharray="6 4"/>'
        )
        add(
            f'<rect x="{tx + 8.5}" y="{ly - 3.5}" width="7" height="7" fill="#ffffff" stroke="{INK}" stroke-width="1.25"/>'
        )
        add(f'<text x="{tx + 30}" y="{ly + 4}" font-size="11" fill="{INK}" {FONT}>Target</text>')
    add("</svg>")
    return mark_safe("".join(parts))


def describe_series(points: Sequence[ChartPoint], unit: str = "") -> str:
    """The chart's figures in words, for screen readers and the PDF's alternative text."""
    suffix = f" {unit}" if unit else ""
    values = "; ".join(f"{p.label}: {format_number(p.value)}{suffix}" for p in points)
    text = f"Values by period. {values}."
    with_target = [p for p in points if p.target is not None]
    if with_target:
        targets = "; ".join(f"{p.label}: {format_number(p.target)}{suffix}" for p in with_target)
        text += f" Targets: {targets}."
    return text


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    fill: str


def bar_chart_svg(bars: Sequence[Bar], *, title: str, chart_id: str = "bars", width: int = 420) -> SafeString:
    """Horizontal bars, one per category, each named and counted in text beside it."""
    row, left, right, top = 20, 120, 40, 4
    height = top * 2 + row * len(bars)
    biggest = max((bar.count for bar in bars), default=0) or 1
    plot_w = width - left - right
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    desc = "; ".join(f"{bar.label}: {bar.count}" for bar in bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{title_id} {desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(desc)}.</desc>',
    ]
    for i, bar in enumerate(bars):
        by = top + i * row
        length = plot_w * bar.count / biggest
        parts.append(
            f'<text x="{left - 6}" y="{by + 14}" text-anchor="end" font-size="11" fill="{INK}" {FONT}>'
            f"{escape(bar.label)}</text>"
        )
        if bar.count:
            parts.append(
                f'<rect x="{left}" y="{by + 3}" width="{length:.1f}" height="{row - 6}" fill="{escape(bar.fill)}" '
                f'stroke="{INK}" stroke-width="0.75"/>'
            )
        parts.append(
            f'<text x="{left + length + 5:.1f}" y="{by + 14}" font-size="11" font-weight="bold" fill="{INK}" {FONT}>'
            f"{bar.count}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
