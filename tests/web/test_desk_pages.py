"""The organiser's pages for running an event: registrations, email, door check-in, audit."""

import pytest

from events.models import AuditLogEntry, TeamMembership
from notifications.models import Delivery, Message
from registration import checkin
from registration.models import Registration
from tests.factories import (
    AuditLogEntryFactory,
    ChoiceFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    UserFactory,
)
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

PAGES = ("registrations", "email", "check-in", "audit")


def page_url(event, page: str, language: str = "en") -> str:
    return f"/{language}/organiser/events/{event.slug}/{page}/"


@pytest.fixture
def desk(client, owner):
    """A browser signed in as the event's owner."""
    client.force_login(owner)
    return client


@pytest.fixture
def approval_event(owner):
    return EventFactory(owner=owner, requires_approval=True)


def signed_in_with_role(client, event, role: str):
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role=role)
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


# --- Registrations ----------------------------------------------------------------------------


def test_registrations_list_shows_registrations(desk, event):
    RegistrationFactory(event=event, name="Nguyễn Văn A", affiliation="VAST")

    response = desk.get(page_url(event, "registrations"))

    assert response.status_code == 200
    assert "Nguyễn Văn A" in text(response) and "VAST" in text(response)


def test_registrations_list_filters_by_status(desk, event):
    RegistrationFactory(event=event, name="Confirmed Person")
    RegistrationFactory(event=event, name="Pending Person", status=Registration.Status.PENDING)

    page = text(desk.get(page_url(event, "registrations"), {"status": "pending"}))

    assert "Pending Person" in page and "Confirmed Person" not in page


def test_registrations_list_searches_name_email_and_affiliation(desk, event):
    RegistrationFactory(event=event, name="Trần Thị B", affiliation="Hanoi University")
    RegistrationFactory(event=event, name="Lê Văn C", affiliation="Hue College")

    page = text(desk.get(page_url(event, "registrations"), {"q": "hanoi"}))

    assert "Trần Thị B" in page and "Lê Văn C" not in page


def test_registrations_list_export_links_keep_valid_filters(desk, event):
    page = text(desk.get(page_url(event, "registrations"), {"status": "pending", "page": "2"}))

    assert f"/api/v1/events/{event.slug}/registrations/export.csv?status=pending" in page
    assert f"/api/v1/events/{event.slug}/registrations/export.xlsx?status=pending" in page


def test_registrations_list_garbage_filters_and_page_are_not_an_error(desk, event):
    RegistrationFactory(event=event)

    response = desk.get(
        page_url(event, "registrations"),
        {"status": "nonsense", "checked_in": "maybe", "page": "abc", "participant_type": "x"},
    )

    assert response.status_code == 200


def test_approve_button_confirms_pending_registration(desk, approval_event):
    registration = register(approval_event, 1)
    address = page_url(approval_event, "registrations") + "?status=pending"

    response = desk.post(address, {"action": "approve", "id": registration.pk})

    assert response.status_code == 302 and response["Location"] == address
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_approve_button_shows_success_message(desk, approval_event):
    registration = register(approval_event, 1)

    response = desk.post(
        page_url(approval_event, "registrations"),
        {"action": "approve", "id": registration.pk},
        follow=True,
    )

    assert f"{registration.name} is approved." in text(response)


def test_reject_button_rejects_with_reason(desk, approval_event):
    registration = register(approval_event, 1)

    desk.post(
        page_url(approval_event, "registrations"),
        {"action": "reject", "id": registration.pk, "reason": "Out of scope"},
    )

    registration.refresh_from_db()
    assert registration.status == "rejected" and registration.decision_reason == "Out of scope"


def test_approve_button_on_confirmed_registration_shows_conflict(desk, event):
    registration = register(event, 1)

    response = desk.post(
        page_url(event, "registrations"), {"action": "approve", "id": registration.pk}
    )

    assert response.status_code == 400
    assert "Only registrations waiting for approval can be approved." in text(response)


def test_action_on_unknown_registration_is_400(desk, event):
    response = desk.post(page_url(event, "registrations"), {"action": "approve", "id": "nope"})

    assert response.status_code == 400


def test_action_on_another_events_registration_is_refused(desk, event, approval_event):
    elsewhere = register(EventFactory(requires_approval=True), 1)

    response = desk.post(
        page_url(approval_event, "registrations"), {"action": "approve", "id": elsewhere.pk}
    )

    assert response.status_code == 400
    assert Registration.objects.get(pk=elsewhere.pk).status == "pending"


