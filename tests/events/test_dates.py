"""One date style per language, the place's clock in words (events/dates.py)."""

import re
import zoneinfo
from datetime import date, datetime
from pathlib import Path

import pytest
from django.utils import translation

from events import dates

SAIGON = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MOMENT = datetime(2027, 2, 8, 8, 30, tzinfo=SAIGON)
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "8 Feb 2027, 08:30"), ("vi", "08:30, 8/2/2027")]
)
def test_when_writes_the_languages_one_style(language, expected):
    with translation.override(language):
        assert dates.when(MOMENT) == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "8 Feb 2027"), ("vi", "8/2/2027")])
def test_day_writes_the_date_alone_in_the_same_style(language, expected):
    with translation.override(language):
        assert dates.day(date(2027, 2, 8)) == expected


def test_when_reads_the_moment_on_the_zones_clock():
    utc = datetime(2027, 2, 8, 7, 30, tzinfo=zoneinfo.ZoneInfo("UTC"))

    with translation.override("en"):
        assert dates.when(utc, "Europe/Berlin") == "8 Feb 2027, 08:30"


@pytest.mark.parametrize(
    ("zone", "language", "expected"),
    [
        ("Asia/Ho_Chi_Minh", "en", "Vietnam time (UTC+7)"),
        ("Asia/Ho_Chi_Minh", "vi", "giờ Việt Nam (UTC+7)"),
        ("Europe/Berlin", "en", "Berlin time (UTC+1)"),
        ("Europe/Berlin", "vi", "giờ Berlin (UTC+1)"),
        ("Asia/Kolkata", "en", "India time (UTC+5:30)"),
        ("America/Lima", "en", "Lima time (UTC-5)"),
        ("America/Argentina/Buenos_Aires", "vi", "giờ Buenos Aires (UTC-3)"),
    ],
)
def test_zone_words_name_the_place_and_its_offset(zone, language, expected):
    with translation.override(language):
        assert dates.zone_words(zone, MOMENT) == expected


def test_zone_words_give_the_offset_in_force_at_that_moment():
    summer = datetime(2027, 7, 1, 12, 0, tzinfo=SAIGON)

    with translation.override("en"):
        assert dates.zone_words("Europe/Berlin", summer) == "Berlin time (UTC+2)"


# --- No stray formats -----------------------------------------------------------------------

SOURCES = [
    path
    for folder in ("config", "events", "notifications", "registration", "reports", "web")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".py", ".html", ".txt") and "migrations" not in path.parts
]
# `|date:` only with the month heading of the calendar; anything else goes through when/day.
STRAY_TEMPLATE = re.compile(r'\|date:"(?!YEAR_MONTH_FORMAT|F Y")|\|time:"')
# Python formats dates through events/dates.py; strftime only writes ISO values for machines.
STRAY_PYTHON = re.compile(r"date_format\(|strftime\(\"(?!%Y-%m)")


def test_no_template_formats_dates_by_itself():
    stray = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in SOURCES
        if path.suffix in (".html", ".txt")
        for line in path.read_text().splitlines()
        if STRAY_TEMPLATE.search(line)
    ]

    assert stray == []


def test_no_python_code_formats_dates_outside_the_date_helper():
    stray = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in SOURCES
        if path.suffix == ".py" and path != ROOT / "events" / "dates.py"
        for line in path.read_text().splitlines()
        if STRAY_PYTHON.search(line)
    ]

    assert stray == []
