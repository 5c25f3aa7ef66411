"""The door: admitting ticket holders, once per day of the event, and finding them by name.

A day is the event's own calendar day (its timezone), so a two-day conference admits each
person on each day; a second scan the same day is a repeat, never a second count.
`Registration.checked_in_at` stays the first check-in of all (exports and figures use it as
"came at least once").
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound
from events.models import Event
from events.services import record

from .models import CheckIn, Registration
from .search import normalise_code, search

Status = Registration.Status

NOT_ADMITTED = {
    Status.WAITLISTED: _("This person is on the waiting list, not confirmed."),
    Status.PENDING: _("This registration is still waiting for approval."),
    Status.CANCELLED: _("This registration was cancelled."),
    Status.REJECTED: _("This registration was rejected."),
}
DOOR_MATCHES = 20


@dataclass(frozen=True)
class Admission:
    """A scan's outcome: who, on which day, when, and whether this scan admitted them."""

    registration: Registration
    check_in: CheckIn
    first_time: bool  # first time this day


def event_day(event: Event, moment: datetime) -> date:
    return event.local(moment).date()


def day_number(event: Event, day: date) -> int | None:
    """Day 1, 2... of a multi-day event; None for an event within one day."""
    first, last = event_day(event, event.start), event_day(event, event.end)
    if first == last:
        return None
    return (day - first).days + 1


def _ticket(event: Event, code: str) -> Registration:
    registration = Registration.objects.filter(
        event=event, ticket_code=normalise_code(code)
    ).first()
    if registration is None:
        raise NotFound(_("No ticket with this code exists for this event."))
    return registration


def check_in(event: Event, code: str, *, actor, at: datetime | None = None) -> Admission:
    """Admit a ticket holder for today. A repeat the same day never counts twice."""
    registration = _ticket(event, code)
    if registration.status != Status.CONFIRMED:
        raise Conflict(str(NOT_ADMITTED[registration.status]), f"ticket_{registration.status}")
    now = at or timezone.now()
    day = event_day(event, now)
    with transaction.atomic():
        # Re-checked under the row lock: a ticket cancelled since it was read (or while this
        # scan waited for the cancel to commit) is refused, never admitted.
        still_confirmed = (
            Registration.objects.select_for_update(no_key=True)
            .filter(pk=registration.pk, status=Status.CONFIRMED)
            .exists()
        )
        if not still_confirmed:
            registration.refresh_from_db(fields=["status"])
            raise Conflict(str(NOT_ADMITTED[registration.status]), f"ticket_{registration.status}")
        # The unique (registration, day) constraint decides between two scans at once.
        row, created = CheckIn.objects.get_or_create(
            registration=registration, day=day, defaults={"event": event, "at": now}
        )
        if created:
            Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
                checked_in_at=now
            )
            record(
                event,
                actor,
                "registration.checked_in",
                registration=registration.pk,
                day=day.isoformat(),
            )
    registration.refresh_from_db(fields=["checked_in_at"])
    return Admission(registration, row, created)


def undo_check_in(event: Event, code: str, *, actor, at: datetime | None = None) -> Registration:
    """Undo today's check-in; the first check-in of all moves to the earliest one left."""
    registration = _ticket(event, code)
    day = event_day(event, at or timezone.now())
    with transaction.atomic():
        deleted, _rows = CheckIn.objects.filter(registration=registration, day=day).delete()
        if not deleted:
            raise Conflict(_("This person has not been checked in today."), "not_checked_in")
        first = CheckIn.objects.filter(registration=registration).aggregate(first=Min("at"))
        Registration.objects.filter(pk=registration.pk).update(checked_in_at=first["first"])
        registration.checked_in_at = first["first"]
        record(
            event,
            actor,
            "registration.check_in_undone",
            registration=registration.pk,
            day=day.isoformat(),
        )
    return registration


def checked_in_on(event: Event, day: date) -> int:
    return CheckIn.objects.filter(event=event, day=day).count()


def attendance_by_day(
    event: Event, statuses: tuple[str, ...] | None = None
) -> list[tuple[date, int]]:
    """People checked in on each day of the event, in day order."""
    rows = CheckIn.objects.filter(event=event)
    if statuses:
        rows = rows.filter(registration__status__in=statuses)
    counted = rows.values("day").annotate(n=Count("registration", distinct=True)).order_by("day")
    return [(row["day"], row["n"]) for row in counted]


def recent(event: Event, day: date, limit: int) -> QuerySet[CheckIn]:
    """The day's last check-ins, newest first, for the door's Undo buttons."""
    return (
        CheckIn.objects.filter(event=event, day=day)
        .select_related("registration")
        .order_by("-at", "-id")[:limit]
    )


def door_search(event: Event, text: str, day: date) -> list[dict]:
    """People to admit by name (accents ignored) or code: only what the door needs to see."""
    if not text.strip():
        return []
    found = search(Registration.objects.filter(event=event), text).order_by("name", "id")
    found = list(found.only("name", "participant_type", "status", "ticket_code")[:DOOR_MATCHES])
    today = dict(
        CheckIn.objects.filter(registration__in=found, day=day).values_list("registration", "at")
    )
    return [
        {
            "name": person.name,
            "participant_type": person.participant_type,
            "participant_type_label": person.get_participant_type_display(),
            "status": person.status,
            "status_label": person.get_status_display(),
            "ticket_code": person.ticket_code,
            "checked_in_today": person.pk in today,
            "checked_in_at": today.get(person.pk),
        }
        for person in found
    ]
