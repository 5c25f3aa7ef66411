"""The list of stored countries that look like a mistaken entry."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registration.country_checks import suspicious_countries
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_suspicious_countries_flags_vi_from_a_vietnamese_form():
    wrong = RegistrationFactory(country="VI", language="vi")
    RegistrationFactory(country="VN", language="vi")

    (suspect,) = suspicious_countries()

    assert (suspect.registration, suspect.reason, suspect.perhaps) == (wrong, "cut_name", ["VN"])


def test_suspicious_countries_flags_a_code_that_is_no_country():
    wrong = RegistrationFactory(country="XX", language="en")

    (suspect,) = suspicious_countries()

    assert (suspect.registration, suspect.reason) == (wrong, "not_a_country")


def test_suspicious_countries_leaves_a_code_that_starts_its_own_name():
    # "GE" is Georgia's own start: nothing tells it apart from a cut "Germany".
    RegistrationFactory(country="GE", language="en")
    RegistrationFactory(country="JP", language="vi")

    assert suspicious_countries() == []


def test_suspicious_countries_command_lists_one_event():
    forum = EventFactory(slug="forum")
    RegistrationFactory(event=forum, country="VI", language="vi", name="Nguyễn An")
    RegistrationFactory(event=EventFactory(slug="other"), country="VI", language="vi")
    out, err = StringIO(), StringIO()

    call_command("suspicious_countries", "--event", "forum", stdout=out, stderr=err)

    (line,) = out.getvalue().splitlines()
    assert line.startswith("forum\t#") and "Nguyễn An" in line and "perhaps Vietnam (VN)" in line
    assert "1 registration(s) to check." in err.getvalue()


def test_suspicious_countries_command_unknown_event_is_an_error():
    with pytest.raises(CommandError, match="nowhere"):
        call_command("suspicious_countries", "--event", "nowhere", stdout=StringIO())
