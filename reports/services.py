"""Programme accountability and open data: what was committed, held and attended.

Every figure comes from a handful of aggregate queries, whatever the number of events. Counts
of people below `OPEN_DATA_MIN_COUNT` (default 5), zero included, are published as "<5", so
that nobody can be singled out; shares computed from a suppressed count are not published
either. Counts of events are not suppressed: every event is public in events.json anyway.

Definitions (documented in the README):
- planned: published and not over yet; held: published and over; cancelled: cancelled
  (drafts are never counted). An event belongs to the year and quarter of its start, in the
  site's timezone (TIME_ZONE).
- participants: confirmed registrations of published events; check-ins among them;
  international: participants whose country is not `HOME_COUNTRY` (unknown countries are
  counted as neither); countries: distinct countries of participants; attendance per day:
  participants checked in on each calendar day of the event (its own timezone).
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Literal, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, Programme
from events.programme_models import ProgrammeTarget
from notifications.models import Delivery, Message
from registration.models import CheckIn, Registration

from .people import METRICS, EventPeople, protect_all

logger = logging.getLogger(__name__)

Status = Event.Status
CONFIRMED = Registration.Status.CONFIRMED
PEOPLE = ("participants", "check_ins", "international_participants", "countries")
EVENT_COUNTS = ("events_planned", "events_held", "events_cancelled")
DIMENSIONS = ("total", "scope", "field", "kind")
VERSION_KEY = "reports:version"
T = TypeVar("T")
Scope = int | Literal["all", "none"]  # a programme's pk, every event, or those of none


# --- Suppressing small counts ---------------------------------------------------------------


def threshold() -> int:
    return settings.OPEN_DATA_MIN_COUNT


def suppress(value: int | None) -> int | str | None:
    """A count as published: below the threshold it becomes "<5" (zero included)."""
    if value is None or value >= threshold():
        return value
    return f"<{threshold()}"


def is_suppressed(value: Any) -> bool:
    return isinstance(value, str)


def share(part: int | str | None, whole: int | str | None) -> float | None:
    """A percentage of two published counts, or None when either was suppressed."""
    if part is None or whole is None or is_suppressed(part) or is_suppressed(whole) or not whole:
        return None
    return round(100 * part / whole, 1)


# --- Cache ----------------------------------------------------------------------------------


def figures_changed() -> None:
    """Make every cached figure stale. Never lets a cache outage break the change itself."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)
    except Exception:  # the cache server is down: figures expire by their timeout instead
        logger.warning("could not mark the published figures stale", exc_info=True)


def newest_registration() -> int:
    """The newest registration's id, part of every cached figure's key.

    A new registration makes the figures stale without any work of its own (registering is
    the hot path, and a Redis round trip per registration was a tenth of its cost): readers
    ask the primary key's index for its last entry instead. A row committed after a newer
    one was read is caught by the next registration or by `STATISTICS_CACHE_SECONDS`.
    Every other change (status, erasure, events, targets) calls figures_changed().
    """
    newest = Registration.objects.order_by("-pk").values_list("pk", flat=True).first()
    return newest or 0


def cached(name: str, build):
    newest = newest_registration()
    try:
        version = cache.get_or_set(VERSION_KEY, 1, None)
        key = f"reports:{name}:{version}:{newest}"
        value = cache.get(key)
        if value is None:
            value = build()
            cache.set(key, value, settings.STATISTICS_CACHE_SECONDS)
        return value
    except Exception:  # the cache server is down: answer from the database
        logger.warning("figures cache unavailable", exc_info=True)
        return build()


def cached_file(name: str, build: Callable[[], T]) -> T:
    """A published file (with what comes with it), rendered once per change of the figures."""
    return cached(f"file:{name}", build)


# --- Aggregates -----------------------------------------------------------------------------


def public_events(scope: Scope = "all") -> QuerySet[Event]:
    """Published and cancelled events: all, one programme's (its pk), or those of none."""
    events = Event.objects.filter(status__in=(Status.PUBLISHED, Status.CANCELLED))
    if scope == "none":
        return events.filter(programme__isnull=True)
    if scope != "all":
        return events.filter(programme_id=scope)
    return events


def _state(status: str, end, now) -> str:
    if status == Status.CANCELLED:
        return "events_cancelled"
    return "events_planned" if end > now else "events_held"


def _figures(scope: Scope) -> dict[str, Any]:
    """Every figure of the events in scope before publication, and which counts of people
    to withhold. Five queries, whatever the number of events: the events, their fields,
    confirmed registrations counted per event, country and participant type, all
    registrations per event (the only two passes over the big table, through its (event,
    status) index) and check-ins per event and day; the rest is added up here."""

    def build() -> dict[str, Any]:
        now = timezone.now()
        local = timezone.get_current_timezone()
        events = {
            pk: (programme_id, start.astimezone(local), _state(status, end, now), area, kind)
            for pk, programme_id, start, end, status, area, kind in public_events(
                scope
            ).values_list("pk", "programme_id", "start", "end", "status", "scope", "kind")
        }
        people = _people(events, public_events(scope).filter(status=Status.PUBLISHED))
        return {
            "built_at": now,
            "rows": _rows(events, people, scope),
            "people": people,
            "withheld": protect_all(people, threshold()),
        }

    return cached(f"figures:{scope}", build)


