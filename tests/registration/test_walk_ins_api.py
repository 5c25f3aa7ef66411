"""Walk-ins: registered at the door by check-in staff, as any registration, then checked in."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events import audit
from events.models import AuditLogEntry, TeamMembership
from notifications.models import Delivery
from registration import seats as registration_seats
from registration.models import CheckIn, Registration
from tests.conftest import client_for
from tests.factories import EventFactory, UserFactory

from .helpers import person


def register(event, n: int, **extra) -> Registration:
    """Someone who registered earlier (arranged through the door: registration is closed)."""
    return registration_seats.register(event, person(n, **extra), walk_in=True)


pytestmark = pytest.mark.django_db


def running_event(owner, **extra):
    # Registration closed before the event began: the door still takes walk-ins.
    start = timezone.now() - timedelta(hours=1)
    return EventFactory(
        owner=owner,
        start=start,
        end=start + timedelta(hours=8),
        registration_closes=start - timedelta(days=1),
        **extra,
    )


@pytest.fixture
def running(owner):
    return running_event(owner)


def door_client(event):
    user = UserFactory(username=f"door-{event.slug}")
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    return client_for(user)


def walk_in_url(event) -> str:
    return f"/api/v1/events/{event.slug}/walk-ins/"


WALK_IN = {
    "name": "Lê Văn Bình",
    "email": "binh@example.org",
    "participant_type": "speaker",
    "consent": True,
}


def test_walk_in_is_registered_checked_in_and_emailed(running):
    response = door_client(running).post(walk_in_url(running), WALK_IN, format="json")

    body = response.json()
    person = Registration.objects.get()
    assert response.status_code == 201
    assert body["status"] == "confirmed"
    assert body["checked_in"] is True
    assert body["ticket_code"] == person.ticket_code
    assert person.participant_type == "speaker"
    assert CheckIn.objects.filter(registration=person).count() == 1
    assert Delivery.objects.filter(registration=person).count() == 1


def test_walk_in_is_audited_with_who_took_it(running):
    door_client(running).post(walk_in_url(running), WALK_IN, format="json")

    entry = AuditLogEntry.objects.get(action="registration.walk_in")
    assert entry.actor.username == f"door-{running.slug}"
    assert entry.changes["status"] == "confirmed"
    assert audit.sentences([entry]) == [f"door-{running.slug} registered Lê Văn Bình at the door."]


def test_walk_in_at_a_full_event_joins_the_waiting_list_not_the_hall(owner):
    event = running_event(owner, capacity=1, waitlist_enabled=True)
    register(event, 1)

    response = door_client(event).post(walk_in_url(event), WALK_IN, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 1
    assert response.json()["checked_in"] is False
    assert not CheckIn.objects.exists()


def test_walk_in_at_a_full_event_without_waiting_list_is_409(owner):
    event = running_event(owner, capacity=1, waitlist_enabled=False)
    register(event, 1)

    response = door_client(event).post(walk_in_url(event), WALK_IN, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "event_full"
    assert Registration.objects.count() == 1


def test_walk_in_needing_approval_is_pending_and_not_checked_in(owner):
    event = running_event(owner, requires_approval=True)

    response = door_client(event).post(walk_in_url(event), WALK_IN, format="json")

    assert response.json()["status"] == "pending"
    assert response.json()["checked_in"] is False


def test_walk_in_after_the_event_ended_is_409(owner):
    start = timezone.now() - timedelta(days=2)
    event = EventFactory(owner=owner, start=start, end=start + timedelta(hours=8))

    response = door_client(event).post(walk_in_url(event), WALK_IN, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "event_ended"


def test_walk_in_without_consent_is_400(running):
    response = door_client(running).post(
        walk_in_url(running), {**WALK_IN, "consent": False}, format="json"
    )

    assert response.status_code == 400
    assert "consent" in response.json()
    assert not Registration.objects.exists()


def test_walk_in_with_a_registered_address_is_not_registered_twice(running):
    register(running, 1, email="binh@example.org")

    response = door_client(running).post(walk_in_url(running), WALK_IN, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "check_email"
    assert Registration.objects.count() == 1


def test_walk_in_page_registers_and_returns_to_the_door(running):
    from django.test import Client

    user = UserFactory()
    TeamMembership.objects.create(event=running, user=user, role="checkin")
    browser = Client()
    browser.force_login(user)

    response = browser.post(
        f"/en/organiser/events/{running.slug}/check-in/walk-in/",
        {"name": "Lê Văn Bình", "email": "binh@example.org", "consent": "1"},
        follow=True,
    )

    person = Registration.objects.get()
    assert response.redirect_chain[-1][0] == f"/en/organiser/events/{running.slug}/check-in/"
    assert person.ticket_code in response.content.decode()
    assert CheckIn.objects.filter(registration=person).exists()


def test_walk_in_page_shows_the_refusal_beside_the_form(owner):
    from django.test import Client

    event = running_event(owner, capacity=1, waitlist_enabled=False)
    register(event, 1)
    browser = Client()
    browser.force_login(owner)

    response = browser.post(
        f"/en/organiser/events/{event.slug}/check-in/walk-in/",
        {"name": "Lê Văn Bình", "email": "binh@example.org", "consent": "1"},
    )

    assert response.status_code == 409
    assert "Lê Văn Bình" in response.content.decode()  # what was typed is kept
