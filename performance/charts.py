"""Charts drawn on the server as SVG, so the same markup shows in the browser and
prints in WeasyPrint without JavaScript.

Written here rather than taken from a library: pygal, the usual choice, writes
inline ``<style>`` and ``<script>`` into its SVG (our CSP forbids both) and relies
on colour to tell series apart. These two charts need about 150 lines, and can be
read in black and white: the actual line is solid with round markers, the target
dashed with hollow squares, every point carries its value, bars carry their label
and count. Each chart has a <title> and a <desc> giving every figure in words.

Value labels are placed by place_value_labels: each label's box is kept inside the
plot (clear of both axes and the legend) and off the target line, every marker and
every other label; see its docstring for how.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
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


# Advance widths of Liberation Sans Bold (Arial's metrics), in ems, for the characters
# a value label holds; anything else is taken as wide as a capital.
BOLD_ADVANCE = {
    **dict.fromkeys("0123456789", 0.556),
    ",": 0.278,
    ".": 0.278,
    "-": 0.333,
    "%": 0.889,
    " ": 0.278,
}
LABEL_PADDING = 1.5


@dataclass(frozen=True)
class Box:
    """A rectangle in SVG coordinates (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.top < other.bottom
            and other.top < self.bottom
        )

    def inside(self, other: Box) -> bool:
        return (
            other.left <= self.left
            and self.right <= other.right
            and other.top <= self.top
            and self.bottom <= other.bottom
        )

    def grown(self, margin: float) -> Box:
        return Box(self.left - margin, self.top - margin, self.right + margin, self.bottom + margin)

    def crosses(self, segment: Segment) -> bool:
        """Whether the segment passes through the box (Liang–Barsky clipping)."""
        (x0, y0), (x1, y1) = segment
        dx, dy = x1 - x0, y1 - y0
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, x0 - self.left),
            (dx, self.right - x0),
            (-dy, y0 - self.top),
            (dy, self.bottom - y0),
        ):
            if p == 0:
                if q < 0:
                    return False
                continue
            t = q / p
            if p < 0:
                low = max(low, t)
            else:
                high = min(high, t)
            if low > high:
                return False
        return True


Segment = tuple[tuple[float, float], tuple[float, float]]


@dataclass(frozen=True)
class PlacedLabel:
    text: str
    x: float  # the centre of the text (text-anchor="middle")
    baseline: float
    box: Box


def label_box(text: str, x: float, baseline: float, font_size: float = 11) -> Box:
    """The box a bold label of font_size takes, centred on x, with a little padding."""
    width = sum(BOLD_ADVANCE.get(char, 0.722) for char in text) * font_size
    return Box(
        x - width / 2 - LABEL_PADDING,
        baseline - 0.75 * font_size - LABEL_PADDING,
        x + width / 2 + LABEL_PADDING,
        baseline + 0.2 * font_size + LABEL_PADDING,
    )


def segments(points: Sequence[tuple[float, float]]) -> list[Segment]:
    """The segments of a polyline through points (one point: a segment of no length)."""
    if len(points) == 1:
        return [(points[0], points[0])]
    return list(itertools.pairwise(points))


def place_value_labels(
    anchors: Sequence[tuple[float, float]],
    texts: Sequence[str],
    *,
    area: Box,
    avoid_lines: Sequence[Segment] = (),
    prefer_clear_of: Sequence[Segment] = (),
    avoid_boxes: Sequence[Box] = (),
    below_first: Sequence[bool] = (),
    font_size: float = 11,
) -> list[PlacedLabel | None]:
    """Where to write each value label, or None for a label that fits nowhere clear.

    Each label is tried above and below its point, then at its four corners, then to
    its sides, a step further out each ring (below first where below_first says so,
    e.g. for a value under its target). The first place whose box lies inside area
    (which stops short of the axes), crosses no segment of avoid_lines (the target
    line), and overlaps no box of avoid_boxes (markers, legend) nor any label placed
    before it is taken. A place that also keeps clear of prefer_clear_of (the actual
    line) is preferred over one that does not. A label left as None is still given in
    the chart's text alternative and in the table printed with it.
    """
    placed: list[PlacedLabel | None] = []
    taken: list[Box] = []
    for index, ((px, py), text) in enumerate(zip(anchors, texts, strict=True)):
        downwards = index < len(below_first) and below_first[index]
        fallback = None
        label: PlacedLabel | None
        for x, baseline in _candidates(px, py, text, font_size, downwards):
            box = label_box(text, x, baseline, font_size)
            # Checked with a margin, so that the SVG's coordinates, rounded to 0.1, stay clear.
            clearance = box.grown(CLEARANCE)
            if (
                not clearance.inside(area)
                or any(clearance.crosses(segment) for segment in avoid_lines)
                or any(clearance.overlaps(other) for other in [*avoid_boxes, *taken])
            ):
                continue
            label = PlacedLabel(text, x, baseline, box)
            if not any(clearance.crosses(segment) for segment in prefer_clear_of):
                break
            fallback = fallback or label
        else:
            label = fallback
        placed.append(label)
        if label is not None:
            taken.append(label.box)
    return placed


