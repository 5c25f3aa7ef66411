"""The organiser's set-up pages: details, questions, agenda, team, reminders, preview."""

import zoneinfo
from datetime import datetime

import pytest

from events.agenda_models import Session
from events.models import AuditLogEntry, Event, TeamMembership
from notifications.models import ReminderRule
from registration.models import Question
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory
from tests.registration.helpers import register

SAIGON = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
PAGES = ["edit", "questions", "agenda", "team", "reminders", "preview"]


def page(event: Event, name: str, language: str = "en") -> str:
    return f"/{language}/organiser/events/{event.slug}/{name}/"


def details(**changes: str) -> dict[str, str]:
    """A details form as a person fills it in; changes replace fields (None leaves one out)."""
    form = {
        "title_en": "Materials Science Forum",
        "title_vi": "Diễn đàn Khoa học Vật liệu",
        "summary_en": "New materials for a greener industry.",
        "kind": "forum",
        "scope": "national",
        "fields": "2",
        "timezone": "Asia/Ho_Chi_Minh",
        "start": "2030-05-01T09:00",
        "end": "2030-05-01T17:00",
        "venue_name": "Hanoi University of Science and Technology",
        "venue_city": "Hà Nội",
        "venue_country": "vn",
        "format": "in_person",
        "capacity": "120",
        "waitlist_enabled": "1",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def member_client(client, event: Event, role: str | None):
    user = UserFactory()
    if role:
        TeamMembership.objects.create(event=event, user=user, role=role)
    client.force_login(user)
    return client


# --- Details --------------------------------------------------------------------------------


def test_create_event_makes_a_draft_owned_by_its_creator(owner_client, owner):
    response = owner_client.post("/en/organiser/events/new/", details())

    event = Event.objects.get(title_en="Materials Science Forum")
    assert response.status_code == 302
    assert response["Location"] == page(event, "questions")
    assert event.status == Event.Status.DRAFT
    assert event.team.get(user=owner).role == TeamMembership.Role.OWNER
    assert event.start == datetime(2030, 5, 1, 9, 0, tzinfo=SAIGON)
    assert event.venue_country == "VN"
    assert event.capacity == 120 and event.waitlist_enabled
    assert list(event.fields.values_list("code", flat=True)) == ["2"]


def test_create_page_without_sign_in_redirects_to_sign_in(client, db):
    response = client.get("/en/organiser/events/new/")

    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_create_event_with_text_capacity_answers_400_and_keeps_what_was_typed(owner_client):
    response = owner_client.post("/en/organiser/events/new/", details(capacity="abc"))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_capacity-error"' in html
    assert 'value="abc"' in html
    assert 'value="Materials Science Forum"' in html
    assert not Event.objects.filter(title_en="Materials Science Forum").exists()


def test_create_event_ending_before_it_starts_answers_400(owner_client):
    response = owner_client.post("/en/organiser/events/new/", details(end="2030-04-30T09:00"))

    assert response.status_code == 400
    assert "The event must end after it starts." in response.content.decode()
    assert 'value="2030-04-30T09:00"' in response.content.decode()


def test_create_event_in_unknown_timezone_answers_400(owner_client):
    response = owner_client.post("/en/organiser/events/new/", details(timezone="Mars/Olympus"))

    assert response.status_code == 400
    assert "Unknown timezone" in response.content.decode()


def test_create_event_without_title_answers_400_beside_the_title(owner_client):
    response = owner_client.post("/en/organiser/events/new/", details(title_en="", title_vi=""))

    assert response.status_code == 400
    assert 'id="id_title_en-error"' in response.content.decode()


def test_create_event_without_start_answers_400(owner_client):
    response = owner_client.post("/en/organiser/events/new/", details(start=""))

    assert response.status_code == 400
    assert 'id="id_start-error"' in response.content.decode()


def test_edit_page_shows_times_in_the_events_timezone(owner_client, draft):
    draft.start = datetime(2030, 5, 1, 2, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    draft.end = datetime(2030, 5, 1, 10, 0, tzinfo=zoneinfo.ZoneInfo("UTC"))
    draft.save()

    response = owner_client.get(page(draft, "edit"))

    assert response.status_code == 200
    assert 'value="2030-05-01T09:00"' in response.content.decode()


def test_edit_event_saves_and_goes_on_to_the_questions(owner_client, draft):
    response = owner_client.post(page(draft, "edit"), details(title_en="Renamed", capacity=""))

    draft.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == page(draft, "questions")
    assert draft.title_en == "Renamed"
    assert draft.capacity is None


# --- Questions ------------------------------------------------------------------------------


def test_add_question_with_limited_choices_saves_their_seats(owner_client, draft):
    form = {
        "label_en": "Which workshop?",
        "kind": "single_choice",
        "required": "1",
        "choices": "Workshop A|30\nWorkshop B\n",
    }
    response = owner_client.post(page(draft, "questions"), form)

    question = draft.questions.get()
    choices = [(c.label_en, c.label_vi, c.capacity) for c in question.choices.all()]
    assert response.status_code == 302
    assert question.required and question.kind == Question.Kind.SINGLE_CHOICE
    assert choices == [("Workshop A", "Workshop A", 30), ("Workshop B", "Workshop B", None)]


def test_add_question_with_text_as_seats_answers_400_naming_the_line(owner_client, draft):
    form = {"label_en": "Which workshop?", "kind": "single_choice", "choices": "A|30\nB|many"}
    response = owner_client.post(page(draft, "questions"), form)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 2:" in html
    assert "B|many" in html
    assert not draft.questions.exists()


def test_add_choice_question_without_choices_answers_400(owner_client, draft):
    form = {"label_en": "Which workshop?", "kind": "multiple_choice", "choices": ""}
    response = owner_client.post(page(draft, "questions"), form)

    assert response.status_code == 400
    assert 'id="id_choices-error"' in response.content.decode()


def test_questions_page_shows_seats_taken_of_capacity(owner_client, draft):
    question = QuestionFactory(event=draft, kind=Question.Kind.SINGLE_CHOICE)
    ChoiceFactory(question=question, label_en="Lab tour", capacity=10, taken=3)

    response = owner_client.get(page(draft, "questions"))

    assert "3 of 10 taken" in response.content.decode()


def test_delete_question_removes_it(owner_client, draft):
    question = QuestionFactory(event=draft)

    response = owner_client.post(
        page(draft, "questions"), {"action": "delete", "question": question.pk}
    )

    assert response.status_code == 302
    assert not draft.questions.exists()


def test_delete_question_with_a_made_up_number_answers_404(owner_client, draft):
    response = owner_client.post(page(draft, "questions"), {"action": "delete", "question": "x"})

    assert response.status_code == 404


def test_add_question_with_choices_in_both_languages_saves_each_label(owner_client, draft):
    form = {
        "label_en": "Which workshop?",
        "kind": "single_choice",
        "choices": "Workshop A|Hội thảo A|30\nLab tour|Tham quan phòng thí nghiệm|\n",
    }
    response = owner_client.post(page(draft, "questions"), form)

    choices = [(c.label_en, c.label_vi, c.capacity) for c in draft.questions.get().choices.all()]
    assert response.status_code == 302
    assert choices == [
        ("Workshop A", "Hội thảo A", 30),
        ("Lab tour", "Tham quan phòng thí nghiệm", None),
    ]


def test_edit_question_form_is_filled_in_with_its_choices(owner_client, draft):
    question = QuestionFactory(event=draft, kind=Question.Kind.SINGLE_CHOICE, label_en="Track")
    choice = ChoiceFactory(question=question, label_en="Oceans", label_vi="Đại dương")

    html = owner_client.get(page(draft, "questions"), {"edit": question.pk}).content.decode()

    assert 'value="Track"' in html
    assert f'name="choice.{choice.pk}.label_vi" value="Đại dương"' in html


def test_edit_question_relabels_a_chosen_choice_and_keeps_who_chose_it(owner_client, event):
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, label_en="Tour")
    choice = ChoiceFactory(question=question, label_en="Lab", label_vi="", capacity=5)
    registration = register(event, 1, answers={str(question.pk): choice.pk})
    form = {
        "action": "edit",
        "question": question.pk,
        "label_en": "Which tour?",
        "label_vi": "Tham quan nào?",
        "kind": "single_choice",
        "choice": [choice.pk],
        f"choice.{choice.pk}.label_en": "Clean-room lab",
        f"choice.{choice.pk}.label_vi": "Phòng sạch",
        f"choice.{choice.pk}.capacity": "8",
        "choices": "Library|Thư viện|",
    }

    response = owner_client.post(page(event, "questions"), form)

    choice.refresh_from_db()
    registration.refresh_from_db()
    labels = [c.label_vi for c in question.choices.all()]
    assert response.status_code == 302
    assert (choice.label_en, choice.label_vi, choice.capacity, choice.taken) == (
        "Clean-room lab",
        "Phòng sạch",
        8,
        1,
    )
    assert registration.answers == {str(question.pk): choice.pk}
    assert labels == ["Phòng sạch", "Thư viện"]


def test_edit_question_cannot_remove_a_chosen_choice(owner_client, event):
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, label_en="Tour")
    chosen = ChoiceFactory(question=question, label_en="Lab", capacity=5)
    register(event, 1, answers={str(question.pk): chosen.pk})
    form = {
        "action": "edit",
        "question": question.pk,
        "label_en": "Tour",
        "kind": "single_choice",
        "choices": "Library",
    }

    response = owner_client.post(page(event, "questions"), form)

    assert response.status_code == 400
    assert "has been chosen already" in response.content.decode()
    assert question.choices.filter(pk=chosen.pk).exists()


