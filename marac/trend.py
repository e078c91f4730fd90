"""A person's risk over time as a small server-rendered SVG (points and a line; the table under it
carries the same figures for screen readers and for print)."""

from __future__ import annotations

from marac.models import LEVEL_ORDER

WIDTH, HEIGHT, PAD = 600, 160, 24


def trend_points(assessments: list) -> dict | None:
    """Coordinates for the score line and a mark per assessment (shape by level, so grey print reads)."""
    if len(assessments) < 2:
        return None
    top = max(max(a.score for a in assessments), max(a.questionnaire.high_from for a in assessments), 1)
    step = (WIDTH - 2 * PAD) / (len(assessments) - 1)
    points = []
    for index, assessment in enumerate(assessments):
        x = PAD + index * step
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * assessment.score / top
        points.append(
            {
                # SVG coordinates as text: the page's locale would print a decimal comma.
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "corner_x": f"{x - 6:.1f}",
                "corner_y": f"{y - 6:.1f}",
                "score": assessment.score,
                "level": assessment.level,
                "rank": LEVEL_ORDER[assessment.level],
                "label": f"{assessment.assessed_on:%d.%m.%Y}",
            }
        )
    high = assessments[-1].questionnaire.high_from
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "points": points,
        "high_y": f"{HEIGHT - PAD - (HEIGHT - 2 * PAD) * high / top:.1f}",
        "left": PAD,
        "right": WIDTH - PAD,
        "bottom": HEIGHT - PAD,
    }
