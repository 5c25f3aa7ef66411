"""The door without a network: the roster devices keep, and queued scans synced exactly once."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events.models import AuditLogEntry, TeamMembership
from registration import checkin
from registration import seats as registration_seats
from registration.models import CheckIn, DoorScan
from tests.conftest import client_for
from tests.factories import EventFactory, UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(owner):
    start = timezone.now() - timedelta(hours=2)
    return EventFactory(owner=owner, start=start, end=start + timedelta(days=1))


def door_client(event):
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    return client_for(user)


@pytest.fixture
def door(running):
    return door_client(running)


def roster_url(event) -> str:
    return f"/api/v1/events/{event.slug}/door/roster/"


def sync_url(event) -> str:
    return f"/api/v1/events/{event.slug}/door/sync/"


def scan(code: str, key: uuid.UUID | None = None, minutes_ago: int = 1) -> dict:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    return {"key": str(key or uuid.uuid4()), "code": code, "scanned_at": at.isoformat()}


# --- Roster ------------------------------------------------------------------------------------


def test_roster_holds_only_what_the_door_needs(running, door):
    mai = register(running, 1, name="Trần Thị Mai", affiliation="VAST")
    checkin.check_in(running, mai.ticket_code, actor=None)

    body = door.get(roster_url(running)).json()

    assert body["people"] == [
        {
            "name": "Trần Thị Mai",
            "participant_type": "delegate",
            "status": "confirmed",
            "ticket_code": mai.ticket_code,
        }
    ]
    assert body["checked_in_today"] == [mai.ticket_code]
    assert "person1@example.org" not in str(body)
    assert "VAST" not in str(body)


def test_roster_expires_at_the_end_of_the_events_last_day(running, door):
    body = door.get(roster_url(running)).json()

    last_day = running.local(running.end).date()
    assert body["expires_at"].startswith((last_day + timedelta(days=1)).isoformat() + "T00:00")


def test_roster_answers_304_while_nothing_changed(running, door):
    register(running, 1)
    first = door.get(roster_url(running))

    again = door.get(roster_url(running), HTTP_IF_NONE_MATCH=first["ETag"])

    assert first["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304


def test_roster_changes_etag_when_a_ticket_is_cancelled(running, door):
    mai = register(running, 1)
    first = door.get(roster_url(running))
    registration_seats.cancel(mai)

    again = door.get(roster_url(running), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again.json()["people"][0]["status"] == "cancelled"


def test_roster_is_not_for_strangers(running):
    response = client_for(UserFactory()).get(roster_url(running))

    assert response.status_code == 403


# --- Sync ------------------------------------------------------------------------------------


def test_fifty_offline_scans_make_fifty_check_ins(running, door):
    people = [register(running, n) for n in range(50)]

    response = door.post(
        sync_url(running), {"scans": [scan(p.ticket_code) for p in people]}, format="json"
    )

    assert response.status_code == 200
    outcomes = [result["outcome"] for result in response.json()["results"]]
    assert outcomes == ["checked_in"] * 50
    assert CheckIn.objects.filter(event=running).count() == 50


def test_sync_sent_twice_checks_in_once(running, door):
    mai = register(running, 1)
    batch = {"scans": [scan(mai.ticket_code)]}
    door.post(sync_url(running), batch, format="json")

    again = door.post(sync_url(running), batch, format="json")

    assert again.json()["results"][0]["outcome"] == "checked_in"
    assert again.json()["results"][0]["duplicate"] is False
    assert CheckIn.objects.count() == 1
    assert DoorScan.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="registration.checked_in").count() == 1


def test_same_key_twice_in_one_batch_counts_once(running, door):
    mai = register(running, 1)
    key = uuid.uuid4()

    response = door.post(
        sync_url(running),
        {"scans": [scan(mai.ticket_code, key), scan(mai.ticket_code, key)]},
        format="json",
    )

    assert len(response.json()["results"]) == 1
    assert DoorScan.objects.count() == 1


def test_same_ticket_on_two_devices_checks_in_once_and_both_hear_of_it(running, door):
    mai = register(running, 1, name="Trần Thị Mai")
    other = door_client(running)
    first, second = scan(mai.ticket_code, minutes_ago=5), scan(mai.ticket_code, minutes_ago=3)
    door.post(sync_url(running), {"scans": [first]}, format="json")

    later = other.post(sync_url(running), {"scans": [second]}, format="json").json()
    asked_again = door.post(sync_url(running), {"scans": [first]}, format="json").json()

    assert CheckIn.objects.filter(registration=mai).count() == 1
    assert later["results"][0]["outcome"] == "already_checked_in"
    assert later["results"][0]["duplicate"] is True
    assert asked_again["results"][0]["outcome"] == "checked_in"
    assert asked_again["results"][0]["duplicate"] is True
    assert "another device" in asked_again["results"][0]["detail"]


def test_ticket_cancelled_while_offline_is_reported_after_sync(running, door):
    mai = register(running, 1, name="Trần Thị Mai")
    registration_seats.cancel(mai)

    result = door.post(sync_url(running), {"scans": [scan(mai.ticket_code)]}, format="json")

    answer = result.json()["results"][0]
    assert answer["outcome"] == "refused"
    assert answer["code"] == "ticket_cancelled"
    assert answer["detail"] == "Trần Thị Mai was not checked in: This registration was cancelled."
    assert not CheckIn.objects.exists()


def test_unknown_code_is_reported_and_kept_without_the_code(running, door):
    result = door.post(sync_url(running), {"scans": [scan("NOSUCHTICKET")]}, format="json")

    assert result.json()["results"][0]["outcome"] == "unknown"
    assert DoorScan.objects.get().registration is None


def test_sync_answers_in_vietnamese(running, door):
    mai = register(running, 1, name="Trần Thị Mai")
    registration_seats.cancel(mai)

    result = door.post(
        sync_url(running),
        {"scans": [scan(mai.ticket_code)]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert "không được điểm danh" in result.json()["results"][0]["detail"]


def test_scan_time_from_the_device_dates_the_check_in(running, door):
    mai = register(running, 1)

    door.post(sync_url(running), {"scans": [scan(mai.ticket_code, minutes_ago=30)]}, format="json")

    at = CheckIn.objects.get().at
    assert timedelta(minutes=29) < timezone.now() - at < timedelta(minutes=31)


def test_scan_time_in_the_future_is_taken_as_now(running, door):
    mai = register(running, 1)

    door.post(
        sync_url(running), {"scans": [scan(mai.ticket_code, minutes_ago=-600)]}, format="json"
    )

    assert CheckIn.objects.get().at <= timezone.now()


def test_sync_refuses_a_batch_too_large(running, door):
    scans = [scan("ABCDEFGHJKLM") for _n in range(201)]

    response = door.post(sync_url(running), {"scans": scans}, format="json")

    assert response.status_code == 400


def test_sync_reads_a_bounded_number_of_queries_per_scan(running, door):
    people = [register(running, n) for n in range(10)]
    batch = {"scans": [scan(p.ticket_code) for p in people]}
    door.post(sync_url(running), batch, format="json")

    with CaptureQueriesContext(connection) as queries:
        door.post(sync_url(running), batch, format="json")

    # Asked again: answered from the stored scans, not scan by scan.
    assert len(queries) <= 8


@pytest.mark.django_db(transaction=True)
def test_same_key_from_two_requests_at_once_checks_in_once(owner):
    start = timezone.now() - timedelta(hours=1)
    event = EventFactory(owner=owner, start=start, end=start + timedelta(hours=8))
    mai = register(event, 1)
    batch = {"scans": [scan(mai.ticket_code)]}
    answers = []

    def send():
        answers.append(door_client(event).post(sync_url(event), batch, format="json"))
        connection.close()

    threads = [threading.Thread(target=send) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [a.status_code for a in answers] == [200, 200]
    assert CheckIn.objects.count() == 1
    assert DoorScan.objects.count() == 1


def test_sync_counts_once_per_request_on_the_check_in_limit(settings, running, door):
    from django.core.cache import cache

    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_CHECKIN = "2/m"
    cache.clear()
    people = [register(running, n) for n in range(6)]
    scan_api = f"/api/v1/events/{running.slug}/check-ins/"

    batch = {"scans": [scan(p.ticket_code) for p in people[:5]]}
    assert door.post(sync_url(running), batch, format="json").status_code == 200
    assert door.post(scan_api, {"code": people[5].ticket_code}, format="json").status_code == 201
    refused = door.post(sync_url(running), batch, format="json")

    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert CheckIn.objects.count() == 6
