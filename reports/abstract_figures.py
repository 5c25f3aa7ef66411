"""Figures of the calls for abstracts: submissions, acceptance per track and type, countries of
authors. On an event's report and, for a programme, summed over its public events.

Authors are people: their counts per country below the threshold are published as "<5"
everywhere. A programme's counts of abstracts are suppressed too (a handful of abstracts from
one event would point at their authors); an event's own abstract counts are not, as its
accepted abstracts are public in its book anyway.
"""

from typing import Any

from django.db.models import Count, Q

from abstracts.models import Abstract
from abstracts.selectors import author_countries, figures
from events.models import Event, Programme

from .services import share, suppress

PUBLIC = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def _countries(rows: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """Largest first; the suppressed ones after, in alphabetical order (an order by size
    would tell them apart)."""
    shown = [(r["country"], r["authors"]) for r in rows if suppress(r["authors"]) == r["authors"]]
    hidden = sorted(r["country"] for r in rows if suppress(r["authors"]) != r["authors"])
    return shown + [(code, suppress(0)) for code in hidden]


def event_figures(event: Event) -> dict[str, Any] | None:
    """None when the event had no abstracts."""
    numbers = figures(event)
    if not numbers["submitted"]:
        return None
    return {**numbers, "countries": _countries(numbers["countries"])}


def programme_figures(programme: Programme) -> dict[str, Any] | None:
    abstracts = Abstract.objects.filter(
        event__programme=programme, event__status__in=PUBLIC
    ).exclude(status=Abstract.Status.WITHDRAWN)
    totals = abstracts.aggregate(
        submitted=Count("id"),
        decided=Count("id", filter=Q(status__in=["accepted", "rejected"])),
        accepted=Count("id", filter=Q(status="accepted")),
    )
    if not totals["submitted"]:
        return None
    countries = author_countries(abstracts)
    published = {name: suppress(value) for name, value in totals.items()}
    return {
        **published,
        "acceptance_rate": share(published["accepted"], published["decided"]),
        "countries": _countries(list(countries)),
    }
