from datetime import timedelta

from django.utils import timezone

from events.models import Event
from registration import seats


def person(n: int, **extra) -> dict:
    return {
        "name": f"Người {n}",
        "email": f"person{n}@example.org",
        "consent": True,
        "country": "VN",
        "language": "vi",
        **extra,
    }


def register(event, n: int, **extra):
    return seats.register(event, person(n, **extra))


def end_event(event: Event) -> None:
    """The event took place: it started two days ago and ended yesterday."""
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        start=now - timedelta(days=2), end=now - timedelta(days=1), registration_closes=None
    )
    event.refresh_from_db()
