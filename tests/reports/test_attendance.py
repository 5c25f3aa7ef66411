"""Attendance per day in the open data: counted per day, protected like every count of people."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registration import checkin
from registration.models import Registration
from reports import attendance, services
from tests.factories import EventFactory, ProgrammeFactory, RegistrationFactory

from .fixtures import HELD_START

pytestmark = pytest.mark.django_db

JSON = "/api/v1/open-data/attendance.json"
CSV = "/api/v1/open-data/attendance.csv"


def event_with_days(*days: int, participants: int | None = None, start=HELD_START, **extra):
    """A held event of len(days) days: the first days[0] people come on day 1, the first
    days[1] on day 2 and so on; `participants` confirmed in all (default: the most of a day)."""
    event = EventFactory(start=start, end=start + timedelta(days=len(days) - 1, hours=8), **extra)
    people = RegistrationFactory.create_batch(participants or max(days), event=event)
    for number, n in enumerate(days):
        for person in people[:n]:
            at = start + timedelta(days=number)
            checkin.check_in(event, person.ticket_code, actor=None, at=at)
    return event


def rows_of(event) -> list[tuple[int, object]]:
    return [
        (row["day_number"], row["checked_in"])
        for row in attendance.open_attendance()
        if row["slug"] == event.slug
    ]


def test_open_attendance_counts_each_day_of_a_held_event(settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = event_with_days(3, 2)

    rows = [row for row in attendance.open_attendance() if row["slug"] == event.slug]

    assert [(r["day_number"], r["checked_in"]) for r in rows] == [(1, 3), (2, 2)]
    assert [r["day"] for r in rows] == ["2025-05-10", "2025-05-11"]
    assert rows[0]["event"] == str(event.uuid)


def test_open_attendance_counts_only_confirmed_people(settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = event_with_days(3, 3)
    Registration.objects.filter(pk=event.registrations.first().pk).update(status="cancelled")
    services.figures_changed()

    assert rows_of(event) == [(1, 2), (2, 2)]


def test_open_attendance_leaves_out_events_not_over(settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    today = timezone.now() - timedelta(hours=1)
    event = event_with_days(3, start=today)

    assert rows_of(event) == []


def test_open_attendance_hides_a_small_day():
    event = event_with_days(6, 2)

    assert rows_of(event) == [(1, 6), (2, "<5")]


def test_open_attendance_hides_days_that_pin_each_other():
    # 8 came, 4 on each day: "<5" twice under 8 check-ins tells 4 and 4.
    event = event_with_days(4, 4, participants=10)
    people = list(event.registrations.order_by("pk"))
    for person in people[:4]:  # day 2 is the other four
        checkin.undo_check_in(event, person.ticket_code, actor=None, at=HELD_START + timedelta(1))
    for person in people[4:8]:
        checkin.check_in(event, person.ticket_code, actor=None, at=HELD_START + timedelta(1))

    report = services.event_report(event)

    assert rows_of(event) == [(1, "<5"), (2, "<5")]
    assert report["check_ins"] == "≥5"  # 8 would give both days away


def test_open_attendance_agrees_with_the_event_report():
    event = event_with_days(7, 2, 6)

    report = services.event_report(event)

    assert [n for _day, n in report["attendance_by_day"]] == [n for _d, n in rows_of(event)]


def test_open_attendance_files_agree(client, settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event_with_days(3, 2, programme=ProgrammeFactory(code="ATT/01"))

    document = client.get(JSON).json()
    table = list(csv.DictReader(io.StringIO(client.get(CSV).content.decode())))

    assert document["suppression_threshold"] == 1 and document["count"] == 2
    assert [r["checked_in"] for r in document["results"]] == [3, 2]
    assert [(r["programme"], r["day"], r["checked_in"]) for r in table] == [
        ("ATT/01", "2025-05-10", "3"),
        ("ATT/01", "2025-05-11", "2"),
    ]


def test_open_attendance_files_hold_no_personal_data(client):
    event = event_with_days(6, 5)
    Registration.objects.filter(event=event).update(affiliation="Viện Vật lý")
    people = Registration.objects.filter(event=event)

    for path in (JSON, CSV):
        body = client.get(path).content.decode()
        for person in people:
            for value in (person.name, person.email, person.ticket_code, person.affiliation):
                assert not value or value not in body
    assert set(json.loads(client.get(JSON).content)["results"][0]) == set(
        attendance.ATTENDANCE_FIELDS
    )


def test_open_attendance_queries_do_not_grow_with_events():
    def queries() -> int:
        services.figures_changed()
        with CaptureQueriesContext(connection) as captured:
            attendance.open_attendance()
        return len(captured)

    event_with_days(6, 5)
    one = queries()
    for n in range(3):
        event_with_days(5, 6, 7, start=HELD_START + timedelta(days=10 * (n + 1)))

    assert queries() == one
    assert len(attendance.open_attendance()) == 11


@pytest.mark.parametrize(
    "language, first, second",
    [("en", "10 May 2025", "11 May 2025"), ("vi", "10/5/2025", "11/5/2025")],
)
def test_event_report_page_dates_each_day_in_the_readers_style(
    client, settings, language, first, second
):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = event_with_days(3, 2)

    page = client.get(f"/{language}/events/{event.slug}/report/").content.decode()

    days = re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td></tr>", page)
    assert days[-2:] == [(first, "3"), (second, "2")]
    assert "2025-05-10" not in page
