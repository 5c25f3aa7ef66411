"""Consent and least privilege in the registration API: only the attendee decides to be
listed, organisers' edits are audited, the data download is complete, and check-in staff
see only what the door needs."""

import pytest

from events.models import AuditLogEntry
from notifications import outbox as notification_outbox
from notifications.models import Delivery
from registration.models import Registration
from tests.factories import EventFactory, QuestionFactory

from .helpers import person, register

pytestmark = pytest.mark.django_db


def url(event, suffix=""):
    return f"/api/v1/events/{event.slug}/registrations/{suffix}"


def manage(registration, suffix=""):
    return f"/api/v1/registrations/{registration.manage_token}/{suffix}"


# --- Only the attendee decides to be listed --------------------------------------------------


def test_organiser_patch_of_public_listing_is_refused(event, team_client):
    registration = register(event, 1)

    response = team_client("organiser").patch(
        url(event, f"{registration.pk}/"), {"public_listing": True}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"public_listing": ["Only the attendee can change this."]}
    assert Registration.objects.get(pk=registration.pk).public_listing is False


def test_organiser_patch_with_public_listing_changes_nothing_else(event, owner_api):
    registration = register(event, 1)

    owner_api.patch(
        url(event, f"{registration.pk}/"),
        {"public_listing": False, "affiliation": "VAST"},
        format="json",
    )

    assert Registration.objects.get(pk=registration.pk).affiliation == ""


def test_attendee_still_chooses_to_be_listed(api, event):
    registration = register(event, 1)

    response = api.patch(manage(registration), {"public_listing": True}, format="json")

    assert response.status_code == 200
    assert Registration.objects.get(pk=registration.pk).public_listing is True


def test_organiser_edit_is_audited_with_field_names_not_values(event, owner, owner_api):
    registration = register(event, 1)

    owner_api.patch(
        url(event, f"{registration.pk}/"),
        {"affiliation": "Secret Lab", "participant_type": "speaker"},
        format="json",
    )

    entry = AuditLogEntry.objects.get(action="registration.updated")
    assert entry.actor == owner
    assert entry.changes == {
        "registration": registration.pk,
        "fields": ["affiliation", "participant_type"],
    }
    assert "Secret Lab" not in str(entry.changes)


def test_organiser_edit_changing_nothing_writes_no_entry(event, owner_api):
    registration = register(event, 1, affiliation="VAST")

    owner_api.patch(url(event, f"{registration.pk}/"), {"affiliation": "VAST"}, format="json")

    assert not AuditLogEntry.objects.filter(action="registration.updated").exists()


def test_attendee_edit_is_not_an_organiser_audit_entry(api, event):
    registration = register(event, 1)

    api.patch(manage(registration), {"affiliation": "VAST"}, format="json")

    assert not AuditLogEntry.objects.filter(action="registration.updated").exists()


# --- The data download is complete -----------------------------------------------------------


def test_data_download_lists_the_emails_sent(api, event):
    registration = register(event, 1)
    Delivery.objects.filter(registration=registration).update(
        state=Delivery.State.SENT, subject="Your registration is confirmed"
    )

    body = api.get(manage(registration, "data/")).json()

    [email] = body["emails"]
    assert email["kind"] == "confirmed"
    assert email["subject"] == "Your registration is confirmed"
    assert email["state"] == "sent"
    assert set(email) == {"kind", "subject", "created_at", "sent_at", "state"}


def test_data_download_lists_the_opt_outs(api, event):
    registration = register(event, 1)
    notification_outbox.unsubscribe(registration)

    body = api.get(manage(registration, "data/")).json()

    [opt_out] = body["opt_outs"]
    assert opt_out["what"] == "reminders_and_broadcasts"
    assert opt_out["created_at"]


def test_data_download_without_opt_out_says_so(api, event):
    registration = register(event, 1)

    assert api.get(manage(registration, "data/")).json()["opt_outs"] == []


# --- Least privilege at the door -------------------------------------------------------------

DOOR_FIELDS = {"id", "name", "participant_type", "status", "ticket_code", "checked_in_at"}


@pytest.fixture
def person_with_everything(event):
    question = QuestionFactory(event=event, label_en="Diet")
    return register(
        event,
        1,
        affiliation="Secret Lab",
        country="JP",
        answers={str(question.pk): "no nuts"},
    )


def test_check_in_staff_list_shows_only_what_the_door_needs(
    event, team_client, person_with_everything
):
    body = team_client("checkin").get(url(event)).json()

    [row] = body["results"]
    assert set(row) == DOOR_FIELDS
    assert row["ticket_code"] == person_with_everything.ticket_code


def test_check_in_staff_detail_shows_only_what_the_door_needs(
    event, team_client, person_with_everything
):
    response = team_client("checkin").get(url(event, f"{person_with_everything.pk}/"))

    assert set(response.json()) == DOOR_FIELDS
    assert "Secret Lab" not in response.content.decode()


def test_check_in_staff_see_no_ticket_code_of_an_unconfirmed_person(event, team_client):
    event.requires_approval = True
    event.save()
    pending = register(event, 1)

    response = team_client("checkin").get(url(event, f"{pending.pk}/"))

    assert response.json()["ticket_code"] is None


def test_check_in_staff_cannot_search_by_email(event, team_client, person_with_everything):
    response = team_client("checkin").get(url(event), {"q": "person1@example.org"})

    assert response.json()["count"] == 0


def test_check_in_staff_find_people_by_name_or_ticket_code(
    event, team_client, person_with_everything
):
    staff = team_client("checkin")
    code = person_with_everything.ticket_code

    by_name = staff.get(url(event), {"q": "Người 1"}).json()["count"]
    by_code = staff.get(url(event), {"q": code.lower()}).json()["count"]

    assert (by_name, by_code) == (1, 1)


def test_check_in_staff_cannot_filter_by_country(event, team_client, person_with_everything):
    # The filter does not exist for them: the same answer as without it.
    response = team_client("checkin").get(url(event), {"country": "VN"})

    assert response.json()["count"] == 1


@pytest.mark.parametrize("export", ["export.csv", "export.xlsx"])
def test_check_in_staff_cannot_export(event, team_client, person_with_everything, export):
    assert team_client("checkin").get(url(event, export)).status_code == 403


@pytest.mark.parametrize("role", ["organiser", "owner"])
def test_organisers_keep_the_full_view(event, team_client, person_with_everything, role):
    row = team_client(role).get(url(event)).json()["results"][0]

    assert (row["email"], row["affiliation"], row["country"]) == (
        "person1@example.org",
        "Secret Lab",
        "JP",
    )


@pytest.mark.parametrize("path", ["deliveries/", "deliveries/counts/", "messages/"])
def test_check_in_staff_cannot_read_the_email_log(event, team_client, path):
    register(event, 1)

    response = team_client("checkin").get(f"/api/v1/events/{event.slug}/{path}")

    assert response.status_code == 403


def test_check_in_staff_still_get_the_door_counts(event, team_client):
    register(event, 1)

    body = team_client("checkin").get(url(event, "stats/")).json()

    assert (body["confirmed"], body["checked_in"]) == (1, 0)


def test_registering_with_public_listing_is_the_attendees_own_choice(api):
    event = EventFactory()

    api.post(url(event), person(1, public_listing=True), format="json")

    assert Registration.objects.get().public_listing is True