def test_edit_question_of_another_event_answers_404(owner_client, draft, event):
    other = QuestionFactory(event=EventFactory())

    response = owner_client.get(page(draft, "questions"), {"edit": other.pk})

    assert response.status_code == 404


# --- Agenda ---------------------------------------------------------------------------------


def test_add_session_saves_it_with_its_speakers_in_the_events_timezone(owner_client, draft):
    form = {
        "title_en": "Opening keynote",
        "start": "2030-05-01T09:00",
        "end": "2030-05-01T10:00",
        "room": "Hall A",
        "speakers": "Nguyễn Văn An, Vietnam Academy of Science and Technology\nJane Roe",
    }
    response = owner_client.post(page(draft, "agenda"), form)

    session = Session.objects.get(event=draft)
    speakers = [(s.name, s.affiliation) for s in session.speakers.order_by("name")]
    assert response.status_code == 302
    assert session.start == datetime(2030, 5, 1, 9, 0, tzinfo=SAIGON)
    assert speakers == [
        ("Jane Roe", ""),
        ("Nguyễn Văn An", "Vietnam Academy of Science and Technology"),
    ]


def test_agenda_shows_session_times_in_the_events_timezone(owner_client, draft):
    draft.timezone = "Europe/Paris"
    draft.save()
    utc = zoneinfo.ZoneInfo("UTC")
    start = datetime(2030, 5, 1, 7, 0, tzinfo=utc)  # 09:00 in Paris, 14:00 in Hà Nội
    Session.objects.create(event=draft, title_en="Keynote", start=start, end=start.replace(hour=8))

    html = owner_client.get(page(draft, "agenda")).content.decode()

    assert "09:00–10:00" in html


