"""Counts of people as published: per quarter and year of a programme and per held event.

All of them are published at once, so they are protected together (see `suppression`): the
participants, check-ins and international participants of a year are the sums of its
quarters'; a quarter's are the sums of its held events' (whose reports are public) and of
its upcoming events' (taken as known: their pages show the seats left); everywhere,
participants are check-ins plus absentees and international plus local participants; an
event's participants are the sum of its countries (and of the people who gave none) and of
its participant types; its registrations are its participants and the others (cancelled,
waiting, pending); each day's attendance is at most its check-ins (people who came at least
once), and the days together at least as many.
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
    by_day: dict[str, int] = field(default_factory=dict)  # ISO day -> people checked in


def markers(threshold: int) -> dict[str, str]:
    return {"primary": f"<{threshold}", "secondary": f"≥{threshold}"}


def protect_all(events: dict[int, EventPeople], threshold: int) -> dict[tuple, str]:
    """Which published counts of people to withhold: key -> "<5" or "≥5". Keys:
    ("year", programme_id, year, metric), ("quarter", programme_id, year, quarter, metric),
    ("event", event_id, name), ("country", event_id, code), ("type", event_id, code),
    ("day", event_id, ISO day)."""
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


# Never published but worked out from what is: participants who did not check in, and
# participants from home or of no known country (participants minus international ones).
DERIVED = ("absent", "local")


def _measure(event: EventPeople, name: str) -> int:
    if name == "absent":
        return event.participants - event.check_ins
    if name == "local":
        return event.participants - event.international_participants
    return getattr(event, name)


def _table(programme_id, year, events: dict[int, EventPeople]) -> tuple[dict, list[Sum]]:
    cells: dict[tuple, Cell] = {}
    sums: list[Sum] = []
    quarters: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    upcoming: dict[tuple, int] = defaultdict(int)
    totals: dict[tuple, int] = defaultdict(int)
    for pk, event in events.items():
        for name in (*METRICS, *DERIVED):
            value = _measure(event, name)
            totals[("quarter", programme_id, year, event.quarter, name)] += value
            totals[("year", programme_id, year, name)] += value
            if event.held:
                quarters[event.quarter][name].append(("event", pk, name))
            else:
                upcoming[(event.quarter, name)] += value
        if event.held:
            _event_table(pk, event, cells, sums)
    for (quarter, name), value in upcoming.items():
        key = ("upcoming", programme_id, year, quarter, name)
        cells[key] = Cell(value, shown=False, known=True)  # their pages show seats left
        quarters[quarter][name].append(key)
    for key, value in totals.items():
        # Programme figures are withheld after an event's, to keep the headline ones.
        cells[key] = Cell(value, cost=2, shown=key[-1] in METRICS)
    for name in (*METRICS, *DERIVED):
        parts = []
        for quarter, members in quarters.items():
            key = ("quarter", programme_id, year, quarter, name)
            parts.append(key)
            sums.append((key, members[name]))
        sums.append((("year", programme_id, year, name), parts))
    for place in [("year", programme_id, year)] + [
        ("quarter", programme_id, year, quarter) for quarter in quarters
    ]:
        _within(place, sums)
    return cells, sums


def _within(place: tuple, sums: list[Sum]) -> None:
    """participants = check-ins + absent = international + local, for one row."""
    total = (*place, "participants")
    sums.append((total, [(*place, "check_ins"), (*place, "absent")]))
    sums.append((total, [(*place, "international_participants"), (*place, "local")]))


def _event_table(pk: int, event: EventPeople, cells: dict, sums: list[Sum]) -> None:
    home = settings.HOME_COUNTRY
    place = ("event", pk)
    total = (*place, "participants")
    for name in METRICS:
        cells[(*place, name)] = Cell(getattr(event, name))
    for name in DERIVED:
        cells[(*place, name)] = Cell(_measure(event, name), shown=False)
    _within(place, sums)
    cells[(*place, "registrations")] = Cell(event.registrations, cost=0)
    cells[(*place, "others")] = Cell(event.registrations - event.participants, shown=False)
    sums.append(((*place, "registrations"), [total, (*place, "others")]))
    # People who gave no country: protected when there are some, and when there are none
    # anyone may guess so (most give one).
    nobody = (*place, "no_country")
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
    sums.append(((*place, "international_participants"), abroad))
    domestic = [("country", pk, home)] if event.by_country.get(home) else []
    sums.append(((*place, "local"), [*domestic, nobody]))
    types = []
    for code, n in event.by_type.items():
        cells[("type", pk, code)] = Cell(n, floor=1)
        types.append(("type", pk, code))
    sums.append((total, types))
    _days(pk, event, cells, sums)


def _days(pk: int, event: EventPeople, cells: dict, sums: list[Sum]) -> None:
    """Attendance per day: one person counts on every day they came, once in the check-ins.

    So each day is the check-ins less those who did not come that day, and the days add up
    to the check-ins plus the repeat visits: exactly what anyone knows of them (any such
    numbers can happen). A relation that the stored data does not bear out (check-ins
    recorded without a day, from before days were kept) is left out rather than assumed.
    """
    if not event.by_day:
        return
    checked = ("event", pk, "check_ins")
    days = []
    for day, n in event.by_day.items():
        key = ("day", pk, day)
        cells[key] = Cell(n, floor=1, cost=0)  # only days with someone are listed
        days.append(key)
        if n <= event.check_ins:
            away = ("away", pk, day)
            cells[away] = Cell(event.check_ins - n, shown=False)
            sums.append((checked, [key, away]))
    every = sum(event.by_day.values())
    cells[("event", pk, "day_total")] = Cell(every, shown=False)
    sums.append((("event", pk, "day_total"), days))
    if every >= event.check_ins:
        cells[("event", pk, "repeats")] = Cell(every - event.check_ins, shown=False)
        sums.append((("event", pk, "day_total"), [checked, ("event", pk, "repeats")]))
