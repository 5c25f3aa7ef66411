"""Whether an event takes registrations and changes: published, open, offering this
participant type, not yet ended."""

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound
from events import dates
from events.models import Event, ParticipantType

from .models import Seats

# slug -> the event as loaded for registrations, with its seat counter.
_event_cache: dict[str, Event] = {}


class OutdatedEvent(Exception):  # noqa: N818 - a signal between two functions, not an error
    """The copy of an event a registration was made from no longer matches the database."""


def event_for_registration(slug: str) -> Event:
    """The public event a registration is for, kept per process.

    Reading the event cost more than the rest of a registration, so each process keeps the
    ones it served, with no time limit and no shared-cache lookup: the copy carries its seat
    counter's `version`, which every change to the event or its questions bumps in its own
    transaction, and the seat update of each registration returns the version it sees
    (`registration.seats`). A registration made from an outdated copy is rolled back and made
    again from a fresh one (`reload`); a refusal is checked with `confirm_current` before it
    is given. So a change made through any host is obeyed by the next registration on every
    host.
    """
    event = _event_cache.get(slug)
    if event is None:
        event = _load(slug)
    return event


def reload(event: Event) -> Event:
    """The event again from the database, under the slug it was asked for, kept from now on."""
    _event_cache.pop(event.slug, None)
    return _load(event.slug)


def _load(slug: str) -> Event:
    event = (
        Event.objects.select_related("seats")
        .filter(slug=slug, status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
        .first()
    )
    if event is None:
        raise NotFound(_("Not found."))
    if seen_version(event) is not None:  # without a counter nothing could say it is outdated
        if len(_event_cache) > 1000:
            _event_cache.clear()
        _event_cache[slug] = event
    return event


def counter_read_with(event: Event) -> Seats | None:
    """The seat counter as it was read with this copy of the event; None if it was not read
    with it, or the event has none."""
    if not Event.seats.is_cached(event):
        return None
    return getattr(event, "seats", None)  # read as missing: the event has no counter


def seen_version(event: Event) -> int | None:
    """The seat counter's version the copy was loaded with; None if loaded without it."""
    seats = counter_read_with(event)
    return None if seats is None else seats.version


def check_version(event: Event, version: int | None) -> None:
    """Raise OutdatedEvent if the database's `version` (None: no counter) is not the copy's."""
    seen = seen_version(event)
    if seen is not None and version != seen:
        raise OutdatedEvent


def confirm_current(event: Event) -> None:
    """Before refusing on the copy's word: raise OutdatedEvent if the event has changed."""
    if seen_version(event) is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT version FROM registration_seats WHERE event_id = %s", [event.pk])
        row = cursor.fetchone()
    check_version(event, row[0] if row else None)


def check_open(event: Event, *, walk_in: bool = False) -> None:
    if event.status == Event.Status.CANCELLED:
        raise Conflict(_("This event has been cancelled."), "event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        raise Conflict(_("This event is not open for registration."), "event_not_published")
    now = timezone.now()
    if walk_in:
        # At the door the registration window does not apply, only the event's end.
        if now >= event.end:
            raise Conflict(_("This event has ended."), "event_ended")
        return
    if event.registration_opens and now < event.registration_opens:
        opens = dates.when(event.registration_opens, event.timezone)
        raise Conflict(
            _("Registration opens on %(when)s.") % {"when": opens}, "registration_not_open"
        )
    if now >= (event.registration_closes or event.end):
        raise Conflict(_("Registration for this event has closed."), "registration_closed")


def check_participant_type(event: Event, participant_type: str) -> None:
    offered = event.participant_types or list(ParticipantType.values)
    if participant_type not in offered:
        raise ValidationError(
            {"participant_type": [_("This event does not offer this participant type.")]}
        )


def event_has_ended(event: Event) -> bool:
    return timezone.now() >= event.end


def refuse_if_ended(event: Event) -> None:
    """Once an event has ended nobody leaves it: its figures are final."""
    if event_has_ended(event):
        raise Conflict(
            _("This event has ended: its registrations can no longer be cancelled or rejected."),
            "event_ended",
        )
