from decimal import Decimal

from performance.charts import (
    Bar,
    ChartPoint,
    bar_chart_svg,
    describe_series,
    format_number,
    line_chart_svg,
    nice_ticks,
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
