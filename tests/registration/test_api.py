import csv
import io
import json

import pytest
from django.core import mail
from openpyxl import load_workbook

from notifications.models import Delivery
from registration import links, seats
from registration.models import Registration
from tests.conftest import client_for
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory

from .helpers import end_event, person, register

pytestmark = pytest.mark.django_db


def url(event, suffix=""):
    return f"/api/v1/events/{event.slug}/registrations/{suffix}"


def test_register_answers_201_with_status(api):
    event = EventFactory(capacity=5)

    response = api.post(url(event), person(1), format="json")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "status", "waitlist_position", "position"}
    assert body["status"] == "confirmed"


def test_register_waitlisted_answers_position(api):
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)

    body = api.post(url(event), person(2), format="json").json()

    assert (body["status"], body["waitlist_position"]) == ("waitlisted", 1)


def test_register_never_exposes_manage_token(api):
    event = EventFactory()

    response = api.post(url(event), person(1), format="json")

    token = Registration.objects.get().manage_token
    assert token not in response.content.decode()


def test_register_writes_confirmation_to_outbox(api):
    event = EventFactory()

    api.post(url(event), person(1), format="json")

    email = Delivery.objects.get()
    assert (email.kind, email.to_email, email.language) == (
        "confirmed",
        "person1@example.org",
        "vi",
    )


def test_register_duplicate_email_is_409_offering_link(api):
    event = EventFactory()
    register(event, 1)

    response = api.post(url(event), person(1, email="Person1@EXAMPLE.org"), format="json")

    assert response.status_code == 409
    assert "link" in response.json()["detail"]


def test_register_full_event_is_409_with_reason(api):
    event = EventFactory(capacity=1)
    register(event, 1)

    response = api.post(url(event), person(2), format="json")

    assert response.status_code == 409
    assert response.json()["detail"] == "This event is full."


def test_register_cancelled_event_is_409(api):
    event = EventFactory(status="cancelled")

    response = api.post(url(event), person(1), format="json")

    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]


