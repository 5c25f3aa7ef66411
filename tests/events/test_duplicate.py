"""Duplicating an event: a new draft with the same set-up, every time moved by one offset."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from events.duplicate import duplicate_event
from events.models import AuditLogEntry, Event, TeamMembership
from notifications.models import ReminderRule
from registration.models import Question
from tests.factories import (
    ChoiceFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    SessionFactory,
    SpeakerFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


@pytest.fixture
def source(owner):
    event = EventFactory(
        owner=owner,
        capacity=30,
        requires_approval=True,
        registration_closes=None,
    )
    event.registration_closes = event.start - timedelta(days=1)
    event.save()
    return event


def copy_of(source, user, **kwargs):
    return duplicate_event(source, user=user, start=source.start + WEEK, **kwargs)


def test_duplicate_is_a_draft_with_a_new_slug_owned_by_the_user(source):
    organiser = TeamMembershipFactory(event=source).user

    copy = copy_of(source, organiser)

    assert copy.status == Event.Status.DRAFT and copy.slug != source.slug
    assert list(copy.team.values_list("user", "role")) == [
        (organiser.pk, TeamMembership.Role.OWNER)
    ]


def test_duplicate_shifts_every_time_by_the_same_offset(source):
    later = source.start + timedelta(hours=2)
    session = SessionFactory(event=source, start=later, end=later + timedelta(hours=1))

    copy = copy_of(source, source.created_by or UserFactory())

    assert copy.start - source.start == WEEK
    assert copy.end - source.end == WEEK
    assert copy.registration_closes - source.registration_closes == WEEK
    assert copy.sessions.get().start == session.start + WEEK


def test_duplicate_copies_details_and_keeps_or_replaces_the_title(source, owner):
    copy = copy_of(source, owner, title_en="Science event 2028")

    assert copy.title_en == "Science event 2028" and copy.title_vi == source.title_vi
    assert (copy.capacity, copy.requires_approval, copy.venue_city) == (30, True, "Hà Nội")


def test_duplicate_copies_questions_with_choices_and_empty_counters(source, owner):
    question = QuestionFactory(event=source, kind=Question.Kind.SINGLE_CHOICE, label_en="Workshop")
    ChoiceFactory(question=question, label_en="Workshop A", label_vi="Hội thảo A", capacity=30)
    ChoiceFactory(question=question, label_en="Workshop B")
    question.choices.filter(label_en="Workshop A").update(taken=12)

    copy = copy_of(source, owner)

    copied = copy.questions.get()
    assert copied.pk != question.pk and copied.label_en == "Workshop"
    choices = list(copied.choices.values_list("label_en", "label_vi", "capacity", "taken"))
    assert choices == [("Workshop A", "Hội thảo A", 30, 0), ("Workshop B", "", None, 0)]
    assert source.questions.get().choices.count() == 2


def test_duplicate_copies_the_agenda_with_its_speakers(source, owner):
    speaker = SpeakerFactory(event=source, name="Dr Lan")
    session = SessionFactory(event=source, title_en="Opening")
    session.speakers.add(speaker)

    copy = copy_of(source, owner)

    copied = copy.sessions.get()
    assert copied.title_en == "Opening"
    assert [(s.name, s.event_id) for s in copied.speakers.all()] == [("Dr Lan", copy.pk)]


def test_duplicate_copies_reminders_with_their_times_moved(source, owner):
    ReminderRule.objects.filter(event=source).delete()
    fixed = ReminderRule(event=source, send_at=source.start - timedelta(days=3), subject_en="Hi")
    fixed.compute_due_at()
    fixed.save()
    relative = ReminderRule(event=source, minutes_before_start=120)
    relative.compute_due_at()
    relative.save()

    copy = copy_of(source, owner)

    rules = {(r.minutes_before_start, r.subject_en): r for r in copy.reminder_rules.all()}
    assert set(rules) == {(None, "Hi"), (120, "")}
    assert rules[(None, "Hi")].due_at == fixed.due_at + WEEK
    assert rules[(120, "")].due_at == copy.start - timedelta(minutes=120)


def test_duplicate_leaves_registrations_and_team_behind(source, owner):
    RegistrationFactory(event=source)
    TeamMembershipFactory(event=source, role=TeamMembership.Role.CHECKIN)

    copy = copy_of(source, owner)

    assert copy.registrations.count() == 0 and copy.team.count() == 1


def test_duplicate_is_recorded_in_the_audit_log(source, owner):
    copy = copy_of(source, owner)

    entry = AuditLogEntry.objects.get(event=copy, action="event.duplicated")
    assert entry.changes["source_slug"] == source.slug


def test_duplicate_without_a_start_is_refused(source, owner):
    with pytest.raises(ValidationError):
        duplicate_event(source, user=owner, start=None)


# --- API ----------------------------------------------------------------------------------


def test_api_duplicate_answers_201_with_the_draft(owner_api, source):
    response = owner_api.post(
        f"/api/v1/events/{source.slug}/duplicate/",
        {"start": "2031-03-02T08:30", "title_en": "Next year"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["title_en"] == "Next year"
    assert body["start"].startswith("2031-03-02T08:30:00+07:00")


def test_api_duplicate_without_start_is_400(owner_api, source):
    response = owner_api.post(f"/api/v1/events/{source.slug}/duplicate/", {}, format="json")

    assert response.status_code == 400
    assert "start" in str(response.json())


def test_api_duplicate_by_check_in_staff_is_403(team_client, event):
    response = team_client("checkin").post(
        f"/api/v1/events/{event.slug}/duplicate/", {"start": "2031-03-02T08:30"}, format="json"
    )

    assert response.status_code == 403
