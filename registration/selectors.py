"""Query functions: what the pages read about registrations (never `.objects` in a view)."""

from django.db.models import QuerySet

from events.models import Event, Speaker

from .models import Registration


def registrations_of(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event)


def newest_registrations(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event).order_by("-created_at", "-id")


def selected_by_name(event: Event, ids: list[int]) -> QuerySet[Registration]:
    """The selected registrations of this event, by name (a bulk action's confirmation)."""
    return Registration.objects.filter(event=event, pk__in=ids).order_by("name", "id")


def attendee_list(event: Event) -> QuerySet[Registration]:
    """Confirmed people with only what the printed list shows, by name."""
    return (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .only("name", "affiliation", "participant_type")
        .order_by("name", "id")
    )


def speakers_with_certificates(event: Event) -> QuerySet[Speaker]:
    """The event's speakers with their sessions and certificates (the certificates page)."""
    return Speaker.objects.filter(event=event).prefetch_related("sessions", "certificates")
