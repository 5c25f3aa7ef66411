"""Certificates: issued once to the people checked in, signed codes, the PDF, the check."""

import contextlib
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.exceptions import NotFound
from events.models import TeamMembership
from registration import certificates, checkin
from registration import personal_data as registration_personal_data
from registration.certificate_pdf import certificate_pdf
from registration.models import Certificate
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)
from tests.zbar import read_pdf_codes

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Phương Thảo Hoàng Bảo Ngọc Trương Quỳnh Hương Đặng Thùy"


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    out = subprocess.run([tool, "-", "-"], input=pdf, capture_output=True, check=True, timeout=60)
    return " ".join(out.stdout.decode().split())


@pytest.fixture
def past_event():
    """A one-day event that ended an hour ago, 09:00-17:00 in Hanoi."""
    start = (timezone.now() - timedelta(days=1)).replace(hour=2, minute=0, second=0)
    return EventFactory(
        slug="past",
        title_vi="Hội thảo Vật liệu Lượng tử",
        start=start,
        end=start + timedelta(hours=8),
        host=OrganisationFactory(name="Viện Vật lý"),
    )


def attendee(event, checked_in=True, **extra):
    person = RegistrationFactory(event=event, **extra)
    if checked_in:
        checkin.check_in(event, person.ticket_code, actor=None, at=event.start + timedelta(hours=1))
    return person


def issued(person) -> Certificate:
    certificates.issue_due_certificates()
    return Certificate.objects.get(registration=person)


def test_certificates_go_to_checked_in_people_only(past_event):
    came = attendee(past_event)
    attendee(past_event, checked_in=False)

    outcome = certificates.issue_due_certificates()

    assert outcome == {"issued": 1, "failed": 0}
    assert list(Certificate.objects.values_list("registration", flat=True)) == [came.pk]


def test_certificates_are_issued_once_however_often_the_beat_runs(past_event):
    attendee(past_event)

    certificates.issue_due_certificates()
    again = certificates.issue_due_certificates()

    assert again == {"issued": 0, "failed": 0}
    assert Certificate.objects.count() == 1


def test_certificates_wait_for_the_end_of_the_event(past_event):
    attendee(past_event)

    outcome = certificates.issue_due_certificates(now=past_event.end - timedelta(minutes=1))

    assert outcome == {"issued": 0, "failed": 0}


def test_certificate_hours_follow_the_days_checked_in_and_the_agenda():
    start = (timezone.now() - timedelta(days=3)).replace(hour=1, minute=0, second=0)
    event = EventFactory(start=start, end=start + timedelta(days=1, hours=9))  # two days
    SessionFactory(event=event, start=start, end=start + timedelta(hours=3))
    SessionFactory(event=event, start=start + timedelta(hours=2), end=start + timedelta(hours=4))
    person = RegistrationFactory(event=event)
    checkin.check_in(event, person.ticket_code, actor=None, at=start)
    checkin.check_in(event, person.ticket_code, actor=None, at=start + timedelta(days=1))

    certificate = issued(person)

    # Day 1: sessions 08:00-11:00 and 10:00-12:00 (4 h); day 2, no agenda: 08:00-17:00 (9 h).
    assert certificates.hours(certificate) == "13"


def test_certificate_code_verifies(past_event):
    certificate = issued(attendee(past_event))

    assert certificates.find_by_code(certificates.code_of(certificate)) == certificate


def test_certificate_code_verifies_typed_in_lower_case(past_event):
    certificate = issued(attendee(past_event))

    assert certificates.find_by_code(certificates.code_of(certificate).lower()) == certificate


def altered(code: str) -> list[str]:
    """The code with each character changed, and padded with a leading zero digit."""
    swap = {c: ("B" if c != "B" else "C") for c in code}
    return [code[:n] + swap[c] + code[n + 1 :] for n, c in enumerate(code) if c != "-"] + [
        "A" + code
    ]


def test_certificate_code_altered_anywhere_is_not_found(past_event):
    certificate = issued(attendee(past_event))
    found = []

    for code in altered(certificates.code_of(certificate)):
        with contextlib.suppress(NotFound):
            found.append(certificates.find_by_code(code))

    assert found == []


def test_certificate_reissued_has_a_new_code_and_the_old_one_stops_verifying(past_event):
    certificate = issued(attendee(past_event))
    old = certificates.code_of(certificate)

    new = certificates.code_of(certificates.reissue(certificate, actor=None))

    assert new != old
    assert certificates.find_by_code(new).issue == 2
    with pytest.raises(NotFound):
        certificates.find_by_code(old)


def test_certificate_pdf_shows_name_event_hours_and_host(past_event):
    certificate = issued(attendee(past_event, name=NAME, language="vi"))

    text = pdf_text(certificate_pdf(certificate, "en"))

    assert NAME in text
    assert "Hội thảo Vật liệu Lượng tử" in text  # the attendee's language
    assert "Số giờ tham dự: 8" in text
    assert "Viện Vật lý" in text
    assert certificates.code_of(certificate) in text


