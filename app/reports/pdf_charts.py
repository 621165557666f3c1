"""Charts for the PDF reports (reportlab.graphics): horizontal bars and the trend line.

Axis ticks and value labels use the Indonesian decimal comma; category names
(unsur, layanan) are wrapped onto several lines instead of being cut, so two
long names that start alike can still be told apart; a trend with a single
period still shows its point.
"""
from __future__ import annotations

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.units import cm

from analysis.rounding import format_id
from app.reports.pdf_base import BLUE, RED, Fonts, axis_number, clean, wrap

LABEL_SIZE = 7.5
LABEL_LEADING = 9


def bar_drawing(labels: list[str], values: list[float | None], *, low: float, high: float,
                highlight: int | None = None, width: float = 16 * cm, title: str = "", places: int = 2,
                value_labels: list[str] | None = None, label_width: float = 5.6 * cm) -> Drawing:
    """Horizontal bars, one per label, from `low` to `high`; `value_labels` replace the numbers at the bars."""
    Fonts.ensure()
    wrapped = [wrap(label, label_width - 0.3 * cm, LABEL_SIZE) for label in labels]
    lines = max((len(w) for w in wrapped), default=1)
    row = max(18, lines * LABEL_LEADING + 6)
    height = row * len(labels) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 20
    chart.width, chart.height = width - label_width - 1.6 * cm, height - 35
    chart.data = [values]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = low, high
    chart.valueAxis.labels.fontName = Fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = axis_number
    chart.categoryAxis.categoryNames = ["\n".join(w) for w in wrapped]
    chart.categoryAxis.labels.fontName = Fonts.regular
    chart.categoryAxis.labels.fontSize = LABEL_SIZE
    chart.categoryAxis.labels.leading = LABEL_LEADING
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.textAnchor = "end"
    chart.categoryAxis.reverseDirection = True
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    if highlight is not None:
        chart.bars[(0, highlight)].fillColor = RED
    if value_labels is not None:
        chart.barLabelArray = [[clean(v) for v in value_labels]]
        chart.barLabelFormat = "values"
    else:
        chart.barLabelFormat = lambda v: "" if v is None else format_id(v, places)
    chart.barLabels.fontName = Fonts.regular
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    if title:
        drawing.add(String(0, height - 10, clean(title), fontName=Fonts.bold, fontSize=9))
    return drawing


def line_drawing(labels: list[str], values: list[float | None], width: float = 16 * cm) -> Drawing:
    """The trend: one marked point per period that has data, joined by a line when there are several."""
    Fonts.ensure()
    drawing = Drawing(width, 170)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 1.2 * cm, 25, width - 2 * cm, 125
    chart.data = [list(values)]
    present = [v for v in values if v is not None]
    chart.valueAxis.valueMin = max(25, int(min(present)) - 5) if present else 25
    chart.valueAxis.valueMax = min(100, int(max(present)) + 5) if present else 100
    chart.valueAxis.labels.fontName = Fonts.regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = axis_number
    chart.categoryAxis.categoryNames = [clean(label) for label in labels]
    chart.categoryAxis.labels.fontName = Fonts.regular
    chart.categoryAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = BLUE
    chart.lines[0].strokeWidth = 2
    chart.lines[0].symbol = makeMarker("FilledCircle", size=5, fillColor=BLUE, strokeColor=BLUE)
    chart.joinedLines = 1
    chart.lineLabelFormat = lambda v: "" if v is None else format_id(v, 2)
    chart.lineLabels.fontName = Fonts.regular
    chart.lineLabels.fontSize = 7
    chart.lineLabels.dy = 6
    drawing.add(chart)
    return drawing