def test_bulk_approve_confirms_selected_registrations(desk, approval_event):
    first, second, third = (register(approval_event, n) for n in (1, 2, 3))

    response = desk.post(
        page_url(approval_event, "registrations"),
        {"bulk_action": "approve", "ids": [first.pk, second.pk]},
    )

    assert response.status_code == 302
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "confirmed", second.pk: "confirmed", third.pk: "pending"}


def test_bulk_cancel_cancels_selected_registrations(desk, event):
    first, second = register(event, 1), register(event, 2)

    desk.post(
        page_url(event, "registrations"),
        {"bulk_action": "cancel", "ids": [first.pk], "confirmed": "yes"},
    )

    assert Registration.objects.get(pk=first.pk).status == "cancelled"
    assert Registration.objects.get(pk=second.pk).status == "confirmed"


def test_bulk_action_with_non_numeric_ids_is_400(desk, event):
    response = desk.post(
        page_url(event, "registrations"), {"bulk_action": "approve", "ids": ["x", "1"]}
    )

    assert response.status_code == 400


def test_bulk_action_without_selection_is_400(desk, event):
    response = desk.post(page_url(event, "registrations"), {"bulk_action": "approve"})

    assert response.status_code == 400
    assert "Select at least one registration." in text(response)


def test_cancel_button_cancels_active_registration(desk, event):
    registration = register(event, 1)

    response = desk.post(
        page_url(event, "registrations"), {"action": "cancel", "id": registration.pk}
    )

    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


@pytest.mark.parametrize("how_many", [5, 50])
def test_registrations_list_query_count_is_constant(
    desk, event, how_many, django_assert_max_num_queries
):
    RegistrationFactory.create_batch(how_many, event=event)

    with django_assert_max_num_queries(13):
        response = desk.get(page_url(event, "registrations"))

    assert response.status_code == 200


# --- Check-in ---------------------------------------------------------------------------------


def test_check_in_typed_code_checks_person_in(desk, event):
    registration = register(event, 1)

    response = desk.post(page_url(event, "check-in"), {"code": registration.ticket_code.lower()})

    assert response.status_code == 200
    assert "Checked in on " in text(response)
    assert f": {registration.name} (Delegate)" in text(response)
    assert "scan-ok" in text(response)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None


def test_check_in_second_scan_says_already_checked_in(desk, event):
    registration = register(event, 1)
    desk.post(page_url(event, "check-in"), {"code": registration.ticket_code})

    response = desk.post(page_url(event, "check-in"), {"code": registration.ticket_code})

    assert "Already checked in" in text(response) and "scan-bad" in text(response)
    assert AuditLogEntry.objects.filter(action="registration.checked_in").count() == 1


def test_check_in_unknown_code_shows_error(desk, event):
    response = desk.post(page_url(event, "check-in"), {"code": "NOSUCHCODE"})

    assert response.status_code == 400
    assert "Unknown ticket code: NOSUCHCODE" in text(response) and "scan-bad" in text(response)


def test_check_in_blank_code_is_400(desk, event):
    assert desk.post(page_url(event, "check-in"), {"code": ""}).status_code == 400


def test_check_in_of_cancelled_registration_says_why(desk, event):
    registration = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    response = desk.post(page_url(event, "check-in"), {"code": registration.ticket_code})

    assert response.status_code == 400
    assert "This registration was cancelled." in text(response)


def test_check_in_page_shows_running_count(desk, event):
    registration = register(event, 1)
    register(event, 2)

    response = desk.post(page_url(event, "check-in"), {"code": registration.ticket_code})

    assert "1 of 2 checked in" in text(response)


def test_check_in_page_lists_last_check_ins_with_undo(desk, event):
    registration = RegistrationFactory(event=event, name="Phạm Thị D")
    checkin.check_in(event, registration.ticket_code, actor=None)

    page = text(desk.get(page_url(event, "check-in")))

    assert "Phạm Thị D" in page and "Undo the check-in of Phạm Thị D" in page


def test_undo_button_undoes_check_in(desk, event):
    registration = RegistrationFactory(event=event)
    checkin.check_in(event, registration.ticket_code, actor=None)

    response = desk.post(
        page_url(event, "check-in"), {"action": "undo", "code": registration.ticket_code}
    )

    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


