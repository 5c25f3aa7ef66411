"""Open data: attendance per day of every held event, protected like every count of people.

A multi-day event admits people once per day, so its attendance is a row per day. The days
are published only once the event is over (like its report) and are withheld together with
the other published figures (see `people`): a small day reads "<5", and a day that would
give a small count away (or be given away by one) reads "≥5".
"""

from datetime import date
from typing import Any

from events.models import Event

from .services import _figures, cached

ATTENDANCE_FIELDS = ("event", "slug", "programme", "day", "day_number", "checked_in")


def open_attendance() -> list[dict[str, Any]]:
    """One row per held event and day with someone checked in, in the order of the events."""

    def build() -> list[dict[str, Any]]:
        figures = _figures("all")
        withheld = figures["withheld"]
        held = {pk: people for pk, people in figures["people"].items() if people.held}
        events = (
            Event.objects.filter(pk__in=[pk for pk, people in held.items() if people.by_day])
            .select_related("programme")
            .only("uuid", "slug", "start", "timezone", "programme__code")
            .order_by("start", "pk")
        )
        rows = []
        for event in events:
            first = event.local(event.start).date()
            for day, n in held[event.pk].by_day.items():
                rows.append(
                    {
                        "event": str(event.uuid),
                        "slug": event.slug,
                        "programme": event.programme.code if event.programme else None,
                        "day": day,
                        "day_number": (date.fromisoformat(day) - first).days + 1,
                        "checked_in": withheld.get(("day", event.pk, day), n),
                    }
                )
        return rows

    return cached("attendance", build)
