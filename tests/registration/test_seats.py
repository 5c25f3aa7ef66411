from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.exceptions import Conflict
from events import notices
from registration import seats
from registration.models import Registration, Seats
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory

from .helpers import person, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def seats_taken(event) -> int:
    return Seats.objects.get(pk=event.pk).taken


def test_register_confirms_while_seats_are_left():
    event = EventFactory(capacity=2)

    registration = register(event, 1)

    assert registration.status == Status.CONFIRMED
    assert seats_taken(event) == 1


def test_register_full_event_without_waitlist_is_conflict():
    event = EventFactory(capacity=1)
    register(event, 1)

    with pytest.raises(Conflict) as error:
        register(event, 2)

    assert error.value.code == "event_full"
    assert Registration.objects.filter(event=event).count() == 1


def test_register_full_event_with_waitlist_queues_in_order():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)

    second, third = register(event, 2), register(event, 3)

    assert [second.status, third.status] == [Status.WAITLISTED, Status.WAITLISTED]
    assert [seats.waitlist_position(second), seats.waitlist_position(third)] == [1, 2]


def test_register_unlimited_event_always_confirms():
    event = EventFactory(capacity=None)

    statuses = {register(event, n).status for n in range(5)}

    assert statuses == {Status.CONFIRMED}


def test_register_approval_event_starts_pending_and_holds_seat():
    event = EventFactory(capacity=1, requires_approval=True, waitlist_enabled=True)

    first, second = register(event, 1), register(event, 2)

    assert first.status == Status.PENDING
    assert second.status == Status.WAITLISTED


def test_register_same_email_any_case_is_conflict():
    event = EventFactory()
    register(event, 1)

    with pytest.raises(Conflict) as error:
        seats.register(event, person(1, email="PERSON1@Example.ORG"))

    assert error.value.code == "check_email"  # never "already registered"


def test_register_quoted_local_part_is_the_same_address():
    event = EventFactory()
    seats.register(event, person(1, email="victim@example.org"))

    with pytest.raises(Conflict):
        seats.register(event, person(2, email='"victim"@EXAMPLE.org'))
    with pytest.raises(Conflict):
        seats.register(event, person(3, email='"vic\\tim"@example.org'))

    assert Registration.objects.filter(event=event).count() == 1


def test_database_refuses_a_second_active_registration_of_a_quoted_address():
    from django.db import IntegrityError, transaction

    event = EventFactory()
    first = register(event, 1, email="victim@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(
            event=event,
            status=Status.WAITLISTED,
            name="Someone",
            email='"Victim"@Example.org',
            consent_at=first.consent_at,
            consent_notice_version="default-1",
        )


def test_register_full_event_answers_a_registered_address_as_a_new_one():
    from registration.models import LinkRequest

    event = EventFactory(capacity=1, waitlist_enabled=False)
    register(event, 1)

    with pytest.raises(Conflict) as registered:
        register(event, 1)
    with pytest.raises(Conflict) as new:
        register(event, 2)

    assert registered.value.code == new.value.code == "event_full"
    assert str(registered.value.message) == str(new.value.message)
    # Only the registered person is sent their link.
    assert list(LinkRequest.objects.values_list("email", flat=True)) == [person(1)["email"]]


def test_register_again_after_cancelling_is_allowed():
    event = EventFactory()
    seats.cancel(register(event, 1))

    again = register(event, 1)

    assert again.status == Status.CONFIRMED


def test_register_without_consent_is_refused():
    event = EventFactory()

    with pytest.raises(ValidationError) as error:
        seats.register(event, person(1, consent=False))

    assert "consent" in error.value.message_dict


def test_register_records_consent_time_and_notice_version():
    event = EventFactory()

    registration = register(event, 1)

    assert registration.consent_at is not None
    assert registration.consent_notice_version == notices.DEFAULT_NOTICE_VERSION


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"status": "cancelled"}, "event_cancelled"),
        ({"status": "draft"}, "event_not_published"),
        ({"registration_opens_in": timedelta(days=1)}, "registration_not_open"),
        ({"registration_closed_ago": timedelta(minutes=1)}, "registration_closed"),
    ],
)
def test_register_outside_window_is_conflict(changes, code):
    now = timezone.now()
    fields = {}
    if "status" in changes:
        fields["status"] = changes["status"]
    if "registration_opens_in" in changes:
        fields["registration_opens"] = now + changes["registration_opens_in"]
    if "registration_closed_ago" in changes:
        fields["registration_opens"] = now - timedelta(days=2)
        fields["registration_closes"] = now - changes["registration_closed_ago"]
    event = EventFactory(**fields)

    with pytest.raises(Conflict) as error:
        register(event, 1)

    assert error.value.code == code


def test_register_participant_type_not_offered_is_refused():
    event = EventFactory(participant_types=["delegate", "speaker"])

    with pytest.raises(ValidationError) as error:
        register(event, 1, participant_type="press")

    assert "participant_type" in error.value.message_dict


def test_register_limited_choice_full_is_conflict_and_frees_event_seat():
    event = EventFactory(capacity=10)
    tour = ChoiceFactory(question__event=event, capacity=1)
    register(event, 1, answers={str(tour.question_id): tour.pk})

    with pytest.raises(Conflict) as error:
        register(event, 2, answers={str(tour.question_id): tour.pk})

    assert error.value.code == "choice_full"
    assert seats_taken(event) == 1


def test_cancel_promotes_first_waitlisted():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    first = register(event, 1)
    second, third = register(event, 2), register(event, 3)

    seats.cancel(first)

    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.CONFIRMED, Status.WAITLISTED)
    assert seats.waitlist_position(third) == 1
    assert seats_taken(event) == 1


