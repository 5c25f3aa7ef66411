"""Figures about registrations: counts, seats left, the public list, breakdowns for charts."""

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from events import freshness
from events.models import Event

from .models import (
    ACTIVE_STATUSES,
    Choice,
    Registration,
    Seats,
)

Status = Registration.Status


# --- Check-in -------------------------------------------------------------------------------

# --- Counts ---------------------------------------------------------------------------------


def counts(event: Event) -> dict[str, Any]:
    """Live figures for the organisers: one aggregate query plus the limited choices."""
    totals = Registration.objects.filter(event=event).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Status.values},
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    taken = totals[Status.CONFIRMED] + totals[Status.PENDING]
    choices = [
        {
            "id": choice.pk,
            "question": choice.question_id,
            "label": choice.label,
            "capacity": choice.capacity,
            "taken": choice.taken,
            "seats_left": choice.seats_left,
        }
        for choice in Choice.objects.filter(question__event=event, capacity__isnull=False)
    ]
    return {
        "capacity": event.capacity,
        **totals,
        "seats_left": None if event.capacity is None else max(event.capacity - taken, 0),
        "choices": choices,
    }


def availability(event: Event) -> dict[str, Any]:
    """What the public pages say about seats: a state and the seats left (None if unlimited).

    Reads the seat counter only (load the event with `select_related("seats")` for lists).
    States: open, waitlist (full, people may queue), full, not_open_yet, closed, cancelled.
    """
    seats = getattr(event, "seats", None)
    left = None
    if event.capacity is not None:
        taken = seats.taken if seats else 0
        left = max(event.capacity - taken, 0)
    now = timezone.now()
    if event.status == Event.Status.CANCELLED:
        state = "cancelled"
    elif event.status != Event.Status.PUBLISHED or now >= (event.registration_closes or event.end):
        state = "closed"
    elif event.registration_opens and now < event.registration_opens:
        state = "not_open_yet"
    elif left == 0:
        state = "waitlist" if event.waitlist_enabled else "full"
    else:
        state = "open"
    return {"state": state, "seats_left": left, "capacity": event.capacity}


# --- What public pages show of the seat counters, for their stored answers ------------------

# The seat counters of the events a page showed, as `seats_shown` gives them: one subquery.
SEATS_OF = (
    "(SELECT array_agg(ARRAY[event_id, taken] ORDER BY event_id) "
    "FROM registration_seats WHERE event_id = ANY(%(shown)s))"
)


def seats_shown(events) -> list[list[int]]:
    """The seat counters a page showed (events loaded with their `seats`): [[id, taken]…]."""
    found = ((event.pk, getattr(event, "seats", None)) for event in events)
    return sorted([pk, seats.taken] for pk, seats in found if seats is not None)


def public_list_state(shown: list[list[int]] | None) -> list[Any]:
    """What the public list pages depend on — the public events' dates — and the counters of
    the seats `shown` as they are now: one query."""
    ids = [pk for pk, _taken in shown or []]
    if connection.vendor != "postgresql":  # the embedded SQLite of `make run`: two queries
        counters = Seats.objects.filter(event_id__in=ids).order_by("event_id")
        seats = [list(row) for row in counters.values_list("event_id", "taken")]
        return [*freshness.public_dates(), seats]
    dates, seats = freshness.public_dates_and(SEATS_OF, {"shown": ids})
    return [*dates, seats or []]


def public_event_state(slug: str) -> list[Any] | None:
    """What an event's public page depends on: its dates and its seat counter, one query."""
    row = freshness.public_event_row(
        slug, also=", s.taken", join="LEFT JOIN registration_seats s ON s.event_id = e.id"
    )
    return None if row is None else list(row)


def choice_seats_left(event: Event) -> dict[int, int]:
    """Seats left per limited choice of the event's questions, read fresh (not cached)."""
    return {
        choice.pk: choice.seats_left
        for choice in Choice.objects.filter(question__event=event, capacity__isnull=False)
    }


def public_participants(event: Event) -> list[dict[str, str]]:
    """Confirmed people who agreed to be listed: name, organisation and country only."""
    return list(
        Registration.objects.filter(
            event=event, status=Status.CONFIRMED, public_listing=True, erased_at__isnull=True
        )
        .order_by("name")
        .values("name", "affiliation", "country")
    )


def counts_by_event(events: list[Event]) -> dict[int, dict[str, int]]:
    """Registrations per status and check-ins for many events, in one aggregate query."""
    rows = (
        Registration.objects.filter(event__in=events)
        .values("event_id")
        .annotate(
            **{status: Count("id", filter=Q(status=status)) for status in Status.values},
            checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
    )
    return {row.pop("event_id"): row for row in rows}


def registrations_per_day(events: list[Event], days: int = 30) -> list[tuple[date, int]]:
    """New registrations per day (in the site's timezone) over the last `days` days."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        Registration.objects.filter(event__in=events, created_at__date__gte=first)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    per_day = {row["day"]: row["n"] for row in rows}
    return [
        (first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0)) for i in range(days)
    ]


def breakdown(event: Event, field: str) -> list[tuple[str, int]]:
    """Active registrations grouped by one field (country, participant type, status)."""
    if field not in ("country", "participant_type", "status"):
        raise ValueError(field)
    registrations = Registration.objects.filter(event=event)
    if field != "status":
        registrations = registrations.filter(status__in=ACTIVE_STATUSES)
    rows = registrations.values(field).annotate(n=Count("id")).order_by("-n", field)
    return [(row[field], row["n"]) for row in rows]