def test_undo_of_person_not_checked_in_is_400(desk, event):
    registration = register(event, 1)

    response = desk.post(
        page_url(event, "check-in"), {"action": "undo", "code": registration.ticket_code}
    )

    assert response.status_code == 400
    assert "This person has not been checked in today." in text(response)


def test_check_in_page_loads_its_script_and_api_addresses(desk, event):
    page = text(desk.get(page_url(event, "check-in")))

    assert "web/check-in.js" in page
    assert f"/api/v1/events/{event.slug}/check-ins/" in page
    assert f"/api/v1/events/{event.slug}/registrations/stats/" in page


# --- Email ------------------------------------------------------------------------------------


def test_broadcast_from_page_creates_message(desk, event):
    register(event, 1)
    register(event, 2)

    response = desk.post(
        page_url(event, "email"),
        {"subject_en": "Room change", "body_en": "We meet in room 2.", "statuses": ["confirmed"]},
    )

    assert response.status_code == 302
    message = Message.objects.get(event=event, kind=Message.Kind.BROADCAST)
    assert message.subject_en == "Room change" and message.deliveries.count() == 2
    assert AuditLogEntry.objects.filter(event=event, action="broadcast.sent").exists()


@pytest.mark.parametrize(
    "language, count_text", [("en", "will go to 2 people"), ("vi", "được gửi tới 2 người")]
)
def test_email_preview_shows_the_count_and_each_language_without_sending(
    desk, event, language, count_text
):
    question = QuestionFactory(event=event, kind="single_choice", label_en="Workshop")
    a, b = ChoiceFactory(question=question, label_en="A"), ChoiceFactory(question=question)
    for choice in (a, a, b):
        RegistrationFactory(event=event, answers={str(question.pk): choice.pk})
    form = {
        "action": "preview",
        "subject_en": "Workshop A: room change",
        "body_en": "Hello {name}, room 2 for {event}.",
        "body_vi": "Xin chào {name}, phòng 2.",
        "choices": [str(a.pk)],
    }

    response = desk.post(page_url(event, "email", language), form)

    page = text(response)
    assert response.status_code == 200 and count_text in page
    assert f"Hello {{name}}, room 2 for {event.title_en}." in page
    assert "Xin chào {name}, phòng 2." in page
    assert f'value="{a.pk}" checked' in page and not Message.objects.exists()


def test_email_preview_with_a_stranger_choice_answers_400(desk, event):
    other = ChoiceFactory(question=QuestionFactory(kind="single_choice"))

    response = desk.post(
        page_url(event, "email"), {"action": "preview", "body_en": "Hi", "choices": [other.pk]}
    )

    assert response.status_code == 400
    assert "not choices of this event" in text(response)


def test_broadcast_without_body_shows_error_and_keeps_input(desk, event):
    response = desk.post(page_url(event, "email"), {"subject_en": "Kept subject"})

    assert response.status_code == 400
    assert "Write the message in English or Vietnamese." in text(response)
    assert 'value="Kept subject"' in text(response)
    assert not Message.objects.exists()


def test_broadcast_with_unknown_status_is_400(desk, event):
    response = desk.post(page_url(event, "email"), {"body_en": "Hello", "statuses": ["nonsense"]})

    assert response.status_code == 400
    assert not Message.objects.exists()


def failed_delivery(event, state: str = Delivery.State.FAILED) -> Delivery:
    registration = register(event, 9)
    return Delivery.objects.create(
        kind=Delivery.Kind.CONFIRMED,
        event=event,
        registration=registration,
        to_email=registration.email,
        state=state,
        attempts=5,
        last_error="550 mailbox unavailable",
    )


def test_email_page_lists_deliveries_with_resend_button(desk, event):
    delivery = failed_delivery(event)

    page = text(desk.get(page_url(event, "email")))

    assert "550 mailbox unavailable" in page
    assert f"Re-send the email to {delivery.to_email}" in page


def test_resend_requeues_failed_delivery(desk, event):
    delivery = failed_delivery(event)

    response = desk.post(page_url(event, "email"), {"action": "resend", "id": delivery.pk})

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.QUEUED and delivery.attempts == 0


