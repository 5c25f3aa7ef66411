"""The organiser pages as check-in staff see them: what the door needs, and nothing else."""

import pytest

from events.models import TeamMembership
from tests.factories import EventFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

PRIVATE = ("person1@example.org", "Secret Lab", "Export CSV", "Export Excel", "By country")


def page_url(event, page: str) -> str:
    return f"/en/organiser/events/{event.slug}/{page}/"


@pytest.fixture
def door(client, event):
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    client.force_login(user)
    return client


@pytest.fixture
def registration(event):
    return register(event, 1, affiliation="Secret Lab", country="JP")


def test_check_in_staff_registrations_page_shows_no_personal_details(door, event, registration):
    page = door.get(page_url(event, "registrations")).content.decode()

    assert [text for text in PRIVATE if text in page] == []
    assert registration.name in page and registration.ticket_code in page


def test_check_in_staff_registrations_page_offers_no_country_filter(door, event, registration):
    page = door.get(page_url(event, "registrations")).content.decode()

    assert 'name="country"' not in page
    assert "Name or ticket code" in page


def test_check_in_staff_search_by_email_finds_nobody(door, event, registration):
    page = door.get(page_url(event, "registrations"), {"q": "person1@"}).content.decode()

    assert registration.ticket_code not in page


def test_organiser_registrations_page_keeps_everything(client, owner, event, registration):
    client.force_login(owner)

    page = client.get(page_url(event, "registrations")).content.decode()

    assert [text for text in PRIVATE if text not in page] == []


def test_check_in_page_shows_the_door_nothing_private(door, event, registration):
    door.post(page_url(event, "check-in"), {"code": registration.ticket_code})

    page = door.get(page_url(event, "check-in")).content.decode()

    assert registration.name in page
    assert [text for text in PRIVATE if text in page] == []


def test_check_in_staff_still_get_403_on_the_email_page(door, event):
    assert door.get(page_url(event, "email")).status_code == 403


def test_check_in_staff_pages_for_another_event_are_404(door):
    other = EventFactory()

    assert door.get(page_url(other, "registrations")).status_code == 404