def test_certificate_pdf_qr_code_is_read_by_zbar_as_the_verify_address(past_event):
    certificate = issued(attendee(past_event))

    codes = read_pdf_codes(certificate_pdf(certificate, "en"))

    assert codes == [f"QR-Code:{certificates.verify_url(certificate)}"]


def test_verify_api_answers_name_event_and_dates(past_event):
    certificate = issued(attendee(past_event, name=NAME))

    response = APIClient().get(f"/api/v1/certificates/{certificates.code_of(certificate)}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["event_slug"], body["kind"]) == (NAME, "past", "attendance")
    assert body["dates"]


def test_verify_api_altered_code_is_a_404(past_event):
    code = certificates.code_of(issued(attendee(past_event)))

    response = APIClient().get(f"/api/v1/certificates/{altered(code)[-2]}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_verify_api_after_erasure_is_a_404(past_event):
    person = attendee(past_event)
    code = certificates.code_of(issued(person))

    registration_personal_data.erase_personal_data(person)

    assert APIClient().get(f"/api/v1/certificates/{code}/").status_code == 404
    assert not Certificate.objects.exists()


def test_verify_page_shows_the_certificate_in_the_readers_language(client, past_event):
    certificate = issued(attendee(past_event, name=NAME))

    response = client.get(f"/verify/{certificates.code_of(certificate)}", HTTP_ACCEPT_LANGUAGE="vi")

    text = response.content.decode()
    assert response.status_code == 200
    assert NAME in text
    assert "Hội thảo Vật liệu Lượng tử" in text
    assert 'lang="vi"' in text


def test_verify_page_after_erasure_is_a_404(client, past_event):
    person = attendee(past_event, name=NAME)
    code = certificates.code_of(issued(person))
    registration_personal_data.erase_personal_data(person)

    response = client.get(f"/verify/{code}")

    assert response.status_code == 404
    assert NAME not in response.content.decode()


def test_holder_downloads_their_certificate_by_their_link(past_event):
    person = attendee(past_event, name=NAME)
    issued(person)

    response = APIClient().get(f"/api/v1/registrations/{person.manage_token}/certificate.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert NAME in pdf_text(response.content)


def test_holder_without_a_certificate_is_told_so(past_event):
    person = attendee(past_event, checked_in=False)

    response = APIClient().get(f"/api/v1/registrations/{person.manage_token}/certificate.pdf")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.fixture
def organiser_client(past_event):
    user = UserFactory()
    TeamMembership.objects.create(event=past_event, user=user, role="organiser")
    client = APIClient()
    client.force_login(user)
    return client


def test_organiser_issues_a_speakers_certificate_of_presentation_once(past_event, organiser_client):
    speaker = SpeakerFactory(event=past_event, name="GS. Đặng Văn Ngữ")
    SessionFactory(event=past_event, title_en="Quantum dots").speakers.add(speaker)
    url = "/api/v1/events/past/certificates/"

    first = organiser_client.post(url, {"speaker": speaker.pk}, format="json")
    second = organiser_client.post(url, {"speaker": speaker.pk}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    pdf = organiser_client.get(f"{url}{first.json()['id']}/certificate.pdf")
    text = pdf_text(pdf.content)
    assert "GS. Đặng Văn Ngữ" in text
    assert "Quantum dots" in text


def test_organiser_cannot_issue_for_another_events_speaker(past_event, organiser_client):
    speaker = SpeakerFactory()

    response = organiser_client.post(
        "/api/v1/events/past/certificates/", {"speaker": speaker.pk}, format="json"
    )

    assert response.status_code == 400
    assert "speaker" in response.json()


def test_organiser_reissues_a_certificate(past_event, organiser_client):
    certificate = issued(attendee(past_event))
    old = certificates.code_of(certificate)

    response = organiser_client.post(f"/api/v1/events/past/certificates/{certificate.pk}/reissue/")

    assert response.status_code == 200
    assert response.json()["issue"] == 2
    assert response.json()["code"] != old


def test_certificates_cost_the_same_queries_for_each_person(past_event):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for crowd in (1, 2, 3):
        for _n in range(crowd):
            attendee(past_event)
        with CaptureQueriesContext(connection) as queries:
            certificates.issue_due_certificates()
        counts.append(len(queries))

    # Each extra person costs the same few queries: nothing grows with the crowd.
    assert counts[2] - counts[1] == counts[1] - counts[0]
    assert Certificate.objects.count() == 6


def test_certificate_hours_count_nothing_for_a_day_outside_the_event():
    start = (timezone.now() - timedelta(days=3)).replace(hour=1, minute=0, second=0)
    event = EventFactory.build(start=start, end=start + timedelta(hours=8))
    first_day = event.local(start).date()

    assert certificates.day_minutes(event, first_day - timedelta(days=1), []) == 0
    assert certificates.day_minutes(event, first_day, []) == 8 * 60


def test_certificate_hours_are_written_as_each_language_writes_numbers():
    from django.utils import translation

    certificate = Certificate(minutes=750)

    with translation.override("vi"):
        vietnamese = certificates.hours(certificate)
    with translation.override("en"):
        english = certificates.hours(certificate)

    assert (vietnamese, english) == ("12,5", "12.5")
