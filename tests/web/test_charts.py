"""Every chart, drawn in both languages, has plain SVG numbers and labels inside its box.

A Vietnamese page once wrote bar widths as "180,0" (no SVG length: no bars) and cut the
longest bar's number off at the right edge ("36" showed as "3").
"""

import re
import xml.etree.ElementTree as ET

import pytest

from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.reports.fixtures import build_programme
from web import charts

pytestmark = pytest.mark.django_db

SVG = re.compile(r'<svg class="chart".*?</svg>', re.S)
PLAIN = re.compile(r"-?\d+(\.\d+)?")  # what SVG reads: no decimal comma, no grouping


def number(text: str) -> float:
    assert PLAIN.fullmatch(text), f"{text!r} is not a plain SVG number"
    return float(text)


def check_geometry(svg: str) -> list[str]:
    """Assert that everything in one chart lies inside its viewBox; return its texts."""
    root = ET.fromstring(svg)  # noqa: S314 (our own page, not untrusted input)
    x0, y0, width, height = (number(part) for part in root.get("viewBox").split(" "))
    assert (x0, y0) == (0, 0)
    assert number(root.get("width")) == width and number(root.get("height")) == height
    texts = []
    for element in root:
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "rect":
            x, y = number(element.get("x")), number(element.get("y"))
            w, h = number(element.get("width")), number(element.get("height"))
            assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
        elif tag == "text":
            x, y = number(element.get("x")), number(element.get("y"))
            label = element.text or ""
            extent = charts.text_width(label)
            if element.get("text-anchor") == "end":
                assert x - extent >= 0 and x <= width, label
            else:
                assert x >= 0 and x + extent <= width, f"{label!r} runs out of the chart"
            assert 0 < y <= height
            texts.append(label)
        elif tag == "polyline":
            for point in element.get("points").split(" "):
                px, py = (number(part) for part in point.split(","))
                assert 0 <= px <= width and 0 <= py <= height
        elif tag == "line":
            for name in ("x1", "x2"):
                assert 0 <= number(element.get(name)) <= width
            for name in ("y1", "y2"):
                assert 0 <= number(element.get(name)) <= height
    return texts


def charts_in(page: str) -> list[list[str]]:
    found = SVG.findall(page)
    assert found, "no chart on the page"
    return [check_geometry(svg) for svg in found]


def test_bars_value_label_of_the_longest_bar_fits():
    chart = charts.bars([("Việt Nam", 36), ("Nhật Bản", 3)])
    longest = chart["bars"][0]

    assert float(longest.value_x) + charts.text_width("36") <= chart["width"]
    assert float(chart["bar_x"]) + longest.width < float(longest.value_x)


def test_bars_numbers_are_plain_strings_with_a_decimal_point():
    chart = charts.bars([("A", 2), ("B", 3)])

    assert [bar.bar_width for bar in chart["bars"]] == [
        charts.number(chart["bars"][0].width),
        charts.number(chart["bars"][1].width),
    ]
    assert all(PLAIN.fullmatch(bar.bar_width) for bar in chart["bars"])
    assert "," not in chart["view_box"]


def test_bars_shorten_long_labels_to_their_room():
    chart = charts.bars([("International Centre for Interdisciplinary Science", 5)])

    assert chart["bars"][0].label.endswith("…")
    assert len(chart["bars"][0].label) == charts.LABEL_CHARS


@pytest.mark.parametrize("language", ["en", "vi"])
def test_registrations_page_charts_have_whole_bars_and_numbers(client, language):
    owner = UserFactory()
    event = EventFactory(owner=owner)
    RegistrationFactory.create_batch(36, event=event, country="VN")
    RegistrationFactory.create_batch(3, event=event, country="KR")
    client.force_login(owner)

    page = client.get(f"/{language}/organiser/events/{event.slug}/registrations/").content.decode()

    by_country, *_ = charts_in(page)
    assert "36" in by_country and "3" in by_country
    assert ("Việt Nam" if language == "vi" else "Vietnam") in by_country
    assert 'width="180,0"' not in page


@pytest.mark.parametrize("language", ["en", "vi"])
def test_dashboard_chart_is_inside_its_box(client, language):
    owner = UserFactory()
    event = EventFactory(owner=owner)
    RegistrationFactory.create_batch(12, event=event)
    client.force_login(owner)

    (texts,) = charts_in(client.get(f"/{language}/organiser/").content.decode())

    assert "12" in texts


@pytest.mark.parametrize("language", ["en", "vi"])
def test_programme_page_charts_are_inside_their_box(client, language):
    programme = build_programme()

    page = client.get(f"/{language}/programmes/{programme.slug}/").content.decode()

    drawn = charts_in(page)
    assert any(label.isdigit() for texts in drawn for label in texts)
