"""The seat rules under any sequence of operations, checked with Hypothesis.

A state machine registers people (sometimes twice with one address, sometimes with an event
object read before the last changes, as the registration cache does), cancels, erases,
approves, rejects and changes the capacity, through the real services on the test database.
It keeps a plain model of what should have happened, and after every step checks the database
against it and against the seat rules: never more seats taken than the capacity, the counters
equal the rows, the waiting list in the order people joined it, nobody promoted past someone
who joined earlier, and raised capacity going to the people waiting, in order.

The event also has a lab tour (a choice of a choice question) and a number question: people
pick the tour, or answer the number question with the tour's id (which holds nothing). The
tour's capacity changes too: it counts the people already holding it, refused below them, never
overbooked. And the event may end: then nobody cancels, nobody is rejected or promoted, and
its figures stay as they were (erasure keeps the status).

The normal run tries EXAMPLES sequences of up to 25 steps for each kind of event (with and
without approval, with and without a waiting list); `FUZZ_EXAMPLES=300` (`make fuzz`) more.
"""

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from core.exceptions import Conflict
from events.models import Event
from events.services import update_event
from registration import personal_data, questions
from registration import seats as registration_seats
from registration.models import Choice, Question, Registration, Seats
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory

from .helpers import person

pytestmark = pytest.mark.django_db
Status = Registration.Status
SEAT_HOLDERS = (Status.CONFIRMED, Status.PENDING)
ACTIVE = (*SEAT_HOLDERS, Status.WAITLISTED)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
CAPACITIES = st.integers(min_value=1, max_value=3)  # None and 0 come with capacity changes
NEW_CAPACITIES = st.integers(min_value=0, max_value=6) | st.none()
PEOPLE = 8  # email addresses: few enough that some are used again
# What a registration answers: nothing, the tour, or the tour's id to the number question.
PICKS = st.sampled_from(["none", "tour", "number"])
TOUR_CAPACITIES = st.integers(min_value=0, max_value=4) | st.none()


@dataclass
class Expected:
    """What the model says about one registration."""

    status: str
    email: str
    seq: int | None = None  # waitlist_seq while waiting
    promoted_from: int | None = None  # the waitlist_seq it had when promoted
    tour: bool = False  # picked the limited lab tour