def test_register_draft_event_is_404(api):
    event = EventFactory(status="draft")

    assert api.post(url(event), person(1), format="json").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"name": "   "}, "name"),
        ({"consent": False}, "consent"),
        ({"country": "XX"}, "country"),
        ({"language": "fr"}, "language"),
        ({"participant_type": "vip"}, "participant_type"),
        ({"answers": ["not", "a", "dict"]}, "answers"),
    ],
)
def test_register_bad_input_is_400_naming_field(api, change, field):
    event = EventFactory()

    response = api.post(url(event), {**person(1), **change}, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_register_missing_consent_is_400(api):
    event = EventFactory()
    data = person(1)
    del data["consent"]

    response = api.post(url(event), data, format="json")

    assert response.status_code == 400
    assert "consent" in response.json()


def test_register_answer_of_wrong_kind_is_400(api):
    event = EventFactory()
    question = QuestionFactory(event=event, kind="number", required=True)

    response = api.post(url(event), person(1, answers={str(question.pk): "many"}), format="json")

    assert response.status_code == 400
    assert response.json() == {f"answers.{question.pk}": ["Enter a number."]}


def test_register_answer_to_foreign_question_is_400(api):
    event = EventFactory()
    foreign = QuestionFactory()

    response = api.post(url(event), person(1, answers={str(foreign.pk): "x"}), format="json")

    assert response.status_code == 400
    assert "answers" in response.json()


def test_register_errors_in_vietnamese(api):
    event = EventFactory()

    response = api.post(
        url(event), {**person(1), "consent": False}, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    )

    assert response.status_code == 400
    assert (
        response.json()["consent"][0] != "Please agree to the data-processing notice to register."
    )


def test_resend_link_answers_202_for_unknown_email(api):
    event = EventFactory()

    response = api.post(url(event, "resend-link/"), {"email": "nobody@example.org"}, format="json")

    assert response.status_code == 202
    assert not Delivery.objects.exists()


def test_resend_link_answers_202_and_queues_link_for_known_email(api):
    event = EventFactory()
    register(event, 1)
    Delivery.objects.all().delete()

    response = api.post(url(event, "resend-link/"), {"email": "PERSON1@example.org"}, format="json")
    links.answer_link_requests()  # what the outbox sweep does

    assert response.status_code == 202
    assert Delivery.objects.get().kind == "manage_link"


def test_manage_link_email_carries_token(api, settings):
    from notifications import sending as notification_sending

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = EventFactory()
    registration = register(event, 1)

    notification_sending.send_deliveries([Delivery.objects.get().pk])

    assert f"/r/{registration.manage_token}" in mail.outbox[0].body


# --- Organisers -----------------------------------------------------------------------------


def test_list_registrations_for_team_has_contract_fields(event, owner_api):
    register(event, 1)

    body = owner_api.get(url(event)).json()

    item = body["results"][0]
    for key in [
        "id",
        "status",
        "name",
        "email",
        "affiliation",
        "country",
        "language",
        "participant_type",
        "answers",
        "waitlist_position",
        "ticket_code",
        "checked_in_at",
        "created_at",
    ]:
        assert key in item, key
    assert "manage_token" not in json.dumps(body)


@pytest.mark.parametrize("role", [None, "stranger"])
def test_list_registrations_refused_outside_team(event, team_client, role):
    expected = 401 if role is None else 403

    assert team_client(role).get(url(event)).status_code == expected


def test_list_registrations_allowed_for_checkin_staff(event, team_client):
    assert team_client("checkin").get(url(event)).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=waitlisted", ["person2@example.org"]),
        ("participant_type=student", ["person1@example.org"]),
        ("country=jp", ["person2@example.org"]),
        ("q=VAST", ["person1@example.org"]),
        ("checked_in=true", []),
        ("checked_in=false", ["person1@example.org", "person2@example.org"]),
    ],
)
def test_list_registrations_filters(owner, query, expected):
    event = EventFactory(capacity=1, waitlist_enabled=True, owner=owner)
    register(event, 1, participant_type="student", affiliation="VAST")
    register(event, 2, country="JP")

    body = client_for(owner).get(url(event, f"?{query}")).json()

    assert [item["email"] for item in body["results"]] == expected


def test_approve_and_reject_through_api(owner):
    event = EventFactory(requires_approval=True, owner=owner)
    first, second = register(event, 1), register(event, 2)
    api = client_for(owner)

    approved = api.post(url(event, f"{first.pk}/approve/"))
    rejected = api.post(url(event, f"{second.pk}/reject/"), {"reason": "Full"}, format="json")

    assert approved.json()["status"] == "confirmed"
    assert (rejected.json()["status"], rejected.json()["decision_reason"]) == ("rejected", "Full")


def test_approve_by_checkin_staff_is_403(event, team_client):
    registration = register(event, 1)

    response = team_client("checkin").post(url(event, f"{registration.pk}/approve/"))

    assert response.status_code == 403


def test_bulk_approve_approves_only_pending(owner):
    event = EventFactory(requires_approval=True, owner=owner)
    pending = [register(event, n) for n in range(3)]
    other = register(EventFactory(requires_approval=True), 9)

    response = client_for(owner).post(
        url(event, "bulk-approve/"), {"ids": [r.pk for r in pending] + [other.pk]}, format="json"
    )

    assert sorted(response.json()["approved"]) == sorted(r.pk for r in pending)
    other.refresh_from_db()
    assert other.status == "pending"


def test_bulk_reject_rejects_only_pending_of_this_event(owner):
    event = EventFactory(requires_approval=True, owner=owner)
    pending = [register(event, n) for n in range(2)]
    approved = register(event, 3)
    client_for(owner).post(url(event, f"{approved.pk}/approve/"))
    other = register(EventFactory(requires_approval=True), 9)
    ids = [r.pk for r in pending] + [approved.pk, other.pk]

    response = client_for(owner).post(url(event, "bulk-reject/"), {"ids": ids}, format="json")

    assert sorted(response.json()["rejected"]) == sorted(r.pk for r in pending)
    other.refresh_from_db()
    approved.refresh_from_db()
    assert (other.status, approved.status) == ("pending", "confirmed")


