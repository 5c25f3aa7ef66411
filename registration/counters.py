"""The seat counters: every seat or limited-choice place is taken and given back by a
conditional UPDATE of its counter row, inside the caller's transaction, so the database, not
the application, makes sure `taken` never passes `capacity` (registration/seats.py tells the
story that uses them).

Plain SQL for the statements every registration runs; each returns the counter's `version`,
which tells whether the caller's copy of the event is current (registration/eligibility.py).
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Q
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event

from .eligibility import check_open, check_version
from .models import Choice, Seats


def _has_room(model_filter: Q) -> Q:
    return model_filter & (Q(capacity__isnull=True) | Q(taken__lt=F("capacity")))


TAKE_SEAT = (
    "UPDATE registration_seats SET taken = taken + 1 "
    "WHERE event_id = %s AND accepting AND (capacity IS NULL OR taken < capacity) "
    "RETURNING version"
)


# A promotion: one seat taken by someone leaving the waiting list.
PROMOTE = (
    "UPDATE registration_seats SET taken = taken + 1, waitlisted = waitlisted - 1 "
    "WHERE event_id = %s AND accepting AND (capacity IS NULL OR taken < capacity)"
)
# Joining the waiting list: a place in line, and the counter's lock until commit.
JOIN_WAITLIST = (
    "UPDATE registration_seats SET waitlisted = waitlisted + 1, "
    "waitlist_seq = waitlist_seq + 1 WHERE event_id = %s "
    "RETURNING accepting, capacity, taken, waitlisted, waitlist_seq, version"
)
# Locks the counter row without changing it, and reads it.
LOCK_SEATS = (
    "UPDATE registration_seats SET taken = taken WHERE event_id = %s "
    "RETURNING accepting, capacity, taken, version"
)


def take_seat(event: Event) -> bool:
    """Take one seat if one is left; the row lock this takes is held until commit.

    Plain SQL: this runs for every registration. False means full, or not accepting any
    more: `seat_state` tells which, under the lock. Raises OutdatedEvent if `event` is a copy
    older than the counter says.
    """
    with connection.cursor() as cursor:
        cursor.execute(TAKE_SEAT, [event.pk])
        row = cursor.fetchone()
    if row is None:
        return False
    check_version(event, row[0])
    return True


def seat_state(event: Event) -> tuple[bool, bool]:
    """(accepting, has room), read under the counter's row lock, held until commit."""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SEATS, [event.pk])
        row = cursor.fetchone()
    if row is None:  # the event was deleted since it was read, or predates its counter
        check_version(event, None)
        Seats.objects.get_or_create(
            event_id=event.pk,
            defaults={"capacity": event.capacity, "accepting": True},
        )
        return seat_state(event)
    accepting, capacity, taken, version = row
    check_version(event, version)
    return bool(accepting), capacity is None or taken < capacity


def refuse_if_not_accepting(event: Event, accepting: bool) -> None:
    if not accepting:
        # Cancelled or unpublished since it was read: say which, from fresh data.
        check_open(Event.objects.get(pk=event.pk))
        raise Conflict(_("This event is not open for registration."), "event_not_published")


def release_seat(event: Event) -> None:
    Seats.objects.filter(pk=event.pk, taken__gt=0).update(taken=F("taken") - 1)


def take_choices(choice_ids: list[int]) -> None:
    for choice_id in choice_ids:
        if not Choice.objects.filter(_has_room(Q(pk=choice_id))).update(taken=F("taken") + 1):
            choice = Choice.objects.filter(pk=choice_id).first()
            if choice is None:  # removed since the questions were read
                raise ValidationError(
                    {"answers": [_("The questions have changed: reload the form and answer.")]}
                )
            raise Conflict(
                _("No places are left for “%(choice)s”.") % {"choice": choice.label},
                "choice_full",
            )


def release_choices(choice_ids: list[int]) -> None:
    if choice_ids:
        Choice.objects.filter(pk__in=choice_ids, taken__gt=0).update(taken=F("taken") - 1)
