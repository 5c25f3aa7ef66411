"""Whether an event takes registrations and changes: published, open, offering this
participant type, not yet ended."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound
from events import dates
from events.models import Event, ParticipantType

from . import event_cache

# --- Registering ----------------------------------------------------------------------------

# slug -> (version, event): see event_cache.py.
_event_cache: dict[str, tuple[int, Event]] = {}


def event_for_registration(slug: str) -> Event:
    """The public event a registration is for, kept per process until any event changes.

    The copy is current (event_cache.py); the seat update also checks in the database that
    the event is still published (`Seats.accepting`).
    """
    version = event_cache.current_version()
    cached = _event_cache.get(slug)
    if cached and version is not None and cached[0] == version:
        return cached[1]
    event = (
        Event.objects.select_related("seats")
        .filter(slug=slug, status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
        .first()
    )
    if event is None:
        raise NotFound(_("Not found."))
    if version is not None:
        if len(_event_cache) > 1000:
            _event_cache.clear()
        _event_cache[slug] = (version, event)
    return event


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
