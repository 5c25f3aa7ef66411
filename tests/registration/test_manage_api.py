import io

import pytest
from icalendar import Calendar
from PIL import Image

from events import notices
from registration.models import Registration
from tests.factories import EventFactory
from tests.zbar import read_codes, read_pdf_codes

from .helpers import register

pytestmark = pytest.mark.django_db


def manage(registration, suffix=""):
    return f"/api/v1/registrations/{registration.manage_token}/{suffix}"


def test_manage_get_shows_own_registration(api):
    registration = register(EventFactory(), 1)

    body = api.get(manage(registration)).json()

    assert (body["id"], body["email"], body["status"]) == (
        registration.pk,
        "person1@example.org",
        "confirmed",
    )


def test_manage_unknown_token_is_404(api):
    register(EventFactory(), 1)

    response = api.get("/api/v1/registrations/" + "A" * 43 + "/")

    assert response.status_code == 404


def test_manage_token_of_one_never_shows_another(api):
    event = EventFactory()
    mine, other = register(event, 1), register(event, 2)

    body = api.get(manage(mine)).json()

    assert body["id"] == mine.pk
    assert other.email not in str(body)


def test_manage_id_instead_of_token_is_404(api):
    registration = register(EventFactory(), 1)

    assert api.get(f"/api/v1/registrations/{registration.pk}/").status_code == 404


def test_manage_patch_changes_contact_details(api):
    registration = register(EventFactory(), 1)

    response = api.patch(
        manage(registration), {"affiliation": "VNU", "country": "jp"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["affiliation"], response.json()["country"]) == ("VNU", "JP")


def test_manage_patch_cannot_change_status(api):
    registration = register(EventFactory(capacity=1, waitlist_enabled=True), 1)
    waiting = register(registration.event, 2)

    api.patch(manage(waiting), {"status": "confirmed"}, format="json")

    waiting.refresh_from_db()
    assert waiting.status == "waitlisted"


def email_change_link(to: str) -> str:
    from notifications.models import Delivery

    delivery = Delivery.objects.get(kind="email_change", to_email=to)
    return delivery.context["confirm_url"].split("://", 1)[1].split("/", 1)[1]


def test_manage_patch_email_changes_nothing_until_the_new_address_confirms(api, client):
    mine = register(EventFactory(), 1)

    response = api.patch(manage(mine), {"email": "new@example.org"}, format="json")

    assert response.status_code == 200
    assert response.json()["email"] == "person1@example.org"
    mine.refresh_from_db()
    assert mine.email == "person1@example.org"

    page = client.get("/" + email_change_link("new@example.org"))

    assert page.status_code == 200
    mine.refresh_from_db()
    assert mine.email == "new@example.org"
    assert client.get("/" + email_change_link("new@example.org")).status_code == 404  # spent


def test_manage_patch_to_taken_email_answers_as_to_a_free_one(api, client):
    event = EventFactory()
    mine, theirs = register(event, 1), register(event, 2)

    taken = api.patch(manage(mine), {"email": "person2@example.org"}, format="json")
    free = api.patch(manage(mine), {"email": "free@example.org"}, format="json")

    assert taken.status_code == free.status_code == 200
    assert taken.json() == free.json()
    # Only the owner of the taken address, opening the link, learns it is taken.
    page = client.get("/" + email_change_link("person2@example.org"))
    assert "already registered" in page.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.email, theirs.email) == ("person1@example.org", "person2@example.org")


def test_email_change_mail_carries_no_manage_link(api, settings):
    from django.core import mail

    from notifications import sending as notification_sending
    from notifications.models import Delivery

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mine = register(EventFactory(), 1)
    api.patch(manage(mine), {"email": "new@example.org"}, format="json")

    notification_sending.send_deliveries([Delivery.objects.get(kind="email_change").pk])

    assert mail.outbox[0].to == ["new@example.org"]
    assert "/e/" in mail.outbox[0].body
    assert mine.manage_token not in mail.outbox[0].body


def test_manage_cancel_frees_seat_and_promotes(api):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    mine, waiting = register(event, 1), register(event, 2)

    response = api.post(manage(mine, "cancel/"))

    assert response.json()["status"] == "cancelled"
    waiting.refresh_from_db()
    assert waiting.status == "confirmed"