def test_add_session_ending_before_it_starts_answers_400(owner_client, draft):
    form = {"title_en": "Keynote", "start": "2030-05-01T10:00", "end": "2030-05-01T09:00"}
    response = owner_client.post(page(draft, "agenda"), form)

    assert response.status_code == 400
    assert 'id="id_end-error"' in response.content.decode()
    assert not Session.objects.filter(event=draft).exists()


def test_edit_session_form_is_filled_in_on_the_events_clock(owner_client, draft):
    start = datetime(2030, 5, 1, 9, 0, tzinfo=SAIGON)
    session = Session.objects.create(
        event=draft, title_en="Keynote", start=start, end=start.replace(hour=10)
    )

    html = owner_client.get(page(draft, "agenda"), {"edit": session.pk}).content.decode()

    assert 'value="2030-05-01T09:00"' in html
    assert 'name="action" value="edit"' in html


def test_edit_session_changes_it_in_place(owner_client, draft):
    start = datetime(2030, 5, 1, 9, 0, tzinfo=SAIGON)
    session = Session.objects.create(
        event=draft, title_en="Keynote", start=start, end=start.replace(hour=10)
    )
    form = {
        "action": "edit",
        "session": session.pk,
        "title_en": "Opening keynote",
        "title_vi": "Bài giảng khai mạc",
        "start": "2030-05-01T09:30",
        "end": "2030-05-01T10:30",
        "room": "Hall B",
        "speakers": "Jane Roe, CNRS",
    }

    response = owner_client.post(page(draft, "agenda"), form)

    session.refresh_from_db()
    assert response.status_code == 302
    assert Session.objects.filter(event=draft).count() == 1
    assert (session.title_vi, session.room) == ("Bài giảng khai mạc", "Hall B")
    assert session.start == datetime(2030, 5, 1, 9, 30, tzinfo=SAIGON)
    assert [s.affiliation for s in session.speakers.all()] == ["CNRS"]


