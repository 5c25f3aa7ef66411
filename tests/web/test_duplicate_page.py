"""Duplicating an event from the dashboard: a form for the new title and start."""

import zoneinfo
from datetime import datetime

import pytest

from events.models import Event, TeamMembership
from tests.factories import QuestionFactory, UserFactory

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def duplicate_url(event: Event, language: str = "en") -> str:
    return f"/{language}/organiser/events/{event.slug}/duplicate/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.mark.parametrize("language, label", [("en", "Duplicate"), ("vi", "Nhân bản")])
def test_dashboard_offers_duplicate_to_the_team(owner_client, event, language, label):
    page = owner_client.get(f"/{language}/organiser/").content.decode()

    assert duplicate_url(event, language) in page and label in page


def test_dashboard_hides_duplicate_from_check_in_staff(client, event):
    staff = UserFactory()
    TeamMembership.objects.create(event=event, user=staff, role="checkin")
    client.force_login(staff)

    assert duplicate_url(event) not in client.get("/en/organiser/").content.decode()


def test_duplicate_form_creates_a_draft_and_opens_its_details(owner_client, event):
    QuestionFactory(event=event, label_en="Dietary needs")

    response = owner_client.post(
        duplicate_url(event), {"title_en": "Next edition", "start": "2031-05-04T09:00"}
    )

    copy = Event.objects.get(title_en="Next edition")
    assert response.status_code == 302 and response["Location"].endswith(f"/{copy.slug}/edit/")
    assert copy.status == Event.Status.DRAFT
    assert copy.start == datetime(2031, 5, 4, 9, 0, tzinfo=HANOI)
    assert copy.questions.get().label_en == "Dietary needs"


def test_duplicate_form_without_start_answers_400_beside_the_start(owner_client, event):
    response = owner_client.post(duplicate_url(event), {"title_en": "Next edition"})

    assert response.status_code == 400
    assert 'id="id_start-error"' in response.content.decode()
    assert not Event.objects.filter(title_en="Next edition").exists()


def test_duplicate_form_with_a_nonsense_start_answers_400(owner_client, event):
    response = owner_client.post(duplicate_url(event), {"start": "99999-01-01T00:00"})

    assert response.status_code == 400


def test_duplicate_page_is_403_for_check_in_staff(client, event):
    staff = UserFactory()
    TeamMembership.objects.create(event=event, user=staff, role="checkin")
    client.force_login(staff)

    assert client.get(duplicate_url(event)).status_code == 403