def test_manage_waitlisted_can_leave_the_list(api):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    waiting = register(event, 2)

    assert api.post(manage(waiting, "cancel/")).json()["status"] == "cancelled"


def test_ticket_png_is_a_qr_image(api):
    registration = register(EventFactory(), 1)

    response = api.get(manage(registration, "ticket.png"))

    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size[0] > 100


def test_ticket_pdf_is_a_pdf(api):
    registration = register(EventFactory(title_en="Hội nghị Khoa học"), 1)

    response = api.get(manage(registration, "ticket.pdf"), HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_ticket_png_download_is_read_by_zbar_as_the_ticket_code(api):
    registration = register(EventFactory(), 1)

    response = api.get(manage(registration, "ticket.png"))

    assert read_codes(response.content) == [f"QR-Code:{registration.ticket_code}"]


def test_ticket_pdf_download_is_read_by_zbar_as_the_ticket_code(api):
    registration = register(EventFactory(title_en="Hội nghị Khoa học"), 1)

    response = api.get(manage(registration, "ticket.pdf"), HTTP_ACCEPT="application/pdf")

    assert read_pdf_codes(response.content) == [f"QR-Code:{registration.ticket_code}"]


def test_ticket_for_waitlisted_is_409(api):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    waiting = register(event, 2)

    assert api.get(manage(waiting, "ticket.png")).status_code == 409


def test_manage_calendar_is_ical(api):
    registration = register(EventFactory(), 1)

    response = api.get(manage(registration, "calendar.ics"))

    calendar = Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT")[0]["SUMMARY"] == registration.event.title_en


def test_data_export_contains_everything_stored(api):
    registration = register(EventFactory(), 1, affiliation="VAST")

    body = api.get(manage(registration, "data/")).json()

    stored = body["registration"]
    assert stored["email"] == "person1@example.org"
    assert stored["affiliation"] == "VAST"
    assert stored["consent_notice_version"] == notices.DEFAULT_NOTICE_VERSION


def test_data_delete_erases_and_revokes_link(api):
    registration = register(EventFactory(), 1)

    response = api.delete(manage(registration, "data/"))

    assert response.status_code == 204
    assert api.get(manage(registration)).status_code == 404
    erased = Registration.objects.get(pk=registration.pk)
    assert erased.name == "" and erased.status == "cancelled"


def test_manage_patch_cannot_change_participant_type(api):
    registration = register(EventFactory(), 1)

    api.patch(manage(registration), {"participant_type": "speaker"}, format="json")

    registration.refresh_from_db()
    assert registration.participant_type == "delegate"


def test_organiser_patch_changes_participant_type(owner):
    from tests.conftest import client_for

    event = EventFactory(owner=owner)
    registration = register(event, 1)

    response = client_for(owner).patch(
        f"/api/v1/events/{event.slug}/registrations/{registration.pk}/",
        {"participant_type": "speaker"},
        format="json",
    )

    assert response.json()["participant_type"] == "speaker"


# --- Found by the API fuzzer (tests/test_api_fuzz.py) ----------------------------------------


def test_manage_ticket_of_waitlisted_registration_is_documented_409(api):
    event = EventFactory(capacity=0, waitlist_enabled=True)
    registration = register(event, 1)
    schema = api.get("/api/schema/?format=json").json()

    response = api.get(manage(registration, "ticket.pdf"))

    assert response.status_code == 409
    assert "409" in schema["paths"]["/api/v1/registrations/{token}/ticket.pdf"]["get"]["responses"]
    assert "409" in schema["paths"]["/api/v1/registrations/{token}/ticket.png"]["get"]["responses"]


def test_manage_waitlisted_ticket_code_is_null_as_documented(api):
    registration = register(EventFactory(capacity=0, waitlist_enabled=True), 1)
    schema = api.get("/api/schema/?format=json").json()

    body = api.get(manage(registration)).json()

    assert body["ticket_code"] is None
    ticket_code = schema["components"]["schemas"]["AttendeeRegistration"]["properties"]
    assert ticket_code["ticket_code"].get("nullable") is True
