"""No count of people below the threshold can be worked out from everything published.

An onlooker (tests/reports/attacker.py) reads statistics.json, statistics.csv, events.json,
attendance.json, the programme pages and every held event's report, writes down every sum they
know holds, and solves. Only zeros may come out.
"""

import csv
import io
import re
from datetime import datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone

from core.countries import resolve_country
from events.models import ParticipantType
from registration import checkin
from tests.factories import EventFactory, ProgrammeFactory, RegistrationFactory

from .attacker import Onlooker
from .fixtures import build_programme

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
METRICS = ("participants", "check_ins", "international_participants")
REPORT_FIGURES = {
    "Registrations": "registrations",
    "Confirmed participants": "participants",
    "Checked in": "check_ins",
    "International participants": "international_participants",
}


def held(programme, start: datetime, people: list[tuple[str, str, bool]], **extra):
    """An event that is over, with confirmed people given as (country, type, checked in)."""
    event = EventFactory(programme=programme, start=start, end=start + timedelta(hours=8), **extra)
    for country, kind, came in people:
        RegistrationFactory(
            event=event,
            country=country,
            participant_type=kind,
            checked_in_at=start if came else None,
        )
    return event


def crowd(n: int, country: str, kind: str = "delegate", came: int = 0):
    return [(country, kind, i < came) for i in range(n)]


@pytest.fixture
def adversarial(db):
    """Several small countries, one small quarter, a lone foreigner, per-event numbers."""
    programme = ProgrammeFactory(code="ADV/01")
    day = datetime(2025, 2, 3, 9, 0, tzinfo=HANOI)
    # The issue's case: 13 participants, VN 12 and JP "<5".
    held(programme, day, crowd(11, "VN", came=9) + [("VN", "student", False)] + crowd(1, "JP"))
    held(programme, day + timedelta(days=7), crowd(3, "VN", came=3) + crowd(2, "TH", came=2)
         + crowd(2, "KR", "speaker", came=2))  # fmt: skip
    # A small quarter: 3 people.
    held(programme, day.replace(month=5), crowd(1, "VN") + crowd(2, "US", "student"))
    # A big quarter, one event all from home, one with a cancellation.
    third = held(programme, day.replace(month=8), crowd(15, "VN", came=10) + crowd(5, "JP", came=2))
    RegistrationFactory(event=third, status="cancelled", country="FR")
    held(programme, day.replace(month=8, day=20), crowd(6, "VN", came=6))
    # A cancelled event with people (never counted) and an upcoming one next year.
    held(programme, day.replace(month=11), crowd(4, "DE"), status="cancelled")
    upcoming = timezone.now() + timedelta(days=400)
    EventFactory(programme=programme, start=upcoming, end=upcoming + timedelta(hours=2))
    # Another programme and an event of none, both small.
    held(ProgrammeFactory(code="ADV/02"), day, crowd(4, "VN") + crowd(3, "LA"))
    held(None, day, crowd(8, "VN") + crowd(1, "KH"))
    return programme


def number(text: str):
    return text if text.startswith(("<", "≥")) else int(text)


