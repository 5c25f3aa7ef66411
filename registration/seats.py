"""Registering, the waiting list, approval and leaving: one story, the seat guarantee.

Every seat change is a conditional UPDATE of the event's `Seats` row (or a limited choice's
row; registration/counters.py) inside the same transaction as the registration change, so the
database, not the application, makes sure `taken` never passes `capacity`. A freed seat goes
to the first person waiting in that same transaction.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.inserts import insert
from events.models import Event, ParticipantType
from events.services import record

from . import eligibility
from .answers import clean_answers, held_choice_ids
from .counters import (
    JOIN_WAITLIST,
    PROMOTE,
    refuse_if_not_accepting,
    release_choices,
    release_seat,
    seat_state,
    take_choices,
    take_seat,
)
from .eligibility import (
    OutdatedEvent,
    check_open,
    check_participant_type,
    check_version,
    confirm_current,
    counter_read_with,
    event_has_ended,
    refuse_if_ended,
)
from .links import request_manage_link
from .models import (
    Registration,
    Seats,
)
from .questions import questions_of
from .signals import (
    registration_changed,
)

Status = Registration.Status


def fill_free_seats(event: Event) -> list[Registration]:
    """Promote people from the waiting list, first come first served, while seats are free.

    Nobody is promoted once the event has ended: the figures of a held event do not move."""
    promoted: list[Registration] = []
    if event_has_ended(event):
        return promoted
    while True:
        candidate = (
            Registration.objects.select_for_update(no_key=True)
            .filter(event=event, status=Status.WAITLISTED)
            .order_by("waitlist_seq")
            .first()
        )
        if candidate is None:
            # FOR UPDATE with LIMIT can skip a row that changed while we waited: look again.
            if Registration.objects.filter(event=event, status=Status.WAITLISTED).exists():
                continue
            break
        with connection.cursor() as cursor:
            cursor.execute(PROMOTE, [event.pk])
            if not cursor.rowcount:
                break
        candidate.status = Status.PENDING if event.requires_approval else Status.CONFIRMED
        candidate.waitlist_seq = None
        candidate.save(update_fields=["status", "waitlist_seq", "updated_at"])
        announce(candidate, previous_status=Status.WAITLISTED)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def sync_seats(event: Event) -> None:
    """Called when an event is saved: the counter follows its status and capacity, and
    seats added to a published event go to the waiting list."""
    accepting = event.status == Event.Status.PUBLISHED
    seats, _created = Seats.objects.select_for_update().get_or_create(
        event_id=event.pk, defaults={"capacity": event.capacity, "accepting": accepting}
    )
    # Any change to the event outdates the copies web processes keep (eligibility.py).
    Seats.objects.filter(pk=event.pk).update(accepting=accepting, version=F("version") + 1)
    if seats.capacity == event.capacity:
        return
    if event.capacity is not None and event.capacity < seats.taken:
        raise ValidationError(
            {
                "capacity": [
                    _("%(taken)d seats are already taken: capacity cannot be lower.")
                    % {"taken": seats.taken}
                ]
            }
        )
    Seats.objects.filter(pk=event.pk).update(capacity=event.capacity)
    fill_free_seats(event)


def _duplicate(exc: IntegrityError) -> bool:
    """Whether `exc` is the one-active-registration-per-address constraint: PostgreSQL names
    the constraint, SQLite (the embedded default of `make run`) its columns."""
    text = str(exc)
    return "registration_one_active_per_email" in text or (
        "registration_registration.event_id, registration_registration.email_key" in text
    )


def register(
    event: Event,
    data: dict[str, Any],
    *,
    admit: Callable[[], None] | None = None,
    walk_in: bool = False,
) -> Registration:
    """Register one person: confirmed, pending approval or waitlisted, or Conflict if not.

    A waitlisted registration comes back with `position`, its place in line as it joined.
    `admit` runs once the attempt is valid for an open event, just before it is written: the
    per-address abuse limit, so attempts at a closed event or with bad input never count.
    An address already registered gets the answer a new one would get where that says
    nothing (full: `event_full`), else `check_email`; its owner is emailed their link.

    `event` may be a copy a process kept (`eligibility.event_for_registration`): when the
    database says the event has changed since, the attempt is rolled back and made again
    from a fresh copy, and `admit` still counts it once.
    """
    admit_once = _once(admit)
    for _attempt in range(3):
        try:
            return _register(event, data, admit_once, walk_in)
        except OutdatedEvent:
            event = eligibility.reload(event)
    # Changed again between each reload and its registration: let the person try again.
    raise Conflict(_("This event has just changed: please try again."), "event_changed")


def _once(action: Callable[[], None] | None) -> Callable[[], None]:
    done = False

    def once() -> None:
        nonlocal done
        if action is not None and not done:
            done = True
            action()

    return once


def _register(
    event: Event, data: dict[str, Any], admit: Callable[[], None], walk_in: bool
) -> Registration:
    try:
        check_open(event, walk_in=walk_in)
        participant_type = data.get("participant_type") or ParticipantType.DELEGATE
        check_participant_type(event, participant_type)
        questions = questions_of(event)
        answers = clean_answers(questions, data.get("answers"))
    except (Conflict, ValidationError):
        confirm_current(event)  # refused on the copy's word: only if it is still the event
        raise
    if data.get("consent") is not True:
        raise ValidationError(
            {"consent": [_("Please agree to the data-processing notice to register.")]}
        )
    registration = Registration(
        event=event,
        status=Status.PENDING if event.requires_approval else Status.CONFIRMED,
        name=data["name"].strip(),
        email=data["email"].strip(),
        affiliation=data.get("affiliation", "").strip(),
        country=data.get("country", "").upper(),
        language=data.get("language") or "en",
        participant_type=participant_type,
        answers=answers,
        held_choices=held_choice_ids(questions, answers),
        consent_at=timezone.now(),
        consent_notice_version=event.privacy_notice_label,
        public_listing=bool(data.get("public_listing")),
    )
    admit()
    try:
        with transaction.atomic():
            # The insert comes first and the hot seat row last, so its lock is held briefly.
            insert(registration)
            _take_choices(event, registration.held_choices)
            if not _looked_full(event) and take_seat(event):
                announce(registration, previous_status=None)
            else:
                _join_waitlist(event, registration)
    except IntegrityError as exc:
        if _duplicate(exc):
            _refuse_registered_address(event, registration.email)
        raise
    return registration


def _take_choices(event: Event, choice_ids: list[int]) -> None:
    try:
        take_choices(choice_ids)
    except (Conflict, ValidationError):
        confirm_current(event)  # refused on the copy's questions: only if they are current
        raise


def _refuse_registered_address(event: Event, email: str) -> None:
    """Answer an address that is already registered without saying so: its owner is emailed
    their link (through the link outbox, as "I lost my link" is), and the caller is told what
    a new address would be told where that is a refusal. Read from the database, not from
    the copy the attempt was made with: the answer must not depend on which process gave it."""
    request_manage_link(event, email)
    accepting, has_room, waitlist_enabled = _seats_now(event)
    if not accepting:
        check_open(Event.objects.get(pk=event.pk))
    if not has_room and not waitlist_enabled:
        raise Conflict(_("This event is full."), "event_full")
    raise Conflict(
        _(
            "We could not take this registration. If this address is already registered for "
            "this event, we have just emailed it the link to manage that registration."
        ),
        "check_email",
    )


def _seats_now(event: Event) -> tuple[bool, bool, bool]:
    """(accepting, has room, waiting list open) as the database says now, without locking."""
    seats = (
        Seats.objects.filter(pk=event.pk)
        .values("accepting", "capacity", "taken", "event__waitlist_enabled")
        .first()
    )
    if seats is None:
        return True, True, event.waitlist_enabled
    has_room = seats["capacity"] is None or seats["taken"] < seats["capacity"]
    return seats["accepting"], has_room, seats["event__waitlist_enabled"]


def announce(registration: Registration, previous_status: str | None, reason: str = "") -> None:
    registration_changed.send(
        sender=Registration,
        registration=registration,
        previous_status=previous_status,
        reason=reason,
    )


def _looked_full(event: Event) -> bool:
    """Whether the counter read with the (cached) event was full: then skip straight to the
    waiting list, whose final check under the lock still takes a seat freed since."""
    seats = counter_read_with(event)
    return seats is not None and seats.capacity is not None and seats.taken >= seats.capacity


def _remember_counter(event: Event, capacity: int | None, taken: int) -> None:
    """Keep what the counter said under its lock on the (cached) event, for the next
    registration's `_looked_full`: once sold out, each one goes straight to the waiting list
    instead of first trying for a seat (a statement each). Only a hint: the waiting list's
    check under the lock still takes a seat freed since, and a later copy of the event
    starts from the database again."""
    seats = counter_read_with(event)
    if seats is not None:
        seats.capacity, seats.taken = capacity, taken


def _join_waitlist(event: Event, registration: Registration) -> None:
    """No seat was free: wait in line, or be turned away.

    The answer is made final under the counter's lock: if a seat was freed meanwhile by a
    transaction that could not yet see this registration, it is taken here.
    """
    if not event.waitlist_enabled:
        accepting, has_room = seat_state(event)
        refuse_if_not_accepting(event, accepting)
        if not (has_room and take_seat(event)):
            raise Conflict(_("This event is full."), "event_full")
        announce(registration, previous_status=None)
        return
    with connection.cursor() as cursor:
        cursor.execute(JOIN_WAITLIST, [event.pk])
        row = cursor.fetchone()
        if row is None:  # the event was deleted since it was read, or predates its counter
            seat_state(event)
            return _join_waitlist(event, registration)
        accepting, capacity, taken, waiting, place, version = row
        check_version(event, version)
        _remember_counter(event, capacity, taken)
        refuse_if_not_accepting(event, accepting)
        if capacity is None or taken < capacity:  # a seat was freed meanwhile: take it
            cursor.execute(PROMOTE, [event.pk])
            announce(registration, previous_status=None)
            return
    registration.status = Status.WAITLISTED
    registration.waitlist_seq = place
    registration.position = waiting
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.WAITLISTED, waitlist_seq=place
    )
    announce(registration, previous_status=None)


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Status.WAITLISTED,
        waitlist_seq__lt=registration.waitlist_seq,
    ).count()
    return ahead + 1


def _leave(
    registration: Registration, new_status: str, reason: str = "", *, only_from: str | None = None
) -> Registration:
    """Move an active registration out, free what it held and fill the seat from the list.

    The state is checked under the row lock: `only_from` refuses a registration that another
    transaction moved meanwhile (a reject racing an approve). Once the event has ended nobody
    leaves: its figures are final (erasure keeps the status and does not come here then).
    """
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    if only_from == Status.PENDING and registration.status != Status.PENDING:
        raise Conflict(_("Only registrations waiting for approval can be rejected."), "not_pending")
    if not registration.is_active:
        raise Conflict(_("This registration is already cancelled or rejected."), "not_active")
    refuse_if_ended(registration.event)
    previous = registration.status
    registration.status = new_status
    registration.decision_reason = reason
    registration.waitlist_seq = None
    registration.save(update_fields=["status", "decision_reason", "waitlist_seq", "updated_at"])
    release_choices(registration.held_choices)
    if previous in (Status.CONFIRMED, Status.PENDING):
        release_seat(registration.event)
    else:
        Seats.objects.filter(pk=registration.event_id, waitlisted__gt=0).update(
            waitlisted=F("waitlisted") - 1
        )
    registration_changed.send(
        sender=Registration, registration=registration, previous_status=previous, reason=reason
    )
    fill_free_seats(registration.event)
    return registration


@transaction.atomic
def cancel(registration: Registration, *, actor=None, reason: str = "") -> Registration:
    registration = _leave(registration, Status.CANCELLED, reason)
    if actor is not None:
        record(registration.event, actor, "registration.cancelled", registration=registration.pk)
    return registration


@transaction.atomic
def approve(registration: Registration, *, actor) -> Registration:
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    if registration.status != Status.PENDING:
        raise Conflict(_("Only registrations waiting for approval can be approved."), "not_pending")
    registration.status = Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    registration_changed.send(
        sender=Registration, registration=registration, previous_status=Status.PENDING, reason=""
    )
    record(registration.event, actor, "registration.approved", registration=registration.pk)
    return registration


@transaction.atomic
def reject(registration: Registration, *, actor, reason: str = "") -> Registration:
    registration = _leave(registration, Status.REJECTED, reason, only_from=Status.PENDING)
    record(registration.event, actor, "registration.rejected", registration=registration.pk)
    return registration


def approve_many(event: Event, ids: list[int], *, actor) -> list[Registration]:
    pending = Registration.objects.filter(event=event, pk__in=ids, status=Status.PENDING)
    return [approve(registration, actor=actor) for registration in pending.order_by("id")]


def reject_many(event: Event, ids: list[int], *, actor) -> list[Registration]:
    """Reject each selected registration still pending; the others are left unchanged."""
    return _each(event, ids, reject, actor=actor)


def cancel_many(event: Event, ids: list[int], *, actor) -> list[Registration]:
    """Cancel each selected registration still active; the others are left unchanged."""
    return _each(event, ids, cancel, actor=actor)


def _each(
    event: Event, ids: list[int], change: Callable[..., Registration], *, actor
) -> list[Registration]:
    # An ended event is refused once for the whole selection, not per registration.
    refuse_if_ended(event)
    done = []
    for registration in Registration.objects.filter(event=event, pk__in=ids).order_by("id"):
        try:
            done.append(change(registration, actor=actor))
        except Conflict:
            continue  # not in a state this action applies to: left unchanged
    return done
