"""The certificate email: once per checked-in person, through a real SMTP server."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import sending as notifications_sending
from notifications.models import Delivery
from registration import certificates, checkin
from registration.tasks import issue_certificates
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended():
    start = timezone.now() - timedelta(days=1, hours=10)
    event = EventFactory(title_vi="Hội thảo Vật liệu Lượng tử", start=start)
    came = [
        RegistrationFactory(event=event, email="an@example.org", language="vi"),
        RegistrationFactory(event=event, email="binh@example.org", language="en"),
    ]
    for person in came:
        checkin.check_in(event, person.ticket_code, actor=None, at=start + timedelta(hours=1))
    RegistrationFactory(event=event, email="absent@example.org")
    return event, came


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_of(message) -> str:
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return plain.get_payload(decode=True).decode()


def test_certificate_email_reaches_each_checked_in_person_exactly_once(smtp, ended, settings):
    assert settings.CELERY_BEAT_SCHEDULE["issue-certificates"]["task"] == (
        "registration.tasks.issue_certificates"
    )
    issue_certificates()
    notifications_sending.drain()
    issue_certificates()  # the beat runs again: no second certificate, no second email
    notifications_sending.drain()

    assert sorted(message["To"] for message in smtp.messages) == [
        "an@example.org",
        "binh@example.org",
    ]


def test_certificate_email_is_in_the_attendees_language_with_their_link(smtp, ended):
    _event, (an, _binh) = ended
    issue_certificates()
    notifications_sending.drain()

    [message] = smtp.to("an@example.org")
    certificate = certificates.of_registration(an)
    assert subject_of(message).startswith("Giấy chứng nhận tham dự của bạn")
    text = text_of(message)
    assert f"/api/v1/registrations/{an.manage_token}/certificate.pdf" in text
    assert certificates.verify_url(certificate) in text
    assert "Cảm ơn bạn đã tham dự Hội thảo Vật liệu Lượng tử" in text


def test_certificate_email_is_one_per_person_in_the_database(ended):
    _event, (an, _binh) = ended
    issue_certificates()

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind=Delivery.Kind.CERTIFICATE, registration=an, to_email=an.email, event=an.event
        )


def test_certificate_email_is_not_sent_after_erasure(smtp, ended):
    from registration import personal_data as registration_personal_data

    _event, (an, _binh) = ended
    issue_certificates()
    registration_personal_data.erase_personal_data(an)
    notifications_sending.drain()

    subjects = [subject_of(message) for message in smtp.to("an@example.org")]
    assert [s for s in subjects if "chứng nhận" in s] == []
    assert Delivery.objects.get(kind="certificate", registration=an).state == "withdrawn"


def test_certificate_issued_again_after_deletion_sends_no_second_email(smtp, ended):
    from registration.models import Certificate

    issue_certificates()
    notifications_sending.drain()
    Certificate.objects.all().delete()  # say, in the admin

    outcome = issue_certificates()
    notifications_sending.drain()

    assert outcome == {"issued": 2, "failed": 0}
    assert len(smtp.messages) == 2
