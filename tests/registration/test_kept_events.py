"""The event each web process keeps for registrations is checked by the database on every
registration: a change made anywhere (another process, another host) is obeyed by the next
registration, with no shared cache involved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import Conflict, NotFound
from events.models import Event
from registration import eligibility as registration_eligibility
from registration import seats as registration_seats
from registration.models import Registration, Seats
from tests.factories import EventFactory, QuestionFactory

from .helpers import person

pytestmark = pytest.mark.django_db

Status = Registration.Status


def kept(event: Event) -> Event:
    """The copy a process keeps, as the registration endpoint reads it."""
    registration_eligibility._event_cache.clear()
    return registration_eligibility.event_for_registration(event.slug)


def changed_elsewhere(event: Event, **fields) -> None:
    """Another process saves the event: this process's copy is not touched."""
    fresh = Event.objects.get(pk=event.pk)
    for name, value in fields.items():
        setattr(fresh, name, value)
    fresh.save()


def test_kept_event_is_used_while_nothing_changed(django_assert_num_queries):
    event = kept(EventFactory())

    with django_assert_num_queries(0):
        again = registration_eligibility.event_for_registration(event.slug)

    assert again is event


def test_event_without_a_counter_is_read_every_time(django_assert_num_queries):
    event = EventFactory()
    Seats.objects.filter(pk=event.pk).delete()  # an event older than seat counters
    kept(event)

    with django_assert_num_queries(1):
        registration_eligibility.event_for_registration(event.slug)


def test_registration_for_an_event_without_a_counter_gives_it_one():
    event = EventFactory(capacity=10)
    Seats.objects.filter(pk=event.pk).delete()  # an event older than seat counters

    registration = registration_seats.register(kept(event), person(1))

    assert registration.status == Status.CONFIRMED
    assert Seats.objects.get(pk=event.pk).taken == 1


def test_event_save_moves_the_counter_version():
    event = EventFactory()
    before = Seats.objects.get(pk=event.pk).version

    changed_elsewhere(event, title_en="Renamed")

    assert Seats.objects.get(pk=event.pk).version == before + 1


def test_registration_from_an_outdated_copy_follows_the_change():
    event = kept(EventFactory(capacity=10))
    changed_elsewhere(event, requires_approval=True)

    registration = registration_seats.register(event, person(1))

    assert registration.status == Status.PENDING
    assert Registration.objects.get().status == Status.PENDING
    assert Seats.objects.get(pk=event.pk).taken == 1


def test_registration_from_an_outdated_copy_keeps_the_fresh_copy():
    event = kept(EventFactory(capacity=10))
    changed_elsewhere(event, requires_approval=True)

    registration_seats.register(event, person(1))

    assert registration_eligibility.event_for_registration(event.slug).requires_approval


def test_registration_from_an_outdated_copy_sees_new_questions():
    event = kept(EventFactory())
    question = QuestionFactory(event=event, required=True, label_en="Institute")

    with pytest.raises(ValidationError) as refused:
        registration_seats.register(event, person(1))

    assert f"answers.{question.pk}" in refused.value.message_dict
    assert not Registration.objects.exists()


def test_refusal_by_an_outdated_copy_is_not_given():
    event = kept(EventFactory(registration_closes=timezone.now() - timedelta(hours=1)))
    changed_elsewhere(event, registration_closes=timezone.now() + timedelta(days=1))

    registration = registration_seats.register(event, person(1))

    assert registration.status == Status.CONFIRMED


def test_refusal_by_a_current_copy_stands():
    event = kept(EventFactory(registration_closes=timezone.now() - timedelta(hours=1)))

    with pytest.raises(Conflict) as refused:
        registration_seats.register(event, person(1))

    assert refused.value.code == "registration_closed"


def test_full_answer_by_an_outdated_copy_follows_the_new_capacity():
    event = EventFactory(capacity=1)
    registration_seats.register(event, person(1))
    event = kept(event)
    changed_elsewhere(event, capacity=2)

    registration = registration_seats.register(event, person(2))

    assert registration.status == Status.CONFIRMED
    assert Seats.objects.get(pk=event.pk).taken == 2


def test_registration_for_a_cancelled_event_is_refused_from_an_outdated_copy():
    event = kept(EventFactory(capacity=10))
    changed_elsewhere(event, status=Event.Status.CANCELLED)

    with pytest.raises(Conflict) as refused:
        registration_seats.register(event, person(1))

    assert refused.value.code == "event_cancelled"
    assert not Registration.objects.exists()


def test_registration_for_a_deleted_event_is_not_found():
    event = kept(EventFactory(capacity=10))
    Event.objects.filter(pk=event.pk).delete()

    with pytest.raises(NotFound):
        registration_seats.register(event, person(1))

    assert not Registration.objects.exists()


def test_outdated_copy_counts_the_address_limit_once():
    event = kept(EventFactory(capacity=10))
    changed_elsewhere(event, requires_approval=True)
    admitted = []

    registration_seats.register(event, person(1), admit=lambda: admitted.append(1))

    assert admitted == [1]


def test_outdated_copy_over_the_api_answers_with_the_change(client):
    event = kept(EventFactory(capacity=10))
    changed_elsewhere(event, requires_approval=True)

    response = client.post(
        f"/api/v1/events/{event.slug}/registrations/", person(1), content_type="application/json"
    )

    assert response.status_code == 201
    assert response.json()["status"] == Status.PENDING


def test_event_changing_during_every_attempt_is_refused_with_a_retry():
    from django.db.models.signals import pre_save

    event = kept(EventFactory(capacity=10))

    def change_the_event(sender, instance, **kwargs):
        changed_elsewhere(event, title_en=f"Renamed {instance.email}")

    pre_save.connect(change_the_event, sender=Registration, dispatch_uid="test-change-event")
    try:
        with pytest.raises(Conflict) as refused:
            registration_seats.register(event, person(1))
    finally:
        pre_save.disconnect(dispatch_uid="test-change-event", sender=Registration)

    assert refused.value.code == "event_changed"
    assert not Registration.objects.exists()
    assert Seats.objects.get(pk=event.pk).taken == 0
