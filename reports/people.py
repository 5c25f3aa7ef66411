"""Counts of people as published: per quarter and year of a programme and per held event.

All of them are published at once, so they are protected together (see `suppression`): the
participants, check-ins and international participants of a year are the sums of its
quarters'; a quarter's are the sums of its held events' (whose reports are public) and of
its upcoming events' (taken as known: their pages show the seats left); an event's
participants are the sum of its countries (and of the people who gave none), of its
participant types, and of its home-country and international participants; its registrations
are its participants and the others (cancelled, waiting, pending).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from .suppression import Cell, Sum, protect

METRICS = ("participants", "check_ins", "international_participants")


@dataclass
class EventPeople:
    """The confirmed people of one published event, before any suppression."""

    programme_id: int | None
    year: int
    quarter: int
    held: bool
    registrations: int = 0
    participants: int = 0
    check_ins: int = 0
    international_participants: int = 0
    by_country: Counter = field(default_factory=Counter)  # "" for people who gave none
    by_type: Counter = field(default_factory=Counter)


def markers(threshold: int) -> dict[str, str]:
    return {"primary": f"<{threshold}", "secondary": f"≥{threshold}"}


def protect_all(events: dict[int, EventPeople], threshold: int) -> dict[tuple, str]:
    """Which published counts of people to withhold: key -> "<5" or "≥5". Keys:
    ("year", programme_id, year, metric), ("quarter", programme_id, year, quarter, metric),
    ("event", event_id, name), ("country", event_id, code), ("type", event_id, code)."""
    components: dict[tuple, dict[int, EventPeople]] = defaultdict(dict)
    for pk, event in events.items():
        components[(event.programme_id, event.year)][pk] = event
    shown = markers(threshold)
    withheld: dict[tuple, str] = {}
    for (programme_id, year), members in components.items():
        cells, sums = _table(programme_id, year, members)
        for key, kind in protect(cells, sums, threshold).items():
            if cells[key].shown:
                withheld[key] = shown[kind]
    return withheld


def _table(programme_id, year, events: dict[int, EventPeople]) -> tuple[dict, list[Sum]]:
    cells: dict[tuple, Cell] = {}
    sums: list[Sum] = []
    quarters: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    upcoming: dict[tuple, int] = defaultdict(int)
    for pk, event in events.items():
        for metric in METRICS:
            if event.held:
                quarters[event.quarter][metric].append(("event", pk, metric))
            else:
                upcoming[(event.quarter, metric)] += getattr(event, metric)
        if event.held:
            _event_table(pk, event, cells, sums)
    for (quarter, metric), value in upcoming.items():
        key = ("upcoming", programme_id, year, quarter, metric)
        cells[key] = Cell(value, shown=False, known=True)
        quarters[quarter][metric].append(key)
    for metric in METRICS:
        year_key = ("year", programme_id, year, metric)
        parts = []
        for quarter, members in quarters.items():
            key = ("quarter", programme_id, year, quarter, metric)
            parts.append(key)
            sums.append((key, members[metric]))
        sums.append((year_key, parts))
    totals: dict[tuple, int] = defaultdict(int)
    for event in events.values():
        for metric in METRICS:
            totals[("quarter", programme_id, year, event.quarter, metric)] += getattr(event, metric)
            totals[("year", programme_id, year, metric)] += getattr(event, metric)
    for key, value in totals.items():
        cells[key] = Cell(value, cost=2)  # programme figures: withheld after an event's
    return cells, sums


def _event_table(pk: int, event: EventPeople, cells: dict, sums: list[Sum]) -> None:
    home = settings.HOME_COUNTRY
    total = ("event", pk, "participants")
    international = ("event", pk, "international_participants")
    for metric in METRICS:
        cells[("event", pk, metric)] = Cell(getattr(event, metric))
    cells[("event", pk, "registrations")] = Cell(event.registrations, cost=0)
    cells[("event", pk, "others")] = Cell(event.registrations - event.participants, shown=False)
    sums.append((("event", pk, "registrations"), [total, ("event", pk, "others")]))
    nobody = ("event", pk, "no_country")
    # People who gave no country: protected when there are some, and when there are none
    # anyone may guess so (most give one).
    unknown = event.by_country.get("", 0)
    cells[nobody] = Cell(unknown, shown=False, known=not unknown)
    countries, abroad = [nobody], []
    for code, n in event.by_country.items():
        if code:
            key = ("country", pk, code)
            cells[key] = Cell(n, floor=1)  # only countries with someone are listed
            countries.append(key)
            if code != home:
                abroad.append(key)
    sums.append((total, countries))
    sums.append((international, abroad))
    domestic = [("country", pk, home)] if event.by_country.get(home) else []
    sums.append((total, [*domestic, international, nobody]))
    types = []
    for code, n in event.by_type.items():
        cells[("type", pk, code)] = Cell(n, floor=1)
        types.append(("type", pk, code))
    sums.append((total, types))
