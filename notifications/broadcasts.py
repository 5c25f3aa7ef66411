"""Messages from the team to an event's attendees, and notices of a changed or cancelled
event."""

from typing import Any

from django.db import transaction

from events.models import Event
from events.services import record
from registration.models import Registration

from .models import Message
from .outbox import audience, send_message

# --- Broadcasts and notices -----------------------------------------------------------------


@transaction.atomic
def broadcast(event: Event, *, actor, data: dict[str, Any]) -> Message:
    message = Message.objects.create(
        event=event,
        kind=Message.Kind.BROADCAST,
        subject_en=data.get("subject_en", ""),
        subject_vi=data.get("subject_vi", ""),
        body_en=data.get("body_en", ""),
        body_vi=data.get("body_vi", ""),
        details={
            key: data[key]
            for key in ("statuses", "participant_types", "checked_in", "choices")
            if key in data
        },
        created_by=actor,
    )
    record(event, actor, "broadcast.sent", message=message.pk)
    # The composer's preview counts with the same function: its count is what goes out.
    from .composer import recipients  # noqa: PLC0415 - composer builds on this module

    send_message(message, recipients(event, data))
    return message


def notify_all(event: Event, kind: str, details: dict[str, Any] | None = None) -> Message:
    """Tell everyone still registered (waiting list included) that the event changed."""
    message = Message.objects.create(event=event, kind=kind, details=details or {})
    active = [
        Registration.Status.CONFIRMED,
        Registration.Status.PENDING,
        Registration.Status.WAITLISTED,
    ]
    send_message(message, audience(event, statuses=active, include_opted_out=True))
    return message