def test_resend_of_sent_delivery_is_refused(desk, event):
    delivery = failed_delivery(event, state=Delivery.State.SENT)

    response = desk.post(page_url(event, "email"), {"action": "resend", "id": delivery.pk})

    assert response.status_code == 400
    assert Delivery.objects.get(pk=delivery.pk).state == Delivery.State.SENT


def test_resend_of_unknown_delivery_is_400(desk, event):
    assert desk.post(page_url(event, "email"), {"action": "resend", "id": "x"}).status_code == 400


def test_email_page_filters_deliveries_by_state(desk, event):
    failed_delivery(event)

    page = text(desk.get(page_url(event, "email"), {"state": "sent"}))

    assert "550 mailbox unavailable" not in page


def test_email_page_unknown_state_and_page_are_not_an_error(desk, event):
    response = desk.get(page_url(event, "email"), {"state": "nonsense", "page": "-3"})

    assert response.status_code == 200


# --- Audit log --------------------------------------------------------------------------------


def test_audit_page_lists_action(desk, event, owner):
    AuditLogEntryFactory(event=event, actor=owner, action="registration.approved")

    page = text(desk.get(page_url(event, "audit")))

    assert "registration.approved" in page and "owner" in page


@pytest.mark.parametrize(
    "language, sentence",
    [("en", "Mai Tran approved Nguyễn Văn An."), ("vi", "Mai Tran đã duyệt Nguyễn Văn An.")],
)
def test_audit_page_reads_as_sentences_with_names(desk, event, language, sentence):
    mai = UserFactory(username="mai", first_name="Mai", last_name="Tran")
    registration = RegistrationFactory(event=event, name="Nguyễn Văn An")
    AuditLogEntryFactory(
        event=event,
        actor=mai,
        action="registration.approved",
        changes={"registration": registration.pk},
    )

    page = text(desk.get(page_url(event, "audit", language)))

    assert sentence in page
    assert "<strong>registration</strong>" not in page and "<code>" not in page


def test_audit_page_shows_changes_as_old_and_new(desk, event):
    AuditLogEntryFactory(event=event, changes={"capacity": [100, 120]})

    assert "100 → 120" in text(desk.get(page_url(event, "audit")))


# --- Who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_404_for_a_stranger(client, event, page):
    client.force_login(UserFactory())

    assert client.get(page_url(event, page)).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_pages_need_sign_in(client, event, page):
    response = client.get(page_url(event, page))

    assert response.status_code == 302 and "sign-in" in response["Location"]


def test_check_in_staff_gets_403_on_registration_actions(client, approval_event):
    registration = register(approval_event, 1)
    staff = signed_in_with_role(client, approval_event, "checkin")

    response = staff.post(
        page_url(approval_event, "registrations"), {"action": "approve", "id": registration.pk}
    )

    assert response.status_code == 403
    assert Registration.objects.get(pk=registration.pk).status == "pending"


def test_check_in_staff_gets_403_on_email(client, event):
    staff = signed_in_with_role(client, event, "checkin")

    assert staff.get(page_url(event, "email")).status_code == 403


def test_check_in_staff_can_see_the_registrations_list(client, event):
    staff = signed_in_with_role(client, event, "checkin")

    page = text(staff.get(page_url(event, "registrations")))

    assert "Apply to selected" not in page


def test_check_in_staff_can_check_people_in(client, event):
    registration = register(event, 1)
    staff = signed_in_with_role(client, event, "checkin")

    assert staff.get(page_url(event, "check-in")).status_code == 200
    staff.post(page_url(event, "check-in"), {"code": registration.ticket_code})
    assert Registration.objects.get(pk=registration.pk).checked_in_at is not None


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_in_vietnamese(desk, event, page):
    RegistrationFactory(event=event)

    response = desk.get(page_url(event, page, language="vi"))

    assert response.status_code == 200
    assert '<html lang="vi">' in text(response) and event.title_vi in text(response)


# --- Finding people at the door, per-day check-in ------------------------------------------


def test_check_in_page_finds_person_by_name_without_accents(desk, event):
    register(event, 1, name="Trần Thị Mai")
    register(event, 2, name="Nguyễn Văn An")

    page = text(desk.get(page_url(event, "check-in"), {"q": "tran thi mai"}))

    assert "Trần Thị Mai" in page and "Nguyễn Văn An" not in page
    assert "Check in Trần Thị Mai" in page


