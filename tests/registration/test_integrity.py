"""Seats, figures and decisions that hold whatever the answers, the timing or the order:
non-choice answers hold no choice, capacities count holders, an ended event's figures are
final, a reject never undoes an approve, a cancelled ticket never gets in."""

import pytest
from django.core.exceptions import ValidationError

from core.exceptions import Conflict
from registration import checkin, personal_data, questions
from registration import seats as registration_seats
from registration.models import Choice, Question, Registration, Seats
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory

from .helpers import end_event, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def choice_data(choice: Choice, capacity: int | None) -> dict:
    return {"id": choice.pk, "label_en": choice.label_en, "capacity": capacity}


def set_capacity(choice: Choice, capacity: int | None) -> None:
    question = choice.question
    questions.save_question(
        question.event,
        {"choices": [choice_data(choice, capacity)]},
        actor=UserFactory(),
        question=question,
    )


# --- 12. Only a choice question's own choices hold a seat --------------------------------------


def test_number_answer_equal_to_a_choice_id_holds_no_seat():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=1)
    guests = QuestionFactory(event=event, kind=Question.Kind.NUMBER)

    first = register(event, 1, answers={str(guests.pk): tour.pk})
    second = register(event, 2, answers={str(tour.question_id): tour.pk})

    tour.refresh_from_db()
    assert first.held_choices == []
    assert second.held_choices == [tour.pk]
    assert tour.taken == 1


def test_choice_of_another_question_in_answer_holds_no_seat():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=1)
    other = ChoiceFactory(question__event=event)

    with pytest.raises(ValidationError):
        register(event, 1, answers={str(other.question_id): tour.pk})

    tour.refresh_from_db()
    assert tour.taken == 0


# --- 13. A capacity counts the people already holding the choice -------------------------------


def test_capacity_put_on_a_held_choice_counts_its_holders():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=None)
    key = str(tour.question_id)
    register(event, 1, answers={key: tour.pk})
    register(event, 2, answers={key: tour.pk})

    set_capacity(tour, 2)

    tour.refresh_from_db()
    assert (tour.capacity, tour.taken, tour.seats_left) == (2, 2, 0)
    with pytest.raises(Conflict) as error:
        register(event, 3, answers={key: tour.pk})
    assert error.value.code == "choice_full"


def test_capacity_below_the_holders_of_a_choice_is_refused():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=None)
    key = str(tour.question_id)
    register(event, 1, answers={key: tour.pk})
    register(event, 2, answers={key: tour.pk})

    with pytest.raises(ValidationError) as error:
        set_capacity(tour, 1)

    assert "already has 2 people" in str(error.value.message_dict["choices"])
    tour.refresh_from_db()
    assert (tour.capacity, tour.taken) == (None, 2)


def test_cancelled_holder_frees_an_unlimited_choice_for_a_later_capacity():
    event = EventFactory()
    tour = ChoiceFactory(question__event=event, capacity=None)
    key = str(tour.question_id)
    leaving = register(event, 1, answers={key: tour.pk})
    register(event, 2, answers={key: tour.pk})
    registration_seats.cancel(leaving)

    set_capacity(tour, 1)

    tour.refresh_from_db()
    assert (tour.capacity, tour.taken) == (1, 1)


# --- 14. After the event, nobody leaves and nobody is promoted ----------------------------------


def test_cancel_after_event_ended_is_refused_and_figures_stay():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    attending = register(event, 1)
    waiting = register(event, 2)
    end_event(event)

    with pytest.raises(Conflict) as error:
        registration_seats.cancel(attending, actor=UserFactory())

    assert error.value.code == "event_ended"
    assert "has ended" in error.value.message
    attending.refresh_from_db()
    waiting.refresh_from_db()
    assert (attending.status, waiting.status) == (Status.CONFIRMED, Status.WAITLISTED)
    seats = Seats.objects.get(pk=event.pk)
    assert (seats.taken, seats.waitlisted) == (1, 1)


def test_attendee_cancel_after_event_ended_is_refused():
    event = EventFactory()
    registration = register(event, 1)
    end_event(event)

    with pytest.raises(Conflict) as error:
        registration_seats.cancel(registration)

    assert error.value.code == "event_ended"


def test_reject_after_event_ended_is_refused():
    event = EventFactory(requires_approval=True)
    registration = register(event, 1)
    end_event(event)

    with pytest.raises(Conflict) as error:
        registration_seats.reject(registration, actor=UserFactory())

    assert error.value.code == "event_ended"
    registration.refresh_from_db()
    assert registration.status == Status.PENDING


def test_waiting_list_is_not_promoted_after_event_ended():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1)
    waiting = register(event, 2)
    end_event(event)

    event.capacity = 5
    event.save()
    promoted = registration_seats.fill_free_seats(event)

    waiting.refresh_from_db()
    assert promoted == []
    assert waiting.status == Status.WAITLISTED
    assert Seats.objects.get(pk=event.pk).taken == 1


def test_erasure_after_event_ended_keeps_the_status():
    event = EventFactory()
    registration = register(event, 1)
    end_event(event)

    personal_data.erase_personal_data(registration)

    registration.refresh_from_db()
    assert (registration.status, registration.name) == (Status.CONFIRMED, "")
    assert Seats.objects.get(pk=event.pk).taken == 1


# --- 15. A reject never undoes an approve; the door re-checks -----------------------------------


def test_reject_of_a_registration_approved_since_it_was_read_is_refused():
    event = EventFactory(requires_approval=True)
    read_as_pending = register(event, 1)
    registration_seats.approve(Registration.objects.get(pk=read_as_pending.pk), actor=UserFactory())

    with pytest.raises(Conflict) as error:
        registration_seats.reject(read_as_pending, actor=UserFactory())

    assert error.value.code == "not_pending"
    read_as_pending.refresh_from_db()
    assert read_as_pending.status == Status.CONFIRMED
    assert Seats.objects.get(pk=event.pk).taken == 1


def test_check_in_of_a_cancelled_ticket_is_refused():
    event = EventFactory()
    registration = register(event, 1)
    registration_seats.cancel(registration)

    with pytest.raises(Conflict) as error:
        checkin.check_in(event, registration.ticket_code, actor=UserFactory())

    assert error.value.code == "ticket_cancelled"
    assert error.value.message == "This registration was cancelled."
    registration.refresh_from_db()
    assert registration.checked_in_at is None


# --- Tickets and manage links name one registration each ---------------------------------------


@pytest.mark.parametrize("field", ["ticket_code", "manage_token"])
def test_ticket_code_and_manage_token_are_unique_in_the_database(field):
    from django.db import IntegrityError, transaction

    event = EventFactory(capacity=10)
    first, second = register(event, 1), register(event, 2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=second.pk).update(**{field: getattr(first, field)})
