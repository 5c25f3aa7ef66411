"""iCalendar export: one event (/events/{slug}/calendar.ics) and the feed (/events/calendar.ics)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
TIMEZONES = ["Europe/Berlin", "Asia/Ho_Chi_Minh"]


@pytest.fixture
def berlin():
    """A winter event in Berlin (UTC+1): 09:00-17:00 local time."""
    start = datetime(2027, 1, 15, 9, 0, tzinfo=BERLIN)
    return EventFactory(
        slug="berlin-workshop",
        title_en="Berlin Quantum Workshop",
        title_vi="Hội thảo lượng tử Berlin",
        timezone="Europe/Berlin",
        start=start,
        end=start + timedelta(hours=8),
    )


@pytest.fixture
def saigon():
    """An event in Ho Chi Minh City (UTC+7): 08:30-16:30 local time."""
    start = datetime(2027, 3, 10, 8, 30, tzinfo=SAIGON)
    return EventFactory(
        slug="saigon-forum",
        title_en="Saigon Innovation Forum",
        title_vi="Diễn đàn Đổi mới sáng tạo Sài Gòn",
        timezone="Asia/Ho_Chi_Minh",
        start=start,
        end=start + timedelta(hours=8),
    )


@pytest.fixture
def events(berlin, saigon):
    return {"Europe/Berlin": berlin, "Asia/Ho_Chi_Minh": saigon}


def calendar_of(response) -> Calendar:
    assert response.status_code == 200, response.content[:500]
    return Calendar.from_ical(response.content)


def only_entry(calendar: Calendar):
    entries = calendar.walk("VEVENT")
    assert len(entries) == 1, entries
    return entries[0]


def entries_by_uid(calendar: Calendar) -> dict:
    return {str(entry["UID"]): entry for entry in calendar.walk("VEVENT")}


def uid_of(event) -> str:
    return f"{event.uuid}@scievents"


# --- One event ------------------------------------------------------------------------------


def test_event_calendar_is_text_calendar(api, berlin):
    response = api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/calendar"


def test_event_calendar_is_attachment_named_after_slug(api, berlin):
    response = api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")

    assert response["Content-Disposition"] == 'attachment; filename="berlin-workshop.ics"'


def test_event_calendar_parses_as_one_vevent(api, berlin):
    calendar = calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics"))

    assert len(calendar.walk("VEVENT")) == 1


def test_event_calendar_summary_is_event_title(api, berlin):
    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(entry["SUMMARY"]) == "Berlin Quantum Workshop"


def test_event_calendar_summary_follows_accept_language(api, berlin):
    response = api.get(f"/api/v1/events/{berlin.slug}/calendar.ics", HTTP_ACCEPT_LANGUAGE="vi")

    entry = only_entry(calendar_of(response))

    assert str(entry["SUMMARY"]) == "Hội thảo lượng tử Berlin"


@pytest.mark.parametrize("tz", TIMEZONES)
def test_event_calendar_dtstart_carries_event_tzid(api, events, tz):
    event = events[tz]

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics")))

    assert entry["DTSTART"].params["TZID"] == tz


@pytest.mark.parametrize("tz", TIMEZONES)
def test_event_calendar_dtend_carries_event_tzid(api, events, tz):
    event = events[tz]

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics")))

    assert entry["DTEND"].params["TZID"] == tz


@pytest.mark.parametrize("tz", TIMEZONES)
def test_event_calendar_dtstart_is_event_start_instant(api, events, tz):
    event = events[tz]

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics")))

    assert entry.decoded("DTSTART") == event.start


@pytest.mark.parametrize("tz", TIMEZONES)
def test_event_calendar_dtend_is_event_end_instant(api, events, tz):
    event = events[tz]

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics")))

    assert entry.decoded("DTEND") == event.end


@pytest.mark.parametrize(
    ("tz", "wall_clock"),
    [("Europe/Berlin", "20270115T090000"), ("Asia/Ho_Chi_Minh", "20270310T083000")],
)
def test_event_calendar_dtstart_is_local_wall_clock_time(api, events, tz, wall_clock):
    event = events[tz]

    body = api.get(f"/api/v1/events/{event.slug}/calendar.ics").content.decode()

    assert f"DTSTART;TZID={tz}:{wall_clock}" in body.replace("\r\n ", "")


@pytest.mark.parametrize("tz", TIMEZONES)
def test_event_calendar_defines_vtimezone_for_its_tzid(api, events, tz):
    event = events[tz]

    calendar = calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics"))

    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == [tz]


def test_event_calendar_uid_is_stable_across_requests(api, berlin):
    url = f"/api/v1/events/{berlin.slug}/calendar.ics"

    first = only_entry(calendar_of(api.get(url)))
    second = only_entry(calendar_of(api.get(url)))

    assert str(first["UID"]) == str(second["UID"]) == uid_of(berlin)


def test_event_calendar_uid_survives_a_change_of_title(api, owner_api, owner):
    event = EventFactory(owner=owner)
    url = f"/api/v1/events/{event.slug}/calendar.ics"
    before = only_entry(calendar_of(api.get(url)))

    owner_api.patch(f"/api/v1/events/{event.slug}/", {"title_en": "Renamed"}, format="json")
    after = only_entry(calendar_of(api.get(url)))

    assert str(after["SUMMARY"]) == "Renamed"
    assert str(after["UID"]) == str(before["UID"])


def test_published_event_calendar_is_confirmed(api, berlin):
    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(entry["STATUS"]) == "CONFIRMED"


def test_cancelled_event_calendar_is_cancelled(api, berlin):
    berlin.status = "cancelled"
    berlin.save()

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(entry["STATUS"]) == "CANCELLED"


def test_event_calendar_after_cancel_endpoint_is_cancelled(api, event, owner_api):
    owner_api.post(f"/api/v1/events/{event.slug}/cancel/")

    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{event.slug}/calendar.ics")))

    assert str(entry["STATUS"]) == "CANCELLED"


def test_draft_calendar_is_not_found_for_anonymous(api, draft):
    response = api.get(f"/api/v1/events/{draft.slug}/calendar.ics")

    assert response.status_code == 404


def test_draft_calendar_is_served_to_its_owner(owner_api, draft):
    entry = only_entry(calendar_of(owner_api.get(f"/api/v1/events/{draft.slug}/calendar.ics")))

    assert str(entry["UID"]) == uid_of(draft)


def test_event_calendar_location_joins_venue_parts_with_the_country_by_name(api, berlin):
    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(entry["LOCATION"]) == "National Convention Centre, Hà Nội, Vietnam"


def test_event_calendar_url_points_at_event_page(api, berlin, settings):
    entry = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(entry["URL"]) == f"{settings.SITE_URL}/events/berlin-workshop/"


def test_event_calendar_answers_client_that_accepts_only_text_calendar(api, berlin):
    # Calendar clients commonly send "Accept: text/calendar".
    response = api.get(f"/api/v1/events/{berlin.slug}/calendar.ics", HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/calendar"


# --- The feed -------------------------------------------------------------------------------


def test_feed_is_text_calendar(api, berlin):
    response = api.get("/api/v1/events/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/calendar"


def test_feed_lists_every_published_event(api, berlin, saigon):
    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert set(entries_by_uid(calendar)) == {uid_of(berlin), uid_of(saigon)}


def test_feed_excludes_drafts(api, berlin, draft):
    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert uid_of(draft) not in entries_by_uid(calendar)


def test_feed_excludes_drafts_even_for_their_owner(owner_api, draft):
    calendar = calendar_of(owner_api.get("/api/v1/events/calendar.ics"))

    assert calendar.walk("VEVENT") == []


def test_feed_of_no_events_is_a_valid_empty_calendar(api):
    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert calendar.walk("VEVENT") == []
    assert str(calendar["VERSION"]) == "2.0"


@pytest.mark.parametrize("tz", TIMEZONES)
def test_feed_dtstart_carries_each_event_tzid(api, events, tz):
    event = events[tz]

    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))
    entry = entries_by_uid(calendar)[uid_of(event)]

    assert entry["DTSTART"].params["TZID"] == tz
    assert entry.decoded("DTSTART") == event.start


def test_feed_defines_vtimezone_for_each_tzid_used(api, berlin, saigon):
    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert sorted(str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")) == sorted(TIMEZONES)


def test_feed_defines_each_vtimezone_once(api, berlin):
    start = datetime(2027, 5, 1, 9, 0, tzinfo=BERLIN)
    EventFactory(timezone="Europe/Berlin", start=start, end=start + timedelta(hours=3))

    calendar = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_feed_uid_matches_event_calendar_uid(api, berlin):
    feed = calendar_of(api.get("/api/v1/events/calendar.ics"))
    single = only_entry(calendar_of(api.get(f"/api/v1/events/{berlin.slug}/calendar.ics")))

    assert str(single["UID"]) in entries_by_uid(feed)


def test_feed_uids_are_stable_across_requests(api, berlin, saigon):
    first = calendar_of(api.get("/api/v1/events/calendar.ics"))
    second = calendar_of(api.get("/api/v1/events/calendar.ics"))

    assert set(entries_by_uid(first)) == set(entries_by_uid(second))


def test_feed_answers_client_that_accepts_only_text_calendar(api, berlin):
    response = api.get("/api/v1/events/calendar.ics", HTTP_ACCEPT="text/calendar")

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/calendar"
