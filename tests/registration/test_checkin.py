"""The door's rules: one check-in per person and day, codes as people type them."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError

from core.exceptions import Conflict, NotFound
from registration import checkin
from registration.models import CheckIn
from tests.factories import EventFactory, RegistrationFactory, UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DAY_1 = datetime(2027, 2, 8, 8, 30, tzinfo=HANOI)


@pytest.fixture
def two_days():
    """A conference on 8 and 9 February 2027, Hanoi time."""
    return EventFactory(start=DAY_1, end=DAY_1 + timedelta(days=1, hours=9))


def test_check_in_twice_the_same_day_counts_once(two_days):
    registration = register(two_days, 1)
    staff = UserFactory()

    first = checkin.check_in(two_days, registration.ticket_code, actor=staff, at=DAY_1)
    again = checkin.check_in(
        two_days, registration.ticket_code, actor=staff, at=DAY_1 + timedelta(hours=2)
    )

    assert (first.first_time, again.first_time) == (True, False)
    assert again.check_in.at == DAY_1  # the answer names the first scan's time
    assert CheckIn.objects.filter(registration=registration).count() == 1


def test_check_in_on_day_two_is_a_new_check_in(two_days):
    registration = register(two_days, 1)
    staff = UserFactory()
    checkin.check_in(two_days, registration.ticket_code, actor=staff, at=DAY_1)

    day_two = checkin.check_in(
        two_days, registration.ticket_code, actor=staff, at=DAY_1 + timedelta(days=1)
    )

    assert day_two.first_time is True
    assert day_two.check_in.day.isoformat() == "2027-02-09"
    assert checkin.day_number(two_days, day_two.check_in.day) == 2
    registration.refresh_from_db()
    assert registration.checked_in_at == DAY_1  # still the first check-in of all


def test_check_in_day_is_the_events_calendar_day(two_days):
    registration = register(two_days, 1)
    # 23:30 UTC on 8 February is 06:30 on 9 February in Hanoi.
    late = datetime(2027, 2, 8, 23, 30, tzinfo=ZoneInfo("UTC"))

    admission = checkin.check_in(two_days, registration.ticket_code, actor=None, at=late)

    assert admission.check_in.day.isoformat() == "2027-02-09"


@pytest.mark.parametrize("typed", ["{spaced}", "{dashed}", "{lower}", "  {lower}  "])
def test_check_in_accepts_codes_typed_with_spaces_dashes_or_lower_case(two_days, typed):
    registration = register(two_days, 1)
    code = registration.ticket_code
    variants = {
        "spaced": f"{code[:4]} {code[4:8]} {code[8:]}",
        "dashed": f"{code[:4]}-{code[4:8]}-{code[8:]}",
        "lower": code.lower(),
    }

    admission = checkin.check_in(two_days, typed.format(**variants), actor=None, at=DAY_1)

    assert admission.registration.pk == registration.pk


def test_check_in_waitlisted_is_conflict():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    waiting = register(event, 2)

    with pytest.raises(Conflict) as error:
        checkin.check_in(event, waiting.ticket_code, actor=UserFactory())

    assert error.value.code == "ticket_waitlisted"


def test_check_in_other_events_ticket_is_not_found():
    registration = register(EventFactory(), 1)

    with pytest.raises(NotFound):
        checkin.check_in(EventFactory(), registration.ticket_code, actor=UserFactory())


def test_undo_check_in_undoes_that_days_only(two_days):
    registration = register(two_days, 1)
    checkin.check_in(two_days, registration.ticket_code, actor=None, at=DAY_1)
    day_two = DAY_1 + timedelta(days=1)
    checkin.check_in(two_days, registration.ticket_code, actor=None, at=day_two)

    checkin.undo_check_in(two_days, registration.ticket_code, actor=None, at=day_two)

    days = list(CheckIn.objects.filter(registration=registration).values_list("day", flat=True))
    assert [day.isoformat() for day in days] == ["2027-02-08"]
    registration.refresh_from_db()
    assert registration.checked_in_at == DAY_1


def test_undo_of_the_only_check_in_clears_time():
    event = EventFactory()
    registration = register(event, 1)
    checkin.check_in(event, registration.ticket_code, actor=UserFactory())

    checkin.undo_check_in(event, registration.ticket_code, actor=UserFactory())

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_undo_when_not_checked_in_today_is_conflict(two_days):
    registration = register(two_days, 1)
    checkin.check_in(two_days, registration.ticket_code, actor=None, at=DAY_1)

    with pytest.raises(Conflict) as error:
        checkin.undo_check_in(
            two_days, registration.ticket_code, actor=None, at=DAY_1 + timedelta(days=1)
        )

    assert error.value.code == "not_checked_in"


def test_check_in_once_per_person_and_day_is_enforced_by_the_database(two_days):
    registration = RegistrationFactory(event=two_days)
    CheckIn.objects.create(registration=registration, event=two_days, day=DAY_1.date(), at=DAY_1)

    with pytest.raises(IntegrityError):
        CheckIn.objects.create(
            registration=registration, event=two_days, day=DAY_1.date(), at=DAY_1
        )


def test_attendance_by_day_counts_each_day(two_days):
    people = [register(two_days, n) for n in range(3)]
    for person in people:
        checkin.check_in(two_days, person.ticket_code, actor=None, at=DAY_1)
    checkin.check_in(two_days, people[0].ticket_code, actor=None, at=DAY_1 + timedelta(days=1))

    by_day = checkin.attendance_by_day(two_days)

    assert [(day.isoformat(), n) for day, n in by_day] == [("2027-02-08", 3), ("2027-02-09", 1)]


def test_day_number_is_none_for_a_one_day_event():
    event = EventFactory(start=DAY_1, end=DAY_1 + timedelta(hours=8))

    assert checkin.day_number(event, DAY_1.date()) is None


def test_door_search_finds_names_without_accents(two_days):
    register(two_days, 1, name="Trần Thị Mai")
    register(two_days, 2, name="Nguyễn Văn An")

    found = checkin.door_search(two_days, "tran thi mai", DAY_1.date())

    assert [person["name"] for person in found] == ["Trần Thị Mai"]
    assert set(found[0]) == {
        "name",
        "participant_type",
        "participant_type_label",
        "status",
        "status_label",
        "ticket_code",
        "checked_in_today",
        "checked_in_at",
    }


def test_door_search_says_who_is_checked_in_today(two_days):
    mai = register(two_days, 1, name="Trần Thị Mai")
    checkin.check_in(two_days, mai.ticket_code, actor=None, at=DAY_1)

    today = checkin.door_search(two_days, "Mai", DAY_1.date())
    tomorrow = checkin.door_search(two_days, "Mai", DAY_1.date() + timedelta(days=1))

    assert (today[0]["checked_in_today"], tomorrow[0]["checked_in_today"]) == (True, False)
