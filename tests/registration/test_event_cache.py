"""A copy of an event a process keeps is never used once the event or its questions changed.

Each test reads the event as a process would keep it, changes the event through the
services, then puts the process's caches back as they were before the change: the next
registration runs as in a process on another machine, which nothing told of the change.
It must still see the change, through the version on the seat counter (event_cache.py).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.services import cancel_event, update_event
from registration import eligibility as registration_eligibility
from registration import event_cache
from registration import questions as registration_questions
from registration.models import Question, Registration, Seats
from tests.factories import EventFactory, UserFactory

from .helpers import person

pytestmark = pytest.mark.django_db


class AnotherProcess:
    """The caches of a process that read the event before the change and heard nothing."""

    def __init__(self, event):
        registration_eligibility._event_cache.clear()
        self.kept = registration_eligibility.event_for_registration(event.slug)
        registration_questions.questions_of(self.kept)
        self.events = dict(registration_eligibility._event_cache)
        self.questions = dict(registration_questions._question_cache)

    def register(self, client, n: int, **extra):
        registration_eligibility._event_cache.clear()
        registration_eligibility._event_cache.update(self.events)
        registration_questions._question_cache.clear()
        registration_questions._question_cache.update(self.questions)
        # The copy it holds is the one read before the change.
        assert registration_eligibility._event_cache[self.kept.slug] is self.kept
        return client.post(
            f"/api/v1/events/{self.kept.slug}/registrations/",
            person(n, **extra),
            content_type="application/json",
        )


@pytest.fixture
def owner():
    return UserFactory()


def test_kept_event_is_used_while_nothing_changed(django_assert_num_queries):
    event = EventFactory()
    registration_eligibility.event_for_registration(event.slug)

    with django_assert_num_queries(0):
        kept = registration_eligibility.event_for_registration(event.slug)

    assert kept.pk == event.pk


def test_event_without_a_counter_is_not_kept():
    event = EventFactory()
    Seats.objects.filter(pk=event.pk).delete()

    registration_eligibility.event_for_registration(event.slug)

    assert event.slug not in registration_eligibility._event_cache


def test_event_save_moves_the_version():
    event = EventFactory()
    before = Seats.objects.get(pk=event.pk).version

    event.save()

    assert Seats.objects.get(pk=event.pk).version == before + 1


def test_questions_change_moves_the_version():
    event = EventFactory()
    before = Seats.objects.get(pk=event.pk).version

    registration_questions.questions_changed(event)

    assert Seats.objects.get(pk=event.pk).version == before + 1


def test_refusal_by_a_moved_copy_is_raised_as_moved():
    event = EventFactory()
    kept = registration_eligibility.event_for_registration(event.slug)
    event_cache.bump(event.pk)

    with pytest.raises(event_cache.Moved):
        event_cache.refuse_only_if_current(kept)


def test_closed_registration_window_is_seen_by_another_process(client, owner):
    event = EventFactory()
    process = AnotherProcess(event)
    update_event(event, user=owner, data={"registration_closes": timezone.now()})

    response = process.register(client, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_opened_registration_window_is_seen_by_another_process(client, owner):
    event = EventFactory(registration_opens=timezone.now() + timedelta(days=1))
    process = AnotherProcess(event)
    update_event(event, user=owner, data={"registration_opens": timezone.now()})

    response = process.register(client, 1)

    assert response.status_code == 201


def test_raised_capacity_is_seen_by_another_process(client, owner):
    event = EventFactory(capacity=1)
    process = AnotherProcess(event)
    assert process.register(client, 1).status_code == 201
    assert process.register(client, 2).json()["code"] == "event_full"
    update_event(event, user=owner, data={"capacity": 2})

    response = process.register(client, 2)

    assert response.status_code == 201
    assert response.json()["status"] == Registration.Status.CONFIRMED


def test_lowered_capacity_is_seen_by_another_process(client, owner):
    event = EventFactory(capacity=5)
    process = AnotherProcess(event)
    assert process.register(client, 1).status_code == 201
    update_event(event, user=owner, data={"capacity": 1})

    response = process.register(client, 2)

    assert response.status_code == 409
    assert response.json()["code"] == "event_full"


def test_waiting_list_opened_is_seen_by_another_process(client, owner):
    event = EventFactory(capacity=1, waitlist_enabled=False)
    process = AnotherProcess(event)
    assert process.register(client, 1).status_code == 201
    update_event(event, user=owner, data={"waitlist_enabled": True})

    response = process.register(client, 2)

    assert response.status_code == 201
    assert response.json()["status"] == Registration.Status.WAITLISTED


def test_approval_required_is_seen_by_another_process(client, owner):
    event = EventFactory()
    process = AnotherProcess(event)
    update_event(event, user=owner, data={"requires_approval": True})

    response = process.register(client, 1)

    assert response.json()["status"] == Registration.Status.PENDING


def test_cancelled_event_is_seen_by_another_process(client, owner):
    event = EventFactory()
    process = AnotherProcess(event)
    cancel_event(event, user=owner)

    response = process.register(client, 1)

    assert response.status_code == 409
    assert response.json()["code"] == "event_cancelled"


def test_new_required_question_is_seen_by_another_process(client, owner):
    event = EventFactory()
    process = AnotherProcess(event)
    registration_questions.save_question(
        event, {"kind": Question.Kind.SHORT_TEXT, "label_en": "Diet", "required": True}, actor=owner
    )

    response = process.register(client, 1)

    assert response.status_code == 400
    assert Registration.objects.filter(event=event).count() == 0


def test_removed_question_is_seen_by_another_process(client, owner):
    event = EventFactory()
    question = registration_questions.save_question(
        event, {"kind": Question.Kind.SHORT_TEXT, "label_en": "Diet", "required": True}, actor=owner
    )
    process = AnotherProcess(event)
    registration_questions.delete_question(question, actor=owner)

    response = process.register(client, 1)  # no answer: the question is gone

    assert response.status_code == 201
