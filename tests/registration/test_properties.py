"""The seat rules under any sequence of operations, checked with Hypothesis.

A state machine registers people (sometimes twice with one address, sometimes with an event
object read before the last changes, as the registration cache does), cancels, erases,
approves, rejects and changes the capacity, through the real services on the test database.
It keeps a plain model of what should have happened, and after every step checks the database
against it and against the seat rules: never more seats taken than the capacity, the counters
equal the rows, the waiting list in the order people joined it, nobody promoted past someone
who joined earlier, and raised capacity going to the people waiting, in order.

The normal run tries EXAMPLES sequences of up to 25 steps for each kind of event (with and
without approval, with and without a waiting list); `FUZZ_EXAMPLES=300` (`make fuzz`) more.
"""

import os
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
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

from events.exceptions import Conflict
from events.models import Event
from events.services import update_event
from registration import services
from registration.models import Registration, Seats
from tests.factories import EventFactory, UserFactory

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


@dataclass
class Expected:
    """What the model says about one registration."""

    status: str
    email: str
    seq: int | None = None  # waitlist_seq while waiting
    promoted_from: int | None = None  # the waitlist_seq it had when promoted


class SeatMachine(RuleBasedStateMachine):
    def __init__(self, *, approval: bool, waitlist: bool):
        super().__init__()
        self.approval, self.waitlist = approval, waitlist
        # Every sequence starts from the same database: its changes are rolled back after.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.people: dict[int, Expected] = {}
        self.line: list[int] = []  # registration ids, first in line first

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
        # As the registration cache keeps it: read once, counter included, then left stale.
        self.stale_event = self.fresh_event()
        for who in range(crowd):
            self.register_one(who, stale=False)

    # --- The model ---------------------------------------------------------------------------

    @property
    def held(self) -> int:
        return sum(1 for p in self.people.values() if p.status in SEAT_HOLDERS)

    def has_room(self) -> bool:
        return self.capacity is None or self.held < self.capacity

    def seat_status(self) -> str:
        return Status.PENDING if self.approval else Status.CONFIRMED

    def fill_from_line(self) -> list[int]:
        promoted = []
        while self.line and self.has_room():
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

    def with_status(self, *statuses) -> list[int]:
        return sorted(pk for pk, p in self.people.items() if p.status in statuses)

    def fresh_event(self) -> Event:
        return Event.objects.select_related("seats").get(pk=self.event.pk)

    # --- Rules -------------------------------------------------------------------------------

    @rule(who=st.integers(min_value=0, max_value=PEOPLE - 1), stale=st.booleans())
    def register(self, who, stale):
        self.register_one(who, stale)

    @rule(whos=st.lists(st.integers(min_value=0, max_value=PEOPLE - 1), min_size=2, max_size=6))
    def register_several(self, whos):
        """A burst of registrations: fills the seats and the waiting list in a few steps."""
        for who in whos:
            self.register_one(who, stale=False)

    def register_one(self, who: int, stale: bool) -> None:
        data = person(who)
        event = self.stale_event if stale else self.fresh_event()
        taken_by = [p for p in self.people.values() if p.email == data["email"]]
        if any(p.status in ACTIVE for p in taken_by):
            with pytest.raises(Conflict) as error:
                services.register(event, data)
            # Told what a new address would be told where that is a refusal, never "registered".
            full = not self.has_room() and not self.waitlist
            assert error.value.code == ("event_full" if full else "check_email")
            return
        if not self.has_room() and not self.waitlist:
            with pytest.raises(Conflict) as error:
                services.register(event, data)
            assert error.value.code == "event_full"
            return

        registration = services.register(event, data)

        if self.has_room():
            assert registration.status == self.seat_status()
            self.people[registration.pk] = Expected(registration.status, data["email"])
        else:
            assert registration.status == Status.WAITLISTED
            self.line.append(registration.pk)
            # The place in line it was told is its place in line.
            assert registration.position == len(self.line)
            self.people[registration.pk] = Expected(
                Status.WAITLISTED, data["email"], seq=registration.waitlist_seq
            )

    @precondition(lambda self: self.with_status(*SEAT_HOLDERS))
    @rule(pick=st.integers(min_value=0), erase=st.booleans())
    def free_a_seat(self, pick, erase):
        """Someone holding a seat cancels, or erases their data: the seat goes to the line."""
        holders = self.with_status(*SEAT_HOLDERS)
        pk = holders[pick % len(holders)]
        registration = Registration.objects.get(pk=pk)

        if erase:
            services.erase_personal_data(registration)
        else:
            services.cancel(registration)

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
                services.cancel(registration)
            assert error.value.code == "not_active"
            return
        services.cancel(registration)

        self.leave(pk, Status.CANCELLED)

    @precondition(lambda self: self.people)
    @rule(pick=st.integers(min_value=0), reject=st.booleans())
    def decide(self, pick, reject):
        """The organiser approves or rejects: only a registration waiting for approval."""
        pending = self.with_status(Status.PENDING)
        pk = (pending or sorted(self.people))[pick % len(pending or self.people)]
        registration = Registration.objects.get(pk=pk)
        decide = services.reject if reject else services.approve

        if self.people[pk].status != Status.PENDING:
            with pytest.raises(Conflict) as error:
                decide(registration, actor=self.owner)
            assert error.value.code == "not_pending"
            return
        decide(registration, actor=self.owner)

        if reject:
            self.leave(pk, Status.REJECTED)
        else:
            self.people[pk].status = Status.CONFIRMED

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
            assert services.waitlist_position(Registration.objects.get(pk=pk)) == place

    @invariant()
    def nobody_promoted_past_an_earlier_joiner(self):
        if not hasattr(self, "event"):
            return
        waiting = [self.people[pk].seq for pk in self.line]
        promoted = [p.promoted_from for p in self.people.values() if p.promoted_from is not None]
        assert not waiting or not promoted or max(promoted) < min(waiting)
        # Nobody waits while a seat is free.
        if self.line:
            seats = Seats.objects.get(pk=self.event.pk)
            assert seats.capacity is not None
            assert seats.taken == seats.capacity


@pytest.mark.parametrize(
    ("approval", "waitlist"),
    [(False, True), (True, True), (False, False), (True, False)],
    ids=["waitlist", "approval-waitlist", "no-waitlist", "approval-no-waitlist"],
)
def test_seat_rules_hold_after_any_sequence_of_operations(approval, waitlist):
    run_state_machine_as_test(
        lambda: SeatMachine(approval=approval, waitlist=waitlist), settings=SETTINGS
    )