def test_bulk_cancel_after_the_event_ended_is_409(owner):
    event = EventFactory(owner=owner)
    registration = register(event, 1)
    end_event(event)

    response = client_for(owner).post(
        url(event, "bulk-cancel/"), {"ids": [registration.pk]}, format="json"
    )

    assert (response.status_code, response.json()["code"]) == (409, "event_ended")


def test_organiser_cancel_promotes_waitlisted(owner):
    event = EventFactory(capacity=1, waitlist_enabled=True, owner=owner)
    first, second = register(event, 1), register(event, 2)

    client_for(owner).post(url(event, f"{first.pk}/cancel/"), {"reason": "Asked by phone"})

    second.refresh_from_db()
    assert second.status == "confirmed"


def test_registration_of_other_event_is_404(owner):
    event = EventFactory(owner=owner)
    foreign = register(EventFactory(), 1)

    assert client_for(owner).get(url(event, f"{foreign.pk}/")).status_code == 404


def test_stats_counts(owner):
    event = EventFactory(capacity=2, waitlist_enabled=True, owner=owner)
    for n in range(3):
        register(event, n)

    body = client_for(owner).get(url(event, "stats/")).json()

    assert (body["confirmed"], body["waitlisted"], body["seats_left"]) == (2, 1, 0)


def test_availability_is_public(api):
    event = EventFactory(capacity=3)
    register(event, 1)

    body = api.get(f"/api/v1/events/{event.slug}/availability/").json()

    assert body["seats_left"] == 2
    assert "confirmed" not in body


