"""iCalendar files for one reader (the .ics attached to their email): in their language."""

import pytest
from icalendar import Calendar

from events.ical import build_calendar
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def vevent(data: bytes):
    return Calendar.from_ical(data).walk("VEVENT")[0]


def test_calendar_for_a_vietnamese_reader_is_in_vietnamese():
    event = EventFactory(summary_en="Three days.", summary_vi="Ba ngày trao đổi.")

    entry = vevent(build_calendar([event], site_url="https://x.example", name="", language="vi"))

    assert (str(entry["SUMMARY"]), entry["SUMMARY"].params["LANGUAGE"]) == (event.title_vi, "vi")
    assert (str(entry["DESCRIPTION"]), entry["DESCRIPTION"].params["LANGUAGE"]) == (
        "Ba ngày trao đổi.",
        "vi",
    )


def test_calendar_text_missing_in_the_readers_language_says_which_language_it_is_in():
    event = EventFactory(summary_en="Three days.", summary_vi="")

    entry = vevent(build_calendar([event], site_url="https://x.example", name="", language="vi"))

    assert (str(entry["DESCRIPTION"]), entry["DESCRIPTION"].params["LANGUAGE"]) == (
        "Three days.",
        "en",
    )


def test_calendar_without_a_reader_follows_the_active_language_unlabelled():
    event = EventFactory()

    entry = vevent(build_calendar([event], site_url="https://x.example", name=""))

    assert str(entry["SUMMARY"]) == event.title_en
    assert "LANGUAGE" not in entry["SUMMARY"].params


def test_calendar_for_a_vietnamese_reader_names_the_venue_country_in_vietnamese():
    event = EventFactory(venue_city="Hà Nội", venue_country="KR")

    entry = vevent(build_calendar([event], site_url="https://x.example", name="", language="vi"))

    assert str(entry["LOCATION"]).endswith("Hà Nội, Hàn Quốc")
