"""Bar charts of a statistics table as server-rendered SVG: a dark bar for the period and a light,
outlined one for the year earlier, so the chart reads in grey print. The table under each chart carries
the same figures for screen readers and for copying; a hidden figure has no bar, only its mark."""

from __future__ import annotations

from decimal import Decimal

WIDTH = 520
LABEL_WIDTH = 170
VALUE_WIDTH = 75
BAR = 12
GAP = 3
ROW = 2 * BAR + GAP + 10
TOP = 6


def _coordinate(value: float) -> str:
    # SVG coordinates as text with a decimal point (the page's locale would print a comma).
    return f"{value:.1f}"


def bar_chart(rows: list, *, max_label: int = 24, pair: bool = True) -> dict | None:
    """`rows`: objects with label, now and before (reporting.dashboard.Row); `pair=False`: one bar a row
    (`now`), as in a trend over years."""
    if not rows:
        return None
    series = (("now", 0), ("before", BAR + GAP)) if pair else (("now", 0),)
    shown = [
        figure.value
        for row in rows
        for figure in (getattr(row, key) for key, _offset in series)
        if not figure.hidden and figure.value is not None
    ]
    row_height = ROW if pair else BAR + 10
    top = max(shown, default=Decimal(0)) or Decimal(1)
    area = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for index, row in enumerate(rows):
        y = TOP + index * row_height
        label = row.label if len(row.label) <= max_label else row.label[: max_label - 1] + "…"
        middle = y + (BAR + GAP / 2 + 4 if pair else BAR - 2)
        bar = {"label": label, "full_label": row.label, "label_y": _coordinate(middle)}
        for key, offset in series:
            figure = getattr(row, key)
            width = 0.0 if figure.hidden or not figure.value else float(area * figure.value / top)
            bar[key] = {
                "y": _coordinate(y + offset),
                "width": _coordinate(max(width, 0.0)),
                "text": str(figure),
                "text_x": _coordinate(LABEL_WIDTH + width + 4),
                "text_y": _coordinate(y + offset + BAR - 2),
            }
        bars.append(bar)
    return {
        "width": WIDTH,
        "height": TOP + len(rows) * row_height,
        "x": LABEL_WIDTH,
        "bars": bars,
        "bar": BAR,
        "pair": pair,
    }
