from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from performance.charts import (
    Bar,
    Box,
    ChartPoint,
    bar_chart_svg,
    describe_series,
    format_number,
    label_box,
    line_chart_svg,
    nice_ticks,
    place_value_labels,
    segments,
)


def test_line_chart_draws_every_value_and_a_dashed_target_line():
    points = [
        ChartPoint("Q1 2026/27", Decimal("9.1"), Decimal("6")),
        ChartPoint("Q2 2026/27", Decimal("7.25"), Decimal("6")),
        ChartPoint("Q3 2026/27", Decimal("5.1"), Decimal("6")),
    ]
    svg = line_chart_svg(points, title="NI64 <plans>", unit="%", chart_id="ni64")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for text in ("9.1", "7.25", "5.1", "Q1 2026/27", "Q3 2026/27", ">%<", "Actual", "Target", "Period"):
        assert text in svg
    assert 'class="app-chart__target"' in svg and 'stroke-dasharray="6 4"' in svg
    assert 'class="app-chart__actual"' in svg
    # Text alternative, escaped.
    assert '<title id="ni64-title">NI64 &lt;plans&gt;</title>' in svg
    assert "Targets: Q1 2026/27: 6 %" in svg
    assert 'aria-labelledby="ni64-title ni64-desc"' in svg
    # Black and white only: no colour is needed to tell the lines apart.
    assert "#d4351c" not in svg


def test_line_chart_without_targets_has_no_target_line_and_empty_series_draws_nothing():
    svg = line_chart_svg([ChartPoint("2025/26", 3)], title="One value")
    assert "app-chart__target" not in svg and "Target" not in svg
    assert line_chart_svg([], title="Nothing") == ""


def test_value_labels_sit_away_from_the_target_line():
    svg = line_chart_svg([ChartPoint("A", 10, 20), ChartPoint("B", 30, 20)], title="t", chart_id="c")
    # Below target: label under the point; above: over it.
    assert svg.count('font-weight="bold"') == 2


def test_nice_ticks_and_number_formatting():
    assert nice_ticks(0, 31) == [0, 10, 20, 30, 40]
    assert nice_ticks(0, 9.1) == [0, 2.5, 5, 7.5, 10]
    assert format_number(Decimal("2.50")) == "2.5"
    assert format_number(1234) == "1,234"
    assert describe_series([ChartPoint("Q1", 5)]) == "Values by period. Q1: 5."


def test_bar_chart_names_and_counts_each_bar():
    svg = bar_chart_svg([Bar("Red", 2, "#d4351c"), Bar("Green", 0, "#00703c")], title="RAG", chart_id="rag")
    assert ">Red<" in svg and ">2<" in svg and ">Green<" in svg and ">0<" in svg
    assert "Red: 2; Green: 0." in svg


# Value labels never overlap the axes, the target line, the markers or each other:
# issue 13, point 11.

SVG = "{http://www.w3.org/2000/svg}"


def assert_clear(labels, *, area, lines=(), boxes=()):
    placed = [label.box for label in labels if label is not None]
    for index, box in enumerate(placed):
        assert box.inside(area), box
        assert not any(box.crosses(segment) for segment in lines), box
        assert not any(box.overlaps(other) for other in boxes), box
        assert not any(box.overlaps(other) for other in placed[index + 1 :]), box


def test_clustered_labels_are_all_placed_clear_of_each_other_the_target_and_the_axes():
    area = Box(62, 2, 558, 202)
    # Ten values within a unit of a target at y=100, points 20 units apart: every label
    # would sit on its neighbours and on the target if written above its point.
    anchors = [(64 + 20 * i, 100 + (-1) ** i * 0.8) for i in range(10)]
    target = segments([(64 + 20 * i, 100) for i in range(10)])
    markers = [Box(x - 4.5, y - 4.5, x + 4.5, y + 4.5) for x, y in anchors]
    labels = place_value_labels(
        anchors, [f"50.{i}" for i in range(10)], area=area, avoid_lines=target, avoid_boxes=markers
    )
    assert all(label is not None for label in labels)
    assert_clear(labels, area=area, lines=target, boxes=markers)
    # Each label stays close to its own point.
    for (x, y), label in zip(anchors, labels, strict=True):
        assert abs(label.x - x) < 40 and abs(label.baseline - y) < 45


def test_a_label_that_fits_nowhere_clear_is_left_out_rather_than_overlapping():
    area = Box(0, 0, 80, 40)  # room above and below one point, not for five labels on it
    labels = place_value_labels([(40, 20)] * 5, ["1,234"] * 5, area=area)
    assert labels[0] is not None and None in labels
    assert_clear(labels, area=area)


def test_the_first_label_moves_off_the_y_axis_its_point_sits_on():
    svg = line_chart_svg([ChartPoint("Q1", 24, 28), ChartPoint("Q2", 26, 28)], title="t", chart_id="c")
    chart = read_chart(svg)
    first = chart["labels"][0]
    assert first.left >= chart["plot"].left


def read_chart(svg: str) -> dict:
    """What line_chart_svg drew, read back from the SVG: the plot inside the axes, the
    target line's segments, the markers and each value label's box."""
    root = etree.fromstring(svg.encode())
    axes = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1"]
    y_axis = next(line for line in axes if line.get("x1") == line.get("x2"))
    x_axis = next(line for line in axes if line.get("y1") == line.get("y2"))
    plot = Box(float(y_axis.get("x1")), 0, float(root.get("width")), float(x_axis.get("y1")))
    target = root.find(f"{SVG}polyline[@class='app-chart__target']")
    points = (
        [tuple(map(float, pair.split(","))) for pair in target.get("points").split()]
        if target is not None
        else []
    )
    # The round and square markers on the lines (the legend's samples, at the top, are not).
    markers = [
        Box(float(c.get("cx")) - 4, float(c.get("cy")) - 4, float(c.get("cx")) + 4, float(c.get("cy")) + 4)
        for c in root.iter(f"{SVG}circle")
        if float(c.get("cy")) > 20
    ] + [
        Box(float(r.get("x")), float(r.get("y")), float(r.get("x")) + 7, float(r.get("y")) + 7)
        for r in root.iter(f"{SVG}rect")
        if float(r.get("y")) > 20
    ]
    labels = [
        label_box(text.text, float(text.get("x")), float(text.get("y")))
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "app-chart__value"
    ]
    return {"plot": plot, "target": segments(points) if points else [], "markers": markers, "labels": labels}


clustered_series = st.integers(min_value=1, max_value=12).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(min_value=4900, max_value=5100), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.integers(min_value=4950, max_value=5050)), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(clustered_series)
def test_every_chart_of_up_to_twelve_clustered_values_labels_each_point_clear_of_everything(series):
    values, targets = series
    points = [
        ChartPoint(f"P{i}", Decimal(v) / 100, None if t is None else Decimal(t) / 100)
        for i, (v, t) in enumerate(zip(values, targets, strict=True))
    ]
    chart = read_chart(line_chart_svg(points, title="t", chart_id="c"))
    labels, plot = chart["labels"], chart["plot"]
    assert len(labels) == len(points)  # every value is written on the chart
    for index, box in enumerate(labels):
        assert plot.left < box.left and box.bottom < plot.bottom, "on an axis"
        assert not any(box.crosses(segment) for segment in chart["target"]), "on the target line"
        assert not any(box.overlaps(marker) for marker in chart["markers"]), "on a marker"
        assert not any(box.overlaps(other) for other in labels[index + 1 :]), "on another label"