class SeatMachine(RuleBasedStateMachine):
    def __init__(self, *, approval: bool, waitlist: bool):
        super().__init__()
        self.approval, self.waitlist = approval, waitlist
        # Every sequence starts from the same database: its changes are rolled back after.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.people: dict[int, Expected] = {}
        self.line: list[int] = []  # registration ids, first in line first
        self.ended = False
        self.tour_capacity: int | None = None

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @initialize(capacity=CAPACITIES, crowd=st.integers(min_value=0, max_value=PEOPLE - 2))
    def create_event(self, capacity, crowd):
        """A published event, and the first people already in: often full, with a line."""
        self.owner = UserFactory(username="seat-owner")
        self.capacity = capacity
        self.event = EventFactory(
            owner=self.owner,
            capacity=capacity,
            requires_approval=self.approval,
            waitlist_enabled=self.waitlist,
        )
        self.tour = ChoiceFactory(question__event=self.event, label_en="Lab tour")
        self.guests = QuestionFactory(event=self.event, kind=Question.Kind.NUMBER)
        # As the registration cache keeps it: read once, counter included, then left stale.
        self.stale_event = self.fresh_event()
        for who in range(crowd):
            self.register_one(who, stale=False)

    # --- The model ---------------------------------------------------------------------------

    @property
    def tour_holders(self) -> int:
        return sum(1 for p in self.people.values() if p.tour and p.status in ACTIVE)

    def tour_is_full(self) -> bool:
        return self.tour_capacity is not None and self.tour_holders >= self.tour_capacity

    def answers(self, pick: str) -> dict:
        if pick == "tour":
            return {str(self.tour.question_id): self.tour.pk}
        if pick == "number":
            return {str(self.guests.pk): self.tour.pk}
        return {}

    @property
    def held(self) -> int:
        return sum(1 for p in self.people.values() if p.status in SEAT_HOLDERS)

    def has_room(self) -> bool:
        return self.capacity is None or self.held < self.capacity

    def seat_status(self) -> str:
        return Status.PENDING if self.approval else Status.CONFIRMED

    def fill_from_line(self) -> list[int]:
        promoted: list[int] = []
        while self.line and self.has_room() and not self.ended:
            pk = self.line.pop(0)
            person_ = self.people[pk]
            person_.promoted_from, person_.seq = person_.seq, None
            person_.status = self.seat_status()
            promoted.append(pk)
        return promoted

    def leave(self, pk: int, status: str) -> None:
        person_ = self.people[pk]
        if person_.status == Status.WAITLISTED:
            self.line.remove(pk)
        person_.status, person_.seq = status, None
        self.fill_from_line()

    def refused_after_end(self, action) -> None:
        """After the event, leaving is refused and nothing moves (the invariants check it)."""
        with pytest.raises(Conflict) as error:
            action()
        assert error.value.code == "event_ended"

    def with_status(self, *statuses) -> list[int]:
        return sorted(pk for pk, p in self.people.items() if p.status in statuses)

    def fresh_event(self) -> Event:
        return Event.objects.select_related("seats").get(pk=self.event.pk)

    # --- Rules -------------------------------------------------------------------------------

    @precondition(lambda self: not self.ended)
    @rule(who=st.integers(min_value=0, max_value=PEOPLE - 1), stale=st.booleans(), pick=PICKS)
    def register(self, who, stale, pick):
        self.register_one(who, stale, pick)

    @precondition(lambda self: not self.ended)
    @rule(whos=st.lists(st.integers(min_value=0, max_value=PEOPLE - 1), min_size=2, max_size=6))
    def register_several(self, whos):
        """A burst of registrations: fills the seats and the waiting list in a few steps."""
        for who in whos:
            self.register_one(who, stale=False, pick=("none", "tour", "number")[who % 3])

    @precondition(lambda self: self.ended)
    @rule(who=st.integers(min_value=0, max_value=PEOPLE - 1))
    def register_after_end(self, who):
        with pytest.raises(Conflict) as error:
            registration_seats.register(self.fresh_event(), person(who))
        assert error.value.code == "registration_closed"

    def register_one(self, who: int, stale: bool, pick: str = "none") -> None:
        data = person(who, answers=self.answers(pick))
        event = self.stale_event if stale else self.fresh_event()
        taken_by = [p for p in self.people.values() if p.email == data["email"]]
        if any(p.status in ACTIVE for p in taken_by):
            with pytest.raises(Conflict) as error:
                registration_seats.register(event, data)
            # Told what a new address would be told where that is a refusal, never "registered".
            full = not self.has_room() and not self.waitlist
            assert error.value.code == ("event_full" if full else "check_email")
            return
        if pick == "tour" and self.tour_is_full():
            with pytest.raises(Conflict) as error:
                registration_seats.register(event, data)
            assert error.value.code == "choice_full"
            return
        if not self.has_room() and not self.waitlist:
            with pytest.raises(Conflict) as error:
                registration_seats.register(event, data)
            assert error.value.code == "event_full"
            return

        registration = registration_seats.register(event, data)

        # Only the choice question's own answer holds the tour, never the number answer.
        assert registration.held_choices == ([self.tour.pk] if pick == "tour" else [])
        if self.has_room():
            assert registration.status == self.seat_status()
            self.people[registration.pk] = Expected(
                registration.status, data["email"], tour=pick == "tour"
            )
        else:
            assert registration.status == Status.WAITLISTED
            self.line.append(registration.pk)
            # The place in line it was told is its place in line.
            assert registration.position == len(self.line)
            self.people[registration.pk] = Expected(
                Status.WAITLISTED, data["email"], seq=registration.waitlist_seq, tour=pick == "tour"
            )

    @precondition(lambda self: self.with_status(*SEAT_HOLDERS))
    @rule(pick=st.integers(min_value=0), erase=st.booleans())
    def free_a_seat(self, pick, erase):
        """Someone holding a seat cancels, or erases their data: the seat goes to the line."""
        holders = self.with_status(*SEAT_HOLDERS)
        pk = holders[pick % len(holders)]
        registration = Registration.objects.get(pk=pk)

        if erase:
            personal_data.erase_personal_data(registration)
            if self.ended:  # the figures of a held event stay: the status is kept
                return
        elif self.ended:
            self.refused_after_end(
                lambda: registration_seats.cancel(registration, actor=self.owner)
            )
            return
        else:
            registration_seats.cancel(registration)

        self.leave(pk, Status.CANCELLED)

    @precondition(lambda self: self.people)
    @rule(pick=st.integers(min_value=0))
    def cancel_any(self, pick):
        """Anyone cancels: leaves the waiting list, frees a seat, or is refused if gone."""
        everyone = sorted(self.people)
        pk = everyone[pick % len(everyone)]
        registration = Registration.objects.get(pk=pk)

        if self.people[pk].status not in ACTIVE:
            with pytest.raises(Conflict) as error:
                registration_seats.cancel(registration)
            assert error.value.code == "not_active"
            return
        if self.ended:
            self.refused_after_end(lambda: registration_seats.cancel(registration))
            return
        registration_seats.cancel(registration)

        self.leave(pk, Status.CANCELLED)

    @precondition(lambda self: self.people)
    @rule(pick=st.integers(min_value=0), reject=st.booleans())
    def decide(self, pick, reject):
        """The organiser approves or rejects: only a registration waiting for approval."""
        pending = self.with_status(Status.PENDING)
        pk = (pending or sorted(self.people))[pick % len(pending or self.people)]
        registration = Registration.objects.get(pk=pk)
        decide = registration_seats.reject if reject else registration_seats.approve

        if self.people[pk].status != Status.PENDING:
            with pytest.raises(Conflict) as error:
                decide(registration, actor=self.owner)
            assert error.value.code == "not_pending"
            return
        if reject and self.ended:
            self.refused_after_end(lambda: decide(registration, actor=self.owner))
            return
        decide(registration, actor=self.owner)

        if reject:
            self.leave(pk, Status.REJECTED)
        else:
            self.people[pk].status = Status.CONFIRMED

    @precondition(lambda self: self.with_status(Status.PENDING))
    @rule(pick=st.integers(min_value=0))
    def reject_after_approve_read_before(self, pick):
        """Two organisers read the same pending registration; one approves, then the other's
        reject, decided on what it read, is refused: the approval stands."""
        pending = self.with_status(Status.PENDING)
        pk = pending[pick % len(pending)]
        read_by_the_other = Registration.objects.get(pk=pk)

        registration_seats.approve(Registration.objects.get(pk=pk), actor=self.owner)
        self.people[pk].status = Status.CONFIRMED

        with pytest.raises(Conflict) as error:
            registration_seats.reject(read_by_the_other, actor=self.owner)
        assert error.value.code == "not_pending"

    @rule(capacity=TOUR_CAPACITIES)
    def change_tour_capacity(self, capacity):
        """A capacity on the tour counts the people already holding it."""
        question = self.tour.question
        data = {"choices": [{"id": self.tour.pk, "label_en": "Lab tour", "capacity": capacity}]}
        if capacity is not None and capacity < self.tour_holders:
            with pytest.raises(ValidationError) as error:
                questions.save_question(self.event, data, actor=self.owner, question=question)
            assert "choices" in error.value.message_dict
            return

        questions.save_question(self.event, data, actor=self.owner, question=question)

        self.tour_capacity = capacity

    @precondition(lambda self: not self.ended)
    @rule()
    def end_event(self):
        """The event takes place: from now on its figures are final."""
        now = timezone.now()
        Event.objects.filter(pk=self.event.pk).update(
            start=now - timedelta(days=2), end=now - timedelta(days=1), registration_closes=None
        )
        self.event.refresh_from_db()
        self.ended = True

    @rule(capacity=NEW_CAPACITIES)
    def change_capacity(self, capacity):
        if capacity is not None and capacity < self.held:
            with pytest.raises(ValidationError) as error:
                update_event(self.event, user=self.owner, data={"capacity": capacity})
            assert "capacity" in error.value.message_dict
            return
        waiting = list(self.line)

        update_event(self.event, user=self.owner, data={"capacity": capacity})

        self.capacity = capacity
        promoted = self.fill_from_line()
        # Raised capacity goes to the people waiting, first in line first.
        assert promoted == waiting[: len(promoted)]
        statuses = dict(Registration.objects.filter(pk__in=waiting).values_list("pk", "status"))
        assert [pk for pk in waiting if statuses[pk] != Status.WAITLISTED] == promoted

    # --- What must hold after every step -----------------------------------------------------

    @invariant()
    def seats_never_exceed_capacity(self):
        if not hasattr(self, "event"):
            return
        seats = Seats.objects.get(pk=self.event.pk)
        rows = Registration.objects.filter(event=self.event, status__in=SEAT_HOLDERS).count()
        assert seats.capacity == self.capacity
        if seats.capacity is not None:
            assert rows <= seats.capacity
            assert seats.taken <= seats.capacity

    @invariant()
    def counters_equal_rows(self):
        if not hasattr(self, "event"):
            return
        seats = Seats.objects.get(pk=self.event.pk)
        registrations = Registration.objects.filter(event=self.event)
        assert seats.taken == registrations.filter(status__in=SEAT_HOLDERS).count()
        assert seats.waitlisted == registrations.filter(status=Status.WAITLISTED).count()

    @invariant()
    def statuses_are_as_the_model_says(self):
        if not hasattr(self, "event"):
            return
        actual = dict(Registration.objects.filter(event=self.event).values_list("pk", "status"))
        assert actual == {pk: p.status for pk, p in self.people.items()}

    @invariant()
    def waiting_list_is_in_joining_order(self):
        if not hasattr(self, "event"):
            return
        waiting = list(
            Registration.objects.filter(event=self.event, status=Status.WAITLISTED)
            .order_by("waitlist_seq")
            .values_list("pk", "waitlist_seq")
        )
        assert [pk for pk, _seq in waiting] == self.line
        # Places strictly increase with the time of joining (ids are given in that order).
        assert [seq for _pk, seq in sorted(waiting)] == sorted(seq for _pk, seq in waiting)
        assert len({seq for _pk, seq in waiting}) == len(waiting)
        for place, pk in enumerate(self.line, start=1):
            assert registration_seats.waitlist_position(Registration.objects.get(pk=pk)) == place

    @invariant()
    def nobody_promoted_past_an_earlier_joiner(self):
        if not hasattr(self, "event"):
            return
        waiting = [self.people[pk].seq for pk in self.line]
        promoted = [p.promoted_from for p in self.people.values() if p.promoted_from is not None]
        assert not waiting or not promoted or max(promoted) < min(waiting)
        # Nobody waits while a seat is free (until the event has ended: then nobody moves).
        if self.line and not self.ended:
            seats = Seats.objects.get(pk=self.event.pk)
            assert seats.capacity is not None
            assert seats.taken == seats.capacity

    @invariant()
    def tour_counts_its_holders_and_is_never_overbooked(self):
        if not hasattr(self, "event"):
            return
        tour = Choice.objects.get(pk=self.tour.pk)
        holding = [
            held
            for held in Registration.objects.filter(
                event=self.event, status__in=ACTIVE
            ).values_list("held_choices", flat=True)
            if self.tour.pk in held
        ]
        assert tour.capacity == self.tour_capacity
        assert tour.taken == len(holding) == self.tour_holders
        if tour.capacity is not None:
            assert tour.taken <= tour.capacity


@pytest.mark.parametrize(
    ("approval", "waitlist"),
    [(False, True), (True, True), (False, False), (True, False)],
    ids=["waitlist", "approval-waitlist", "no-waitlist", "approval-no-waitlist"],
)
def test_seat_rules_hold_after_any_sequence_of_operations(approval, waitlist):
    run_state_machine_as_test(
        lambda: SeatMachine(approval=approval, waitlist=waitlist), settings=SETTINGS
    )
