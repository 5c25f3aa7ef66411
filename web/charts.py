"""Small charts drawn on the server as SVG: no JavaScript library, readable without one.

Every chart is also given as a table in the page, so screen readers get the figures.
"""

from dataclasses import dataclass
from datetime import date


@dataclass
class Bar:
    label: str
    value: int
    y: float
    width: float


def bars(rows: list[tuple[str, int]], width: int = 320, row_height: int = 22) -> dict:
    """Horizontal bars for (label, value) rows, scaled to the largest value."""
    largest = max((value for _, value in rows), default=0) or 1
    room = width - 140
    items = [
        Bar(str(label), value, i * row_height, max(room * value / largest, 1 if value else 0))
        for i, (label, value) in enumerate(rows)
    ]
    return {"bars": items, "width": width, "height": max(len(rows), 1) * row_height}


def line(points: list[tuple[date, int]], width: int = 640, height: int = 160) -> dict:
    """A polyline of daily values, with the first and last day and the peak labelled."""
    largest = max((value for _, value in points), default=0) or 1
    left, bottom, top = 30, height - 20, 10
    step = (width - left - 10) / max(len(points) - 1, 1)
    coords = [
        (left + i * step, bottom - (bottom - top) * value / largest)
        for i, (_, value) in enumerate(points)
    ]
    return {
        "width": width,
        "height": height,
        "path": " ".join(f"{x:.1f},{y:.1f}" for x, y in coords),
        "left": left,
        "bottom": bottom,
        "top": top,
        "peak": largest,
        "first": points[0][0] if points else None,
        "last": points[-1][0] if points else None,
        "total": sum(value for _, value in points),
    }
