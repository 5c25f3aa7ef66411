"""The door through the API: per-day answers and looking people up by name."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import TeamMembership
from registration import checkin
from tests.conftest import client_for
from tests.factories import EventFactory, UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(owner):
    """A three-day event that started yesterday (Hanoi time)."""
    start = timezone.now() - timedelta(days=1)
    return EventFactory(owner=owner, start=start, end=start + timedelta(days=2))


def scan_url(event) -> str:
    return f"/api/v1/events/{event.slug}/check-ins/"


@pytest.fixture
def door(running):
    user = UserFactory()
    TeamMembership.objects.create(event=running, user=user, role="checkin")
    return client_for(user)


def test_check_in_answer_names_the_day_and_time(running, door):
    registration = register(running, 1)

    response = door.post(scan_url(running), {"code": registration.ticket_code}, format="json")

    body = response.json()
    today = running.local(timezone.now()).date()
    assert response.status_code == 201
    assert body["day"] == today.isoformat()
    assert body["day_label"].startswith("day 2 (")
    local_time = running.local(timezone.now()).strftime("%H:")
    assert body["checked_in_at"][11:14] == local_time
    assert "checked in on day 2" in body["detail"]


def test_check_in_yesterday_then_today_is_201_again(running, door):
    registration = register(running, 1)
    yesterday = timezone.now() - timedelta(days=1)
    checkin.check_in(running, registration.ticket_code, actor=None, at=yesterday)

    response = door.post(scan_url(running), {"code": registration.ticket_code}, format="json")

    assert response.status_code == 201
    assert response.json()["already_checked_in"] is False


def test_second_scan_today_says_already_checked_in_today(running, door):
    registration = register(running, 1)
    door.post(scan_url(running), {"code": registration.ticket_code}, format="json")

    response = door.post(scan_url(running), {"code": registration.ticket_code}, format="json")

    assert response.status_code == 200
    assert response.json()["detail"].startswith("Already checked in today at ")


def test_check_in_accepts_code_with_dashes_and_spaces(running, door):
    code = register(running, 1).ticket_code
    typed = f" {code[:4]}-{code[4:8]} {code[8:]} ".lower()

    response = door.post(scan_url(running), {"code": typed}, format="json")

    assert response.status_code == 201


def test_door_search_returns_only_door_fields(running, door):
    register(running, 1, name="Trần Thị Mai", affiliation="VAST")

    response = door.get(scan_url(running), {"q": "tran thi mai"})

    assert response.status_code == 200
    assert [set(person) for person in response.json()] == [
        {"name", "participant_type", "status", "ticket_code", "checked_in_today", "checked_in_at"}
    ]
    assert response.json()[0]["name"] == "Trần Thị Mai"


def test_door_search_shows_todays_check_in(running, door):
    mai = register(running, 1, name="Trần Thị Mai")
    door.post(scan_url(running), {"code": mai.ticket_code}, format="json")

    found = door.get(scan_url(running), {"q": "MAI"}).json()

    assert found[0]["checked_in_today"] is True and found[0]["checked_in_at"]


def test_door_search_blank_is_empty_list(running, door):
    register(running, 1)

    assert door.get(scan_url(running), {"q": ""}).json() == []


def test_door_search_refused_for_stranger(running):
    assert client_for(UserFactory()).get(scan_url(running), {"q": "a"}).status_code == 403


def test_stats_count_todays_check_ins(running, owner):
    first, second = register(running, 1), register(running, 2)
    checkin.check_in(running, first.ticket_code, actor=None, at=timezone.now() - timedelta(days=1))
    checkin.check_in(running, second.ticket_code, actor=None)

    stats = client_for(owner).get(f"/api/v1/events/{running.slug}/registrations/stats/").json()

    assert (stats["checked_in"], stats["checked_in_today"]) == (2, 1)


def test_undo_undoes_todays_check_in_only(running, door):
    registration = register(running, 1)
    checkin.check_in(
        running, registration.ticket_code, actor=None, at=timezone.now() - timedelta(days=1)
    )
    door.post(scan_url(running), {"code": registration.ticket_code}, format="json")

    response = door.delete(f"{scan_url(running)}{registration.ticket_code}/")

    assert response.status_code == 204
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.check_ins.count() == 1