CLEARANCE = 0.5
LABEL_RINGS = 6  # how far out a label may move from its point, in steps
RING_STEP = 7.0


def _candidates(
    px: float, py: float, text: str, font_size: float, downwards: bool
) -> Iterator[tuple[float, float]]:
    """(centre x, baseline) of each place to try, nearest first."""
    probe = label_box(text, 0, 0, font_size)
    half_width = (probe.right - probe.left) / 2
    above_baseline = -probe.bottom  # baseline so that the box's bottom sits on y = 0
    below_baseline = -probe.top  # baseline so that the box's top sits on y = 0
    middle_baseline = -(probe.top + probe.bottom) / 2
    for ring in range(LABEL_RINGS):
        gap = 5 + RING_STEP * ring  # the point's marker has a radius of 4
        above = py - gap + above_baseline
        below = py + gap + below_baseline
        vertical = [below, above] if downwards else [above, below]
        yield from ((px, baseline) for baseline in vertical)
        for baseline in vertical:
            # At a corner the box starts 3 units past the point: clear of a y axis the
            # first point sits on.
            yield px + half_width + 3, baseline
            yield px - half_width - 3, baseline
        side = gap + half_width + 1
        yield px + side, py + middle_baseline
        yield px - side, py + middle_baseline


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
    # Actual values: solid line, filled circles, each value written beside its point.
    actual = [(x(i), y(float(p.value))) for i, p in enumerate(points)]
    path = " ".join(f"{vx:.1f},{vy:.1f}" for vx, vy in actual)
    add(
        f'<polyline class="app-chart__actual" points="{path}" fill="none" stroke="{INK}" stroke-width="2.5"/>'
    )
    for vx, vy in actual:
        add(f'<circle cx="{vx:.1f}" cy="{vy:.1f}" r="4" fill="{INK}"/>')
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
    legend = Box(left - 2, ly - 8, left + 90 + 30 + 40 if targets else left + 70, ly + 8)
    markers = [Box(vx - 4.5, vy - 4.5, vx + 4.5, vy + 4.5) for vx, vy in actual] + [
        Box(x(i) - 4.5, y(v) - 4.5, x(i) + 4.5, y(v) + 4.5) for i, v in targets
    ]
    labels = place_value_labels(
        actual,
        [format_number(p.value) for p in points],
        # Inside the axes by 2 units: a label never touches the y axis or the x axis.
        area=Box(left + 2, 2, width - 2, top + plot_h - 2),
        avoid_lines=segments([(x(i), y(v)) for i, v in targets]) if targets else (),
        prefer_clear_of=segments(actual),
        avoid_boxes=[legend, *markers],
        below_first=[p.target is not None and float(p.value) < float(p.target) for p in points],
    )
    for label in labels:
        if label is not None:
            add(
                f'<text class="app-chart__value" x="{label.x:.1f}" y="{label.baseline:.1f}" text-anchor="middle" '
                f'font-size="11" font-weight="bold" fill="{INK}" {FONT}>{escape(label.text)}</text>'
            )
    add("</svg>")
    return mark_safe("".join(parts))


def describe_series(points: Sequence[ChartPoint], unit: str = "") -> str:
    """The chart's figures in words, for screen readers and the PDF's alternative text."""
    suffix = f" {unit}" if unit else ""
    values = "; ".join(f"{p.label}: {format_number(p.value)}{suffix}" for p in points)
    text = f"Values by period. {values}."
    with_target = [(p.label, p.target) for p in points if p.target is not None]
    if with_target:
        targets = "; ".join(f"{label}: {format_number(target)}{suffix}" for label, target in with_target)
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
