import csv
import io

import pytest
from icalendar import Calendar

from registration.models import Registration
from tests.factories import EventFactory, UserFactory

from .fixtures import build_programme

pytestmark = pytest.mark.django_db

FILES = [
    "/api/v1/open-data/events.json",
    "/api/v1/open-data/events.csv",
    "/api/v1/open-data/statistics.json",
    "/api/v1/open-data/statistics.csv",
    "/api/v1/open-data/attendance.json",
    "/api/v1/open-data/attendance.csv",
]
PERSONAL_KEYS = {
    "name", "email", "affiliation", "phone", "answers", "manage_token", "ticket_code",
    "created_by", "online_url", "consent_at", "checked_in_at", "user", "actor", "language",
}  # fmt: skip


@pytest.fixture
def programme(db):
    programme = build_programme()
    owner = UserFactory(username="owner-person", email="owner.person@example.org")
    EventFactory(programme=programme, owner=owner, online_url="https://meet.example.org/secret")
    return programme


def keys_of(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


@pytest.mark.parametrize("path", FILES)
def test_open_data_holds_no_personal_data(client, programme, path):
    body = client.get(path).content.decode()

    for person in Registration.objects.all():
        assert person.email not in body and person.name not in body
    assert "owner.person@example.org" not in body and "meet.example.org/secret" not in body


@pytest.mark.parametrize("path", [p for p in FILES if p.endswith(".json")])
def test_open_data_json_has_no_personal_key_at_any_depth(client, programme, path):
    assert keys_of(client.get(path).json()) & PERSONAL_KEYS == set()


@pytest.mark.parametrize("path", [p for p in FILES if p.endswith(".csv")])
def test_open_data_csv_has_no_personal_column(client, programme, path):
    header = next(csv.reader(io.StringIO(client.get(path).content.decode())))

    assert set(header) & PERSONAL_KEYS == set()


@pytest.mark.parametrize("path", FILES)
def test_open_data_needs_no_sign_in_and_may_be_cached(client, programme, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "max-age" in response["Cache-Control"]


def test_open_data_events_are_the_published_and_cancelled_ones(client, programme):
    results = client.get("/api/v1/open-data/events.json").json()["results"]

    assert {event["status"] for event in results} == {"published", "cancelled"}
    assert len(results) == 6  # 2 held, 1 cancelled, 1 planned, the other programme's, 1 more


def test_open_data_events_carry_a_licence_and_stable_identifiers(client, programme):
    first = client.get("/api/v1/open-data/events.json").json()
    second = client.get("/api/v1/open-data/events.json").json()

    assert first["licence"] == "CC-BY-4.0"
    assert all(event["licence"] == "CC-BY-4.0" for event in first["results"])
    assert [e["id"] for e in first["results"]] == [e["id"] for e in second["results"]]
    assert all(len(event["id"]) == 36 for event in first["results"])


def test_open_data_csv_matches_the_json(client, programme):
    rows = list(csv.DictReader(io.StringIO(client.get(FILES[3]).content.decode())))
    results = client.get(FILES[2]).json()["results"]

    assert len(rows) == len(results)
    assert [row["participants"] for row in rows] == [str(r["participants"]) for r in results]
    assert {row["participants"] for row in rows} >= {"≥5", "<5"}


def test_open_data_statistics_say_the_threshold(client, programme):
    assert client.get(FILES[2]).json()["suppression_threshold"] == 5


def test_calendar_feed_per_programme(client, programme):
    other = EventFactory(title_en="Not in the programme")

    feed = Calendar.from_ical(
        client.get(f"/api/v1/events/calendar.ics?programme={programme.code}").content
    )

    uids = {str(component["UID"]) for component in feed.walk("VEVENT")}
    assert str(other.uuid) not in " ".join(uids)
    assert len(uids) == 5  # all but the draft


def test_calendar_feed_per_field(client, programme):
    feed = Calendar.from_ical(client.get("/api/v1/events/calendar.ics?field=2").content)

    assert len(feed.walk("VEVENT")) == 1


FORMULA = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize(
    "field", ["title_en", "title_vi", "summary_en", "venue_name", "venue_city"]
)
def test_open_data_events_csv_neutralises_formulas(client, programme, field):
    EventFactory(**{field: FORMULA})

    rows = list(csv.DictReader(io.StringIO(client.get(FILES[1]).content.decode())))

    assert [row[field] for row in rows if FORMULA in row[field]] == ["'" + FORMULA]


def test_open_data_events_csv_neutralises_formulas_in_the_host(client, programme):
    from events.models import Organisation

    EventFactory(host=Organisation.objects.create(name="+1 Institute"))

    rows = list(csv.DictReader(io.StringIO(client.get(FILES[1]).content.decode())))

    assert "'+1 Institute" in {row["host"] for row in rows}


def test_open_data_json_keeps_the_text_as_written(client, programme):
    EventFactory(title_en=FORMULA)

    titles = {event["title_en"] for event in client.get(FILES[0]).json()["results"]}

    assert FORMULA in titles
