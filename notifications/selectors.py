"""Query functions: what the pages read about deliveries and messages."""

from django.db.models import QuerySet

from events.models import Event
from registration.models import Registration

from .models import Delivery, Message, OptOut


def deliveries_of(event: Event) -> QuerySet[Delivery]:
    return Delivery.objects.filter(event=event)


def delivery_log(event: Event) -> QuerySet[Delivery]:
    """The event's deliveries, newest first, with whom and what."""
    return (
        Delivery.objects.filter(event=event)
        .select_related("registration", "message")
        .order_by("-id")
    )


def messages_by_id(ids: list[int]) -> dict[int, Message]:
    return Message.objects.in_bulk(ids)


def has_opted_out(registration: Registration) -> bool:
    return OptOut.objects.filter(registration=registration).exists()