def test_cancel_waitlisted_frees_no_seat():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    waiting = register(event, 2)

    seats.cancel(waiting)

    assert seats_taken(event) == 1


def test_cancel_twice_is_conflict():
    event = EventFactory()
    registration = register(event, 1)
    seats.cancel(registration)

    with pytest.raises(Conflict):
        seats.cancel(registration)


def test_reject_pending_frees_seat_for_waitlist():
    organiser = UserFactory()
    event = EventFactory(capacity=1, waitlist_enabled=True, requires_approval=True)
    pending = register(event, 1)
    waiting = register(event, 2)

    seats.reject(pending, actor=organiser, reason="Wrong field")

    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == Status.REJECTED
    assert pending.decision_reason == "Wrong field"
    assert waiting.status == Status.PENDING


def test_approve_pending_confirms():
    event = EventFactory(requires_approval=True)

    registration = seats.approve(register(event, 1), actor=UserFactory())

    assert registration.status == Status.CONFIRMED


def test_approve_confirmed_is_conflict():
    event = EventFactory()

    with pytest.raises(Conflict):
        seats.approve(register(event, 1), actor=UserFactory())


def test_raising_capacity_promotes_waitlisted(owner):
    from events import services as event_services

    event = EventFactory(capacity=1, waitlist_enabled=True, owner=owner)
    register(event, 1)
    waiting = [register(event, n) for n in (2, 3, 4)]

    event_services.update_event(event, user=owner, data={"capacity": 3})

    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]


def test_lowering_capacity_below_taken_is_refused(owner):
    from events import services as event_services

    event = EventFactory(capacity=3, owner=owner)
    register(event, 1)
    register(event, 2)

    with pytest.raises(ValidationError) as error:
        event_services.update_event(event, user=owner, data={"capacity": 1})

    assert "capacity" in error.value.message_dict
    event.refresh_from_db()
    assert event.capacity == 3


def test_manage_tokens_are_long_and_unrelated_to_ids():
    event = EventFactory()
    tokens = [register(event, n).manage_token for n in range(3)]

    assert all(len(token) >= 43 for token in tokens)  # 256 random bits, URL-safe
    assert len(set(tokens)) == 3
    assert not any(str(n) == token for n, token in enumerate(tokens))


def test_waitlisted_registration_holds_its_limited_choice():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    tour = ChoiceFactory(question__event=event, capacity=5)
    key = str(tour.question_id)
    register(event, 1, answers={key: tour.pk})
    register(event, 2, answers={key: tour.pk})

    tour.refresh_from_db()
    assert tour.taken == 2


def test_required_question_unanswered_is_refused():
    event = EventFactory()
    question = QuestionFactory(event=event, required=True)

    with pytest.raises(ValidationError) as error:
        register(event, 1)

    assert f"answers.{question.pk}" in error.value.message_dict


def test_position_told_at_joining_matches_position_read_later():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    second, third = register(event, 2), register(event, 3)

    assert (second.position, third.position) == (1, 2)
    assert seats.waitlist_position(Registration.objects.get(pk=third.pk)) == 2


def test_waitlist_counter_follows_leaving_and_promotion():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    first = register(event, 1)
    waiting = [register(event, n) for n in (2, 3, 4)]

    seats.cancel(waiting[1])
    seats.cancel(first)

    assert Seats.objects.get(pk=event.pk).waitlisted == 1


# --- A process that has seen the event sold out goes straight to the waiting list --------------


def seen_sold_out(event):
    """The event as a web process keeps it after its counter was read full."""
    from registration import eligibility

    eligibility._event_cache.clear()
    return eligibility.event_for_registration(event.slug)


def test_register_seen_sold_out_joins_the_waiting_list_in_order():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    kept = seen_sold_out(event)

    second, third = seats.register(kept, person(2)), seats.register(kept, person(3))

    assert [second.status, third.status] == [Status.WAITLISTED, Status.WAITLISTED]
    assert [seats.waitlist_position(second), seats.waitlist_position(third)] == [1, 2]
    assert Seats.objects.get(pk=event.pk).waitlisted == 2


def test_register_seen_sold_out_takes_a_seat_freed_since():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    first = register(event, 1)
    kept = seen_sold_out(event)
    seats.cancel(first)

    registration = seats.register(kept, person(2))

    assert registration.status == Status.CONFIRMED
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED
    counter = Seats.objects.get(pk=event.pk)
    assert (counter.taken, counter.waitlisted) == (1, 0)


def test_register_seen_sold_out_answers_a_registered_address_as_a_new_one():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    register(event, 2)  # waiting
    kept = seen_sold_out(event)

    with pytest.raises(Conflict) as registered:
        seats.register(kept, person(2))

    assert registered.value.code == "check_email"
    assert Seats.objects.get(pk=event.pk).waitlisted == 1
    assert Registration.objects.filter(event=event).count() == 2


def test_register_seen_sold_out_with_a_full_choice_changes_no_counter():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    tour = ChoiceFactory(question__event=event, capacity=1)
    register(event, 1, answers={str(tour.question_id): tour.pk})
    kept = seen_sold_out(event)

    with pytest.raises(Conflict) as error:
        seats.register(kept, person(2, answers={str(tour.question_id): tour.pk}))

    assert error.value.code == "choice_full"
    assert Seats.objects.get(pk=event.pk).waitlisted == 0
    assert Registration.objects.filter(event=event).count() == 1