def read_everything(client, onlooker: Onlooker) -> None:
    """Everything an outsider can download, written down as cells and sums."""
    statistics = client.get("/api/v1/open-data/statistics.json").json()["results"]
    rows = [r for r in statistics if r["dimension"] == "total"]
    for row in rows:
        for metric in METRICS:
            onlooker.see(
                ("stat", row["programme"], row["year"], row["quarter"], metric), row[metric]
            )
    body = client.get("/api/v1/open-data/statistics.csv").content.decode()
    for row in csv.DictReader(io.StringIO(body)):
        if row["dimension"] == "total":
            quarter = int(row["quarter"]) if row["quarter"] else None
            for metric in METRICS:
                key = ("stat", row["programme"] or None, int(row["year"]), quarter, metric)
                onlooker.see(key, number(row[metric]))
    for row in rows:
        onlooker.within(("stat", row["programme"], row["year"], row["quarter"]))
    years = {(r["programme"], r["year"]) for r in rows}
    for programme, year in years:
        quarters = [r["quarter"] for r in rows if (r["programme"], r["year"]) == (programme, year)]
        for metric in METRICS:
            onlooker.sum(
                ("stat", programme, year, None, metric),
                [("stat", programme, year, q, metric) for q in quarters if q],
            )

    # Which event falls in which quarter, and whether it is over: events.json says.
    local = ZoneInfo(settings.TIME_ZONE)
    parts: dict[tuple, list] = {}
    for event in client.get("/api/v1/open-data/events.json").json()["results"]:
        if event["status"] != "published":
            continue
        start = datetime.fromisoformat(event["start"]).astimezone(local)
        place = (event["programme"], start.year, (start.month - 1) // 3 + 1)
        over = datetime.fromisoformat(event["end"]) < timezone.now()
        parts.setdefault(place, [])
        if over:
            read_report(client, event["slug"], onlooker)
            parts[place].append(event["slug"])
        else:
            parts[place].append(None)  # not over yet: no report
    for row in client.get("/api/v1/open-data/attendance.json").json()["results"]:
        onlooker.see(("day", row["slug"], row["day"]), row["checked_in"], listed=True)
    for (programme, year, quarter), slugs in parts.items():
        for metric in METRICS:
            members = [("event", slug, metric) for slug in slugs if slug]
            if None in slugs:
                onlooker.unknown(("upcoming", programme, year, quarter, metric))
                members.append(("upcoming", programme, year, quarter, metric))
            onlooker.sum(("stat", programme, year, quarter, metric), members)


def read_report(client, slug: str, onlooker: Onlooker) -> None:
    body = client.get(f"/en/events/{slug}/report.csv").content.decode()
    figures = {row["figure"]: row["value"] for row in csv.DictReader(io.StringIO(body))}
    for label, name in REPORT_FIGURES.items():
        onlooker.see(("event", slug, name), number(figures[label]))
    # The report names countries ("Country: Việt Nam"); the onlooker knows their codes.
    countries = {
        resolve_country(label.split(": ")[1]): value
        for label, value in figures.items()
        if label.startswith("Country: ")
    }
    types = {
        code: figures[str(label)]
        for code, label in ParticipantType.choices
        if str(label) in figures
    }
    for code, value in countries.items():
        onlooker.see(("country", slug, code), number(value), listed=True)
    for code, value in types.items():
        onlooker.see(("type", slug, code), number(value), listed=True)
    total = ("event", slug, "participants")
    onlooker.within(("event", slug))
    # Everyone here gave a country: the onlooker may as well know it.
    onlooker.sum(total, [("country", slug, code) for code in countries])
    onlooker.sum(
        ("event", slug, "international_participants"),
        [("country", slug, code) for code in countries if code != settings.HOME_COUNTRY],
    )
    onlooker.sum(total, [("type", slug, code) for code in types])
    home = [("country", slug, code) for code in countries if code == settings.HOME_COUNTRY]
    onlooker.sum(("event", slug, "local"), home)
    onlooker.unknown(("others", slug))
    onlooker.sum(("event", slug, "registrations"), [total, ("others", slug)])
    days = {
        label.removeprefix("Checked in on "): value
        for label, value in figures.items()
        if label.startswith("Checked in on ")
    }
    for day, value in days.items():
        onlooker.see(("day", slug, day), number(value), listed=True)
    # Who came on which days: every combination of days is a count nobody publishes.
    groups = [set(g) for size in range(1, len(days) + 1) for g in combinations(sorted(days), size)]
    for group in groups:
        onlooker.unknown(("came on", slug, *sorted(group)))
    if days:
        onlooker.sum(("event", slug, "check_ins"), [("came on", slug, *sorted(g)) for g in groups])
    for day in days:
        members = [("came on", slug, *sorted(g)) for g in groups if day in g]
        onlooker.sum(("day", slug, day), members)


def test_onlooker_finds_the_hidden_count_of_the_issue():
    onlooker = Onlooker()
    for cell, value in (("total", 13), ("VN", 12), ("JP", "<5")):
        onlooker.see(cell, value, listed=cell != "total")
    onlooker.sum("total", ["VN", "JP"])

    assert onlooker.leaks() == {"JP": 1}


def test_onlooker_finds_counts_pinned_by_their_bounds():
    onlooker = Onlooker()
    for cell, value in (("total", 13), ("VN", 5), ("JP", "<5"), ("DE", "<5")):
        onlooker.see(cell, value, listed=cell != "total")
    onlooker.sum("total", ["VN", "JP", "DE"])

    assert onlooker.leaks() == {"JP": 4, "DE": 4}


def test_no_small_count_can_be_worked_out_from_everything_published(client, adversarial):
    onlooker = Onlooker()

    read_everything(client, onlooker)

    assert onlooker.leaks() == {}


def test_no_small_count_can_be_worked_out_of_the_fixture_programme(client):
    build_programme()
    onlooker = Onlooker()

    read_everything(client, onlooker)

    assert onlooker.leaks() == {}


def attended(programme, start: datetime, days: list[list[bool]], **extra):
    """A held event of len(days[0]) days; each person's row says on which days they came."""
    event = EventFactory(
        programme=programme, start=start, end=start + timedelta(days=len(days[0]) - 1, hours=8)
    )
    for came in days:
        person = RegistrationFactory(event=event, **extra)
        for number, here in enumerate(came):
            if here:
                moment = start + timedelta(days=number)
                checkin.check_in(event, person.ticket_code, actor=None, at=moment)
    return event


@pytest.fixture
def days_of_attendance(db):
    """Multi-day events whose days are small, pin each other or pin the check-ins."""
    programme = ProgrammeFactory(code="ADV/03")
    day = datetime(2025, 3, 3, 9, 0, tzinfo=HANOI)
    attended(programme, day, [[True, False]] * 4 + [[False, True]] * 4 + [[False, False]] * 2)
    attended(programme, day + timedelta(days=7), [[True, True, True]] * 6 + [[True, False, True]]
             + [[False, False, False]] * 3)  # fmt: skip
    attended(programme, day + timedelta(days=14), [[True]] * 3 + [[False]] * 7)
    attended(programme, day.replace(month=6), [[True, True]] * 9 + [[True, False]] * 2)
    return programme


def test_no_small_count_of_a_day_can_be_worked_out(client, days_of_attendance):
    onlooker = Onlooker()

    read_everything(client, onlooker)

    assert any(cell[0] == "day" for cell in onlooker.bounds)  # days are withheld, and read
    assert onlooker.leaks() == {}


def test_withholding_keeps_what_it_can(client, adversarial):
    """The protection hides what it must, not everything: some big figures stay published."""
    rows = client.get("/api/v1/open-data/statistics.json").json()["results"]
    quarters = {r["quarter"]: r for r in rows if (r["programme"], r["year"]) == ("ADV/01", 2025)}

    assert quarters[1]["participants"] == 20
    assert quarters[3]["check_ins"] == 18


def test_secondary_suppression_says_at_least_the_threshold(client, adversarial):
    rows = client.get("/api/v1/open-data/statistics.json").json()["results"]
    values = {r[m] for r in rows for m in METRICS if isinstance(r[m], str)}

    assert values <= {"<5", "≥5"}
    assert "≥5" in values


def test_programme_page_shows_only_the_published_figures(client, adversarial):
    rows = client.get("/api/v1/open-data/statistics.json").json()["results"]
    allowed = {str(r[m]) for r in rows if r["programme"] == "ADV/01" for m in METRICS}
    allowed |= {str(r["countries"]) for r in rows if r["programme"] == "ADV/01"}
    page = client.get(f"/en/programmes/{adversarial.slug}/").content.decode()

    people = []
    for cells in re.findall(r'<th scope="row">Q\d</th>(.*?)</tr>', page, re.DOTALL):
        shown = re.findall(r'<td class="num">(?:<a [^>]*>)?([^<]+)(?:</a>)?</td>', cells)
        people += [html_text(value) for value in shown[3:]]  # after the 3 counts of events

    assert people and set(people) <= allowed


def html_text(value: str) -> str:
    return value.replace("&lt;", "<").replace("&ge;", "≥").strip()
