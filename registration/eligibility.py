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

# slug -> the event, read with its seat counter: see event_cache.py.
_event_cache: dict[str, Event] = {}


def event_for_registration(slug: str, *, fresh: bool = False) -> Event:
    """The public event a registration is for: the copy this process keeps, unless `fresh`.

    The copy carries its seat counter's version, which the registration's own statement
    checks (event_cache.py): a copy older than the event writes nothing and is read again.
    """
    if not fresh:
        kept = _event_cache.get(slug)
        if kept is not None:
            return kept
    event = (
        Event.objects.select_related("seats")
        .filter(slug=slug, status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
        .first()
    )
    if event is None:
        _event_cache.pop(slug, None)
        raise NotFound(_("Not found."))
    if event_cache.kept_version(event) is not None:  # without a counter, nothing to check
        if len(_event_cache) > 1000:
            _event_cache.clear()
        _event_cache[slug] = event
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


# Every type, when the event names none (the enum's `values` builds its list on each call).
ALL_TYPES = tuple(ParticipantType.values)


def check_participant_type(event: Event, participant_type: str) -> None:
    offered = event.participant_types or ALL_TYPES
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