def test_export_csv_has_one_column_per_question(owner):
    event = EventFactory(owner=owner)
    question = QuestionFactory(event=event, label_en="Dietary needs")
    register(event, 1, answers={str(question.pk): '=HYPERLINK("x")'})

    response = client_for(owner).get(url(event, "export.csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "Dietary needs"
    assert rows[1][-1].startswith("'=")  # formulas are defused
    assert rows[1][2] == "Người 1"


def test_export_xlsx_opens_with_rows(owner):
    event = EventFactory(owner=owner)
    register(event, 1)

    response = client_for(owner).get(url(event, "export.xlsx"))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 2


def test_export_headers_in_organisers_language(owner):
    event = EventFactory(owner=owner)

    response = client_for(owner).get(url(event, "export.csv"), HTTP_ACCEPT_LANGUAGE="vi")

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "Name" not in header.split(",")


def test_export_refused_for_stranger(event, team_client):
    assert team_client("stranger").get(url(event, "export.csv")).status_code == 403


# --- Check-in -------------------------------------------------------------------------------


def test_check_in_first_201_then_200_already(event, team_client):
    registration = register(event, 1)
    staff = team_client("checkin")
    scan = f"/api/v1/events/{event.slug}/check-ins/"

    first = staff.post(scan, {"code": registration.ticket_code}, format="json")
    second = staff.post(scan, {"code": registration.ticket_code}, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["already_checked_in"] is True
    assert second.json()["detail"].startswith("Already checked in today at ")


def test_check_in_unknown_code_is_404(event, team_client):
    response = team_client("checkin").post(
        f"/api/v1/events/{event.slug}/check-ins/", {"code": "NOPE"}, format="json"
    )

    assert response.status_code == 404
    assert "No ticket" in response.json()["detail"]


def test_check_in_cancelled_is_409(event, team_client):

    registration = seats.cancel(register(event, 1))

    response = team_client("checkin").post(
        f"/api/v1/events/{event.slug}/check-ins/", {"code": registration.ticket_code}, format="json"
    )

    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]


def test_check_in_refused_for_stranger(event, team_client):
    registration = register(event, 1)

    response = team_client("stranger").post(
        f"/api/v1/events/{event.slug}/check-ins/", {"code": registration.ticket_code}, format="json"
    )

    assert response.status_code == 403


def test_check_in_undo(event, team_client):
    registration = register(event, 1)
    staff = team_client("checkin")
    staff.post(f"/api/v1/events/{event.slug}/check-ins/", {"code": registration.ticket_code})

    response = staff.delete(f"/api/v1/events/{event.slug}/check-ins/{registration.ticket_code}/")

    assert response.status_code == 204
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- Questions ------------------------------------------------------------------------------


def test_create_question_with_limited_choices(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/questions/",
        {
            "kind": "single_choice",
            "label": "Lab tour",
            "help_vi": "Chọn một buổi",
            "required": True,
            "choices": [{"label": "Morning", "capacity": 10}, {"label_vi": "Buổi chiều"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    choices = response.json()["choices"]
    assert [c["capacity"] for c in choices] == [10, None]


@pytest.mark.parametrize(
    ("language", "expected"), [("en", ["Oceans", "Lab"]), ("vi", ["Đại dương", "Lab"])]
)
def test_choice_label_is_in_the_requests_language_with_fallback(api, event, language, expected):
    question = QuestionFactory(event=event, kind="single_choice")
    ChoiceFactory(question=question, label_en="Oceans", label_vi="Đại dương")
    ChoiceFactory(question=question, label_en="Lab", label_vi="")

    response = api.get(f"/api/v1/events/{event.slug}/questions/", HTTP_ACCEPT_LANGUAGE=language)

    [answer] = response.json()
    assert [c["label"] for c in answer["choices"]] == expected
    assert [c["label_vi"] for c in answer["choices"]] == ["Đại dương", ""]


def test_update_question_relabels_a_choice_in_both_languages_keeping_its_seats(event, owner_api):
    choice = ChoiceFactory(question__event=event, label_en="Tour", capacity=3)
    register(event, 1, answers={str(choice.question_id): choice.pk})

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/questions/{choice.question_id}/",
        {"choices": [{"id": choice.pk, "label_en": "Lab tour", "label_vi": "Tham quan"}]},
        format="json",
    )

    choice.refresh_from_db()
    assert response.status_code == 200, response.json()
    assert (choice.label_en, choice.label_vi, choice.taken) == ("Lab tour", "Tham quan", 1)


def test_create_choice_question_without_choices_is_400(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/questions/",
        {"kind": "single_choice", "label": "Lab tour"},
        format="json",
    )

    assert response.status_code == 400
    assert "choices" in response.json()


def test_questions_are_public_to_read(api, event):
    QuestionFactory(event=event)

    assert len(api.get(f"/api/v1/events/{event.slug}/questions/").json()) == 1


def test_delete_answered_question_is_409(event, owner_api):
    choice = ChoiceFactory(question__event=event, capacity=3)
    register(event, 1, answers={str(choice.question_id): choice.pk})

    response = owner_api.delete(f"/api/v1/events/{event.slug}/questions/{choice.question_id}/")

    assert response.status_code == 409


def test_question_change_by_stranger_is_403(event, team_client):
    response = team_client("stranger").post(
        f"/api/v1/events/{event.slug}/questions/", {"kind": "short_text", "label": "x"}
    )

    assert response.status_code == 403


def test_stranger_cannot_see_registrations_of_team_event():
    stranger = client_for(UserFactory())
    event = EventFactory()
    registration = register(event, 1)

    assert stranger.get(url(event, f"{registration.pk}/")).status_code == 403


def test_revoke_link_kills_old_token_and_emails_new(owner, api):
    event = EventFactory(owner=owner)
    registration = register(event, 1)
    old = registration.manage_token
    Delivery.objects.all().delete()

    response = client_for(owner).post(url(event, f"{registration.pk}/revoke-link/"))

    assert response.status_code == 200
    assert api.get(f"/api/v1/registrations/{old}/").status_code == 404
    registration.refresh_from_db()
    assert registration.manage_token != old
    assert Delivery.objects.get().kind == "manage_link"