def test_check_in_page_check_in_button_checks_person_in(desk, event):
    registration = register(event, 1, name="Trần Thị Mai")

    response = desk.post(page_url(event, "check-in"), {"code": registration.ticket_code})
    page = text(desk.get(page_url(event, "check-in"), {"q": "mai"}))

    assert "scan-ok" in text(response)
    assert "Check in Trần Thị Mai" not in page and "Checked in at" in page


def test_check_in_page_search_without_match_says_so(desk, event):
    page = text(desk.get(page_url(event, "check-in"), {"q": "nobody"}))

    assert "No one found." in page


def test_check_in_typed_with_dashes_and_spaces_checks_person_in(desk, event):
    code = register(event, 1).ticket_code

    response = desk.post(
        page_url(event, "check-in"), {"code": f"{code[:4]} - {code[4:8]}-{code[8:]}".lower()}
    )

    assert "scan-ok" in text(response)


def test_check_in_second_scan_in_vietnamese_names_today(desk, event):
    registration = register(event, 1)
    desk.post(page_url(event, "check-in", "vi"), {"code": registration.ticket_code})

    response = desk.post(page_url(event, "check-in", "vi"), {"code": registration.ticket_code})

    assert "Đã điểm danh hôm nay lúc" in text(response)


def test_check_in_page_result_comes_before_the_code_input(desk, event):
    page = text(desk.get(page_url(event, "check-in")))

    assert page.index('id="scan-result"') < page.index('id="id_code"')


# --- Bulk reject and cancel ask first ----------------------------------------------------------


def test_bulk_reject_asks_how_many_first(desk, approval_event):
    people = [register(approval_event, n) for n in range(3)]

    response = desk.post(
        page_url(approval_event, "registrations"),
        {"bulk_action": "reject", "ids": [person.pk for person in people]},
    )

    assert response.status_code == 200
    assert "Reject 3 registrations?" in text(response)
    assert "Yes, reject 3 registrations" in text(response)
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}


def test_bulk_reject_confirmed_rejects(desk, approval_event):
    people = [register(approval_event, n) for n in range(2)]

    response = desk.post(
        page_url(approval_event, "registrations"),
        {"bulk_action": "reject", "ids": [p.pk for p in people], "confirmed": "yes"},
    )

    assert response.status_code == 302
    assert set(Registration.objects.values_list("status", flat=True)) == {"rejected"}


def test_bulk_cancel_confirmation_counts_only_who_it_applies_to(desk, event):
    active = register(event, 1)
    gone = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)

    page = text(
        desk.post(
            page_url(event, "registrations"), {"bulk_action": "cancel", "ids": [active.pk, gone.pk]}
        )
    )

    assert "Cancel 1 registration?" in page
    assert "1 selected registration will be left unchanged" in page
    assert Registration.objects.get(pk=active.pk).status == "confirmed"


def test_bulk_cancel_confirmation_in_vietnamese(desk, event):
    people = [register(event, n) for n in range(2)]

    page = text(
        desk.post(
            page_url(event, "registrations", "vi"),
            {"bulk_action": "cancel", "ids": [p.pk for p in people]},
        )
    )

    assert "Hủy 2 đăng ký?" in page


def test_bulk_reject_without_selection_is_400(desk, event):
    response = desk.post(page_url(event, "registrations"), {"bulk_action": "reject"})

    assert response.status_code == 400


# --- Registrations search and printing -----------------------------------------------------------


def test_registrations_search_ignores_accents(desk, event):
    RegistrationFactory(event=event, name="Trần Thị Mai")
    RegistrationFactory(event=event, name="Lê Văn Bình")

    page = text(desk.get(page_url(event, "registrations"), {"q": "tran thi mai"}))

    assert "Trần Thị Mai" in page and "Lê Văn Bình" not in page


def test_attendee_list_lists_confirmed_people_with_signature_column(desk, event):
    RegistrationFactory(event=event, name="Trần Thị Mai", affiliation="VAST")
    RegistrationFactory(event=event, name="Lê Văn Bình", status=Registration.Status.CANCELLED)

    page = text(desk.get(page_url(event, "attendees/print")))

    assert "Trần Thị Mai" in page and "VAST" in page and "Signature" in page
    assert "Lê Văn Bình" not in page


def test_attendee_list_refused_for_stranger(client, event):
    client.force_login(UserFactory())

    assert client.get(page_url(event, "attendees/print")).status_code == 404
