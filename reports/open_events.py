"""Open data: every event that was published, public fields only (no counts of people)."""

from typing import Any

from django.conf import settings

from .services import cached, public_events

EVENT_FIELDS = (
    "id",
    "slug",
    "url",
    "status",
    "title_en",
    "title_vi",
    "summary_en",
    "summary_vi",
    "kind",
    "scope",
    "format",
    "fields",
    "programme",
    "host",
    "venue_name",
    "venue_city",
    "venue_country",
    "timezone",
    "start",
    "end",
    "capacity",
    "updated_at",
    "licence",
)


def open_events() -> list[dict[str, Any]]:
    """Every event that was published (cancelled ones too), public fields only."""

    def build() -> list[dict[str, Any]]:
        events = (
            public_events()
            .select_related("programme", "host")
            .prefetch_related("fields")
            .order_by("start", "pk")
        )
        return [
            {
                "id": str(event.uuid),
                "slug": event.slug,
                "url": f"{settings.SITE_URL}/en/events/{event.slug}/",
                "status": event.status,
                "title_en": event.title_en,
                "title_vi": event.title_vi,
                "summary_en": event.summary_en,
                "summary_vi": event.summary_vi,
                "kind": event.kind,
                "scope": event.scope,
                "format": event.format,
                "fields": [field.code for field in event.fields.all()],
                "programme": event.programme.code if event.programme else None,
                "host": event.host.name if event.host else None,
                "venue_name": event.venue_name,
                "venue_city": event.venue_city,
                "venue_country": event.venue_country,
                "timezone": event.timezone,
                "start": event.local(event.start).isoformat(),
                "end": event.local(event.end).isoformat(),
                "capacity": event.capacity,
                "updated_at": event.updated_at.isoformat(),
                "licence": settings.OPEN_DATA_LICENCE,
            }
            for event in events
        ]

    return cached("events", build)