# --- Team -----------------------------------------------------------------------------------


def test_add_team_member_by_username(owner_client, draft):
    colleague = UserFactory(username="colleague")

    response = owner_client.post(page(draft, "team"), {"user": "colleague", "role": "checkin"})

    assert response.status_code == 302
    assert draft.team.get(user=colleague).role == TeamMembership.Role.CHECKIN


def test_add_unknown_username_answers_400(owner_client, draft):
    response = owner_client.post(page(draft, "team"), {"user": "nobody", "role": "organiser"})

    assert response.status_code == 400
    assert 'id="id_user-error"' in response.content.decode()
    assert 'value="nobody"' in response.content.decode()


def test_change_team_role_saves_the_new_role(owner_client, draft):
    membership = TeamMembership.objects.create(event=draft, user=UserFactory(), role="checkin")

    owner_client.post(
        page(draft, "team"), {"action": "role", "member": membership.pk, "role": "organiser"}
    )

    membership.refresh_from_db()
    assert membership.role == TeamMembership.Role.ORGANISER


def test_remove_team_member_takes_them_off(owner_client, draft):
    membership = TeamMembership.objects.create(event=draft, user=UserFactory(), role="checkin")

    owner_client.post(page(draft, "team"), {"action": "remove", "member": membership.pk})

    assert not TeamMembership.objects.filter(pk=membership.pk).exists()


def test_remove_owner_answers_400(owner_client, draft, owner):
    membership = draft.team.get(user=owner)

    response = owner_client.post(page(draft, "team"), {"action": "remove", "member": membership.pk})

    assert response.status_code == 400
    assert draft.team.filter(user=owner).exists()


def test_team_change_by_an_organiser_answers_403(client, draft):
    organiser = member_client(client, draft, "organiser")
    UserFactory(username="colleague")

    response = organiser.post(page(draft, "team"), {"user": "colleague", "role": "organiser"})

    assert response.status_code == 403


# --- Reminders ------------------------------------------------------------------------------


def test_add_reminder_hours_before_the_start(owner_client, draft):
    form = {"when": "before", "hours_before_start": "3", "include_waitlisted": "1"}

    response = owner_client.post(page(draft, "reminders"), form)

    rule = draft.reminder_rules.get(minutes_before_start=180)
    assert response.status_code == 302
    assert rule.include_waitlisted and not rule.include_pending
    assert AuditLogEntry.objects.filter(event=draft, action="reminder.created").exists()


def test_add_reminder_at_a_set_time_reads_it_in_the_events_timezone(owner_client, draft):
    form = {"when": "at", "send_at": "2030-04-30T08:00"}

    owner_client.post(page(draft, "reminders"), form)

    assert draft.reminder_rules.filter(send_at=datetime(2030, 4, 30, 8, 0, tzinfo=SAIGON)).exists()


