"""Small charts drawn on the server as SVG: no JavaScript library, readable without one.

Every chart is also given as a table in the page, so screen readers get the figures.

Every number that goes into the SVG is formatted here, in Python, as a plain string with a
decimal point: template filters localise numbers, and a Vietnamese page would write "180,0",
which is no SVG length at all (the bars then vanish). The templates print these strings only.
"""

from dataclasses import dataclass
from datetime import date

FONT_SIZE = 11  # px, as `.chart text` in the stylesheet
# A generous average advance of a character at FONT_SIZE (digits are ~0.55em, most letters
# less): labels are given room for this width so their last character is never cut off.
CHAR_WIDTH = 7.0
LABEL_CHARS = 18  # longer labels are shortened with an ellipsis (the table has them whole)
GAP = 4


def number(value: float) -> str:
    """A number as SVG and CSS read it: a decimal point, no grouping, at most one decimal."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str) -> float:
    """The estimated width of a text at the chart's font size."""
    return len(text) * CHAR_WIDTH


def shorten(label: str, chars: int = LABEL_CHARS) -> str:
    return label if len(label) <= chars else label[: chars - 1] + "…"


@dataclass
class Bar:
    label: str
    value: int
    y: float
    width: float
    # Ready-made SVG attribute values (see the module's docstring).
    text_y: str = ""
    bar_y: str = ""
    bar_width: str = ""
    value_x: str = ""


def bars(rows: list[tuple[str, int]], width: int = 320, row_height: int = 22) -> dict:
    """Horizontal bars for (label, value) rows, scaled to the largest value.

    The space for the labels on the left and for the longest number on the right is measured
    first, and the bars share what is left, so the largest bar's number stays inside the chart.
    """
    largest = max((value for _, value in rows), default=0) or 1
    labels = [shorten(str(label)) for label, _ in rows]
    label_room = max((text_width(text) for text in labels), default=0) + GAP * 2
    label_room = min(label_room, text_width("x" * LABEL_CHARS) + GAP * 2)
    value_room = max((text_width(str(value)) for _, value in rows), default=0) + GAP * 2
    room = max(width - label_room - value_room, 20)
    items = []
    for i, ((_, value), label) in enumerate(zip(rows, labels, strict=True)):
        y = i * row_height
        bar_width = max(room * value / largest, 1 if value else 0)
        items.append(
            Bar(
                label=label,
                value=value,
                y=y,
                width=bar_width,
                text_y=number(y + 15),
                bar_y=number(y + 3),
                bar_width=number(bar_width),
                value_x=number(label_room + bar_width + GAP),
            )
        )
    height = max(len(rows), 1) * row_height
    return {
        "bars": items,
        "width": width,
        "height": height,
        "bar_x": number(label_room),
        "view_box": f"0 0 {number(width)} {number(height)}",
    }


def line(points: list[tuple[date, int]], width: int = 640, height: int = 160) -> dict:
    """A polyline of daily values, with the first and last day and the peak labelled."""
    largest = max((value for _, value in points), default=0) or 1
    # The axis starts after the widest number written on its left.
    left = max(30, int(text_width(str(largest))) + GAP * 2)
    bottom, top = height - 20, 10
    step = (width - left - 10) / max(len(points) - 1, 1)
    coords = [
        (left + i * step, bottom - (bottom - top) * value / largest)
        for i, (_, value) in enumerate(points)
    ]
    return {
        "width": width,
        "height": height,
        "view_box": f"0 0 {number(width)} {number(height)}",
        "path": " ".join(f"{number(x)},{number(y)}" for x, y in coords),
        "left": number(left),
        "bottom": number(bottom),
        "top": number(top),
        "peak_y": number(top + 4),
        "width_text": number(width),
        "height_text": number(height),
        "peak": largest,
        "first": points[0][0] if points else None,
        "last": points[-1][0] if points else None,
        "total": sum(value for _, value in points),
    }
