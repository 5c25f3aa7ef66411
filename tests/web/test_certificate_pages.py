"""The organisers' certificates page: the list, re-issuing, speakers' certificates."""

import pytest
from django.utils import timezone

from events.models import TeamMembership
from registration import certificates
from registration.models import Certificate
from tests.factories import (
    EventFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return EventFactory(slug="forum")


@pytest.fixture
def certificate(event):
    person = RegistrationFactory(event=event, name="Trần Thị Mỹ Dung")
    return Certificate.objects.create(
        event=event, kind="attendance", registration=person, issued_at=timezone.now()
    )


def signed_in(client, event, role):
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role=role)
    client.force_login(user)
    return client


def test_certificates_page_lists_the_certificates_with_their_codes(client, event, certificate):
    response = signed_in(client, event, "organiser").get("/en/organiser/events/forum/certificates/")

    text = response.content.decode()
    assert "Trần Thị Mỹ Dung" in text
    assert certificates.code_of(certificate) in text


def test_certificates_page_reissues_a_certificate(client, event, certificate):
    old = certificates.code_of(certificate)

    signed_in(client, event, "organiser").post(
        "/en/organiser/events/forum/certificates/", {"action": "reissue", "id": certificate.pk}
    )

    certificate.refresh_from_db()
    assert certificate.issue == 2
    assert certificates.code_of(certificate) != old


def test_certificates_page_issues_a_speakers_certificate(client, event):
    speaker = SpeakerFactory(event=event, name="GS. Lê Văn Thiêm")
    SessionFactory(event=event).speakers.add(speaker)

    signed_in(client, event, "owner").post(
        "/en/organiser/events/forum/certificates/", {"action": "issue", "id": speaker.pk}
    )

    assert Certificate.objects.get(speaker=speaker).kind == "presentation"


def test_certificates_page_refuses_another_events_certificate(client, event):
    other = RegistrationFactory(event=EventFactory())
    foreign = Certificate.objects.create(
        event=other.event, kind="attendance", registration=other, issued_at=timezone.now()
    )

    response = signed_in(client, event, "organiser").post(
        "/en/organiser/events/forum/certificates/", {"action": "reissue", "id": foreign.pk}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.issue == 1


def test_certificates_page_is_not_for_check_in_staff(client, event, certificate):
    response = signed_in(client, event, "checkin").get("/en/organiser/events/forum/certificates/")

    assert response.status_code == 403