def test_add_reminder_with_text_as_hours_answers_400(owner_client, draft):
    before = draft.reminder_rules.count()

    response = owner_client.post(
        page(draft, "reminders"), {"when": "before", "hours_before_start": "soon"}
    )

    assert response.status_code == 400
    assert 'id="id_hours_before_start-error"' in response.content.decode()
    assert draft.reminder_rules.count() == before


def test_delete_reminder_removes_it(owner_client, draft):
    rule = draft.reminder_rules.first() or ReminderRule.objects.create(
        event=draft, minutes_before_start=60, due_at=draft.start
    )

    owner_client.post(page(draft, "reminders"), {"action": "delete", "rule": rule.pk})

    assert not ReminderRule.objects.filter(pk=rule.pk).exists()


# --- Preview, publish, cancel ---------------------------------------------------------------


def test_publish_changes_the_status_and_says_so(owner_client, draft):
    response = owner_client.post(page(draft, "preview"), {"action": "publish"}, follow=True)

    draft.refresh_from_db()
    html = response.content.decode()
    assert draft.status == Event.Status.PUBLISHED
    assert response.redirect_chain == [(page(draft, "preview"), 302)]
    assert 'badge badge-published">Published' in html
    assert "message-success" in html


def test_publish_online_event_without_link_answers_400(owner_client, draft):
    draft.format = Event.Format.ONLINE
    draft.save()

    response = owner_client.post(page(draft, "preview"), {"action": "publish"})

    draft.refresh_from_db()
    assert response.status_code == 400
    assert "join link" in response.content.decode()
    assert draft.status == Event.Status.DRAFT


def test_cancel_cancels_the_event_with_its_reason(owner_client, event):
    response = owner_client.post(
        page(event, "preview"), {"action": "cancel", "reason": "The venue flooded."}
    )

    event.refresh_from_db()
    entry = AuditLogEntry.objects.get(event=event, action="event.cancelled")
    assert response.status_code == 302
    assert event.status == Event.Status.CANCELLED
    assert entry.changes == {"reason": "The venue flooded."}


# --- Who may see them -----------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_setup_page_for_a_stranger_answers_404(client, event, name):
    stranger = member_client(client, event, None)

    assert stranger.get(page(event, name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_setup_page_for_check_in_staff_answers_403(client, event, name):
    staff = member_client(client, event, "checkin")

    assert staff.get(page(event, name)).status_code == 403
    assert staff.post(page(event, name), {}).status_code == 403


@pytest.mark.parametrize("name", PAGES)
def test_setup_page_renders_in_vietnamese(owner_client, event, name):
    response = owner_client.get(page(event, name, language="vi"))

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_create_page_renders_in_vietnamese(owner_client):
    response = owner_client.get("/vi/organiser/events/new/")

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_setup_page_marks_its_step_as_current(owner_client, event, name):
    html = owner_client.get(page(event, name)).content.decode()

    assert f'<a href="{page(event, name)}" aria-current="step">' in html


def test_event_edit_publishes_the_participant_list_when_ticked(client, owner, draft):
    client.force_login(owner)

    client.post(f"/en/organiser/events/{draft.slug}/edit/", details(participant_list_public="1"))

    draft.refresh_from_db()
    assert draft.participant_list_public is True


def test_event_edit_saves_a_new_version_of_the_notice(client, owner, draft):
    client.force_login(owner)
    notice = "We keep your data for the forum only."

    client.post(f"/en/organiser/events/{draft.slug}/edit/", details(privacy_notice_en=notice))

    draft.refresh_from_db()
    assert draft.privacy_notice_en == notice and draft.privacy_notice_version == 1


def test_event_edit_without_touching_the_notice_keeps_its_version(client, owner, draft):
    client.force_login(owner)
    form = details(privacy_notice_en="Our notice.")
    client.post(f"/en/organiser/events/{draft.slug}/edit/", form)

    client.post(f"/en/organiser/events/{draft.slug}/edit/", {**form, "summary_en": "New"})

    draft.refresh_from_db()
    assert draft.privacy_notice_version == 1