def quarter_of(start) -> int:
    return (start.month - 1) // 3 + 1


def _people(events: dict[int, tuple], source: QuerySet[Event]) -> dict[int, EventPeople]:
    """The people of every event given that is not cancelled; `source` selects the same."""
    home = settings.HOME_COUNTRY
    people = {
        pk: EventPeople(programme_id, start.year, quarter_of(start), state == "events_held")
        for pk, (programme_id, start, state, _scope, _kind) in events.items()
        if state != "events_cancelled"
    }
    counted = (
        Registration.objects.filter(event__in=source)
        .values("event_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted:
        people[row["event_id"]].registrations = row["n"]
    confirmed = (
        Registration.objects.filter(status=CONFIRMED, event__in=source)
        .values("event_id", "country", "participant_type")
        .annotate(n=Count("pk"), checked_in=Count("checked_in_at"))
        .order_by()
    )
    for row in confirmed:
        event = people[row["event_id"]]
        event.participants += row["n"]
        event.check_ins += row["checked_in"]
        if row["country"] not in ("", home):
            event.international_participants += row["n"]
        event.by_country[row["country"]] += row["n"]
        event.by_type[row["participant_type"]] += row["n"]
    # Confirmed people per day of each event (CheckIn keeps one row per person and day).
    days = (
        CheckIn.objects.filter(event__in=source, registration__status=CONFIRMED)
        .values("event_id", "day")
        .annotate(n=Count("pk"))
        .order_by("event_id", "day")
    )
    for row in days:
        people[row["event_id"]].by_day[row["day"].isoformat()] = row["n"]
    return people


def _rows(
    events: dict[int, tuple], people: dict[int, EventPeople], scope: Scope
) -> list[dict[str, Any]]:
    """Unsuppressed rows: per programme, year and quarter (quarter None = the whole year),
    for the total and per scope, major field and kind."""
    rows: dict[tuple, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for programme_id, start, state, scope_, kind in events.values():
        quarter = quarter_of(start)
        for key in (
            (programme_id, start.year, quarter, "total", ""),
            (programme_id, start.year, None, "total", ""),
            (programme_id, start.year, None, "scope", scope_),
            (programme_id, start.year, None, "kind", kind),
        ):
            rows[key][state] += 1
    fields = Event.fields.through.objects.filter(event_id__in=public_events(scope).values("pk"))
    majors = {
        (event_id, code)
        for event_id, code in fields.values_list(
            "event_id", Coalesce("fieldofscience__parent__code", "fieldofscience__code")
        )
    }  # a subfield counts for its major field; two subfields of one field count once
    for event_id, code in majors:
        programme_id, start, state, _scope, _kind = events[event_id]
        rows[(programme_id, start.year, None, "field", code)][state] += 1

    countries: dict[tuple, set[str]] = defaultdict(set)
    for event in people.values():
        for key in (
            (event.programme_id, event.year, event.quarter, "total", ""),
            (event.programme_id, event.year, None, "total", ""),
        ):
            for name in METRICS:
                rows[key][name] += getattr(event, name)
            countries[key].update(code for code in event.by_country if code)
    for key, found in countries.items():
        rows[key]["countries"] = len(found)
    return [
        {
            "programme_id": programme_id,
            "year": year,
            "quarter": quarter,
            "dimension": dimension,
            "category": category,
            **{name: values[name] for name in EVENT_COUNTS},
            **(
                {name: values[name] for name in PEOPLE}
                if dimension == "total"
                else dict.fromkeys(PEOPLE)
            ),
        }
        for (programme_id, year, quarter, dimension, category), values in rows.items()
    ]


def _targets(programmes: QuerySet[Programme] | None) -> dict[tuple, int]:
    targets = ProgrammeTarget.objects.select_related("field")
    if programmes is not None:
        targets = targets.filter(programme__in=programmes)
    found = {}
    for target in targets:
        if target.field_id:
            dimension, category = "field", target.field.code
        elif target.scope:
            dimension, category = "scope", target.scope
        else:
            dimension, category = "total", ""
        found[(target.programme_id, target.year, dimension, category, target.metric)] = target.value
    return found


def _publish(
    row: dict[str, Any], codes: dict[int, str], targets: dict[tuple, int], withheld: dict
) -> dict:
    """One row as the public sees it: counts of people withheld as `people` decided (small
    ones, and those that would give a small one away), targets beside the actuals."""
    programme_id, year, quarter = row["programme_id"], row["year"], row["quarter"]
    place: tuple = ("year", programme_id, year)
    if quarter is not None:
        place = ("quarter", programme_id, year, quarter)
    published = {
        "programme": codes.get(programme_id),
        "year": year,
        "quarter": quarter,
        "dimension": row["dimension"],
        "category": row["category"],
        **{name: row[name] for name in EVENT_COUNTS},
        **{name: withheld.get((*place, name), suppress(row[name])) for name in PEOPLE},
    }
    published["international_share"] = share(
        published["international_participants"], published["participants"]
    )
    published["show_up_rate"] = share(published["check_ins"], published["participants"])
    for metric in ProgrammeTarget.Metric.values:
        key = (programme_id, year, row["dimension"], row["category"], metric)
        published[f"target_{metric}"] = targets.get(key) if quarter is None else None
    return published


def statistics(programme: Programme | None = None) -> list[dict[str, Any]]:
    """Every published aggregate row (cached until something changes)."""
    scope: Scope = programme.pk if programme else "all"

    def build() -> list[dict[str, Any]]:
        figures = _figures(scope)
        codes = dict(Programme.objects.values_list("pk", "code"))
        targets = _targets(Programme.objects.filter(pk=programme.pk) if programme else None)
        withheld = figures["withheld"]
        rows = [_publish(row, codes, targets, withheld) for row in figures["rows"]]
        # Targets for a year with nothing held yet still appear, against zero.
        present = {(r["programme"], r["year"], r["dimension"], r["category"]) for r in rows}
        for programme_id, year, dimension, category, _metric in targets:
            key = (codes[programme_id], year, dimension, category)
            if key not in present:
                present.add(key)
                empty = {
                    "programme_id": programme_id,
                    "year": year,
                    "quarter": None,
                    "dimension": dimension,
                    "category": category,
                    **dict.fromkeys(EVENT_COUNTS, 0),
                    **dict.fromkeys(PEOPLE, 0 if dimension == "total" else None),
                }
                rows.append(_publish(empty, codes, targets, withheld))
        order = {name: i for i, name in enumerate(DIMENSIONS)}
        rows.sort(
            key=lambda r: (
                r["programme"] or "",
                r["year"],
                order[r["dimension"]],
                r["category"],
                r["quarter"] or 0,
            )
        )
        return rows

    return cached(f"statistics:{scope}", build)


# --- One event, once it is over -------------------------------------------------------------


def _held_people(event: Event) -> tuple[EventPeople, dict]:
    """The event's people and what to withhold, protected with its programme's figures."""
    scope: Scope = event.programme_id or "none"
    figures = _figures(scope)
    people = figures["people"].get(event.pk)
    if people is None or not people.held:
        figures_changed()  # the event ended since the figures were built: they are stale
        figures = _figures(scope)
        people = figures["people"].get(event.pk)
    if people is None or not people.held:  # not published or not over: on its own
        start = event.start.astimezone(timezone.get_current_timezone())
        about = {event.pk: (event.programme_id, start, "events_held", "", "")}
        alone = _people(about, Event.objects.filter(pk=event.pk))
        people = replace(alone[event.pk], held=True)
        return people, protect_all({event.pk: people}, threshold())
    return people, figures["withheld"]


def _listed(counts, kind: str, pk: int, withheld: dict) -> list[tuple[str, Any]]:
    """Rows of a breakdown: the published ones largest first, then the withheld ones in
    alphabetical order (an order by size would tell the withheld apart)."""
    shown = sorted(
        ((code, n) for code, n in counts.items() if code and (kind, pk, code) not in withheld),
        key=lambda row: (-row[1], row[0]),
    )
    hidden = sorted(
        (code, withheld[(kind, pk, code)])
        for code in counts
        if code and (kind, pk, code) in withheld
    )
    return shown + hidden


def event_report(event: Event) -> dict[str, Any]:
    """Capacity, participants, show-up, countries, participant types, reminder delivery."""
    people, withheld = _held_people(event)
    reminders = Delivery.objects.filter(
        message__event=event, message__kind=Message.Kind.REMINDER
    ).exclude(state=Delivery.State.WITHDRAWN)
    delivery = reminders.aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(state=Delivery.State.SENT))
    )
    published = {
        name: withheld.get(("event", event.pk, name), getattr(people, name))
        for name in (*METRICS, "registrations")
    }
    published["countries"] = suppress(sum(1 for code in people.by_country if code))
    return {
        "capacity": event.capacity,
        **published,
        "show_up_rate": share(published["check_ins"], published["participants"]),
        "international_share": share(
            published["international_participants"], published["participants"]
        ),
        "by_country": _listed(people.by_country, "country", event.pk, withheld),
        "by_participant_type": _listed(people.by_type, "type", event.pk, withheld),
        "reminders_sent": suppress(delivery["sent"]),
        "reminder_delivery_rate": share(suppress(delivery["sent"]), suppress(delivery["total"])),
        "attendance_by_day": [
            (day, withheld.get(("day", event.pk, day), n)) for day, n in people.by_day.items()
        ],
    }
