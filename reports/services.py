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
  counted as neither); countries: distinct countries of participants.
"""

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from events.models import Event, Programme, ProgrammeTarget
from notifications.models import Delivery, Message
from registration.models import CheckIn, Registration

logger = logging.getLogger(__name__)

Status = Event.Status
CONFIRMED = Registration.Status.CONFIRMED
PEOPLE = ("participants", "check_ins", "international_participants", "countries")
EVENT_COUNTS = ("events_planned", "events_held", "events_cancelled")
DIMENSIONS = ("total", "scope", "field", "kind")
VERSION_KEY = "reports:version"
T = TypeVar("T")


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


def _cached(name: str, build):
    try:
        version = cache.get_or_set(VERSION_KEY, 1, None)
        key = f"reports:{name}:{version}"
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
    return _cached(f"file:{name}", build)


# --- Aggregates -----------------------------------------------------------------------------


def _people_counts() -> dict[str, Count]:
    home = settings.HOME_COUNTRY
    return {
        "participants": Count("pk"),
        "check_ins": Count("pk", filter=Q(checked_in_at__isnull=False)),
        "international_participants": Count("pk", filter=~Q(country__in=["", home])),
        "countries": Count("country", filter=~Q(country=""), distinct=True),
    }


def _events(programmes: QuerySet[Programme] | None) -> QuerySet[Event]:
    events = Event.objects.filter(status__in=(Status.PUBLISHED, Status.CANCELLED))
    if programmes is not None:
        events = events.filter(programme__in=programmes)
    return events


def _state(status: str, end, now) -> str:
    if status == Status.CANCELLED:
        return "events_cancelled"
    return "events_planned" if end > now else "events_held"


def _rows(programmes: QuerySet[Programme] | None) -> list[dict[str, Any]]:
    """Unsuppressed rows: per programme, year and quarter (quarter None = the whole year),
    for the total and per scope, major field and kind.

    Three queries, whatever the number of events: the events themselves, their fields, and
    confirmed registrations counted per event and country (the only pass over the big
    table, through its (event, status) index); the rest is added up here.
    """
    now = timezone.now()
    local = timezone.get_current_timezone()
    events = {
        pk: (programme_id, start.astimezone(local), _state(status, end, now), scope, kind)
        for pk, programme_id, start, end, status, scope, kind in _events(programmes).values_list(
            "pk", "programme_id", "start", "end", "status", "scope", "kind"
        )
    }
    rows: dict[tuple, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for programme_id, start, state, scope, kind in events.values():
        quarter = (start.month - 1) // 3 + 1
        for key in (
            (programme_id, start.year, quarter, "total", ""),
            (programme_id, start.year, None, "total", ""),
            (programme_id, start.year, None, "scope", scope),
            (programme_id, start.year, None, "kind", kind),
        ):
            rows[key][state] += 1
    fields = Event.fields.through.objects.filter(event_id__in=_events(programmes).values("pk"))
    majors = {
        (event_id, code)
        for event_id, code in fields.values_list(
            "event_id", Coalesce("fieldofscience__parent__code", "fieldofscience__code")
        )
    }  # a subfield counts for its major field; two subfields of one field count once
    for event_id, code in majors:
        programme_id, start, state, _scope, _kind = events[event_id]
        rows[(programme_id, start.year, None, "field", code)][state] += 1

    home = settings.HOME_COUNTRY
    countries: dict[tuple, set[str]] = defaultdict(set)
    people = (
        Registration.objects.filter(status=CONFIRMED, event__in=_events(programmes))
        .values("event_id", "country")
        .annotate(n=Count("pk"), checked_in=Count("checked_in_at"))
        .order_by()
    )
    for row in people:
        programme_id, start, state, _scope, _kind = events[row["event_id"]]
        if state == "events_cancelled":
            continue
        quarter = (start.month - 1) // 3 + 1
        for key in (
            (programme_id, start.year, quarter, "total", ""),
            (programme_id, start.year, None, "total", ""),
        ):
            rows[key]["participants"] += row["n"]
            rows[key]["check_ins"] += row["checked_in"]
            if row["country"] not in ("", home):
                rows[key]["international_participants"] += row["n"]
            if row["country"]:
                countries[key].add(row["country"])
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


def _publish(row: dict[str, Any], codes: dict[int, str], targets: dict[tuple, int]) -> dict:
    """One row as the public sees it: small counts suppressed, targets beside the actuals."""
    published = {
        "programme": codes.get(row["programme_id"]),
        "year": row["year"],
        "quarter": row["quarter"],
        "dimension": row["dimension"],
        "category": row["category"],
        **{name: row[name] for name in EVENT_COUNTS},
        **{name: suppress(row[name]) for name in PEOPLE},
    }
    published["international_share"] = share(
        published["international_participants"], published["participants"]
    )
    published["show_up_rate"] = share(published["check_ins"], published["participants"])
    yearly = row["quarter"] is None
    for metric in ProgrammeTarget.Metric.values:
        key = (row["programme_id"], row["year"], row["dimension"], row["category"], metric)
        published[f"target_{metric}"] = targets.get(key) if yearly else None
    return published


def statistics(programme: Programme | None = None) -> list[dict[str, Any]]:
    """Every published aggregate row (cached until something changes)."""

    def build() -> list[dict[str, Any]]:
        programmes = Programme.objects.filter(pk=programme.pk) if programme else None
        codes = dict(Programme.objects.values_list("pk", "code"))
        targets = _targets(programmes)
        rows = [_publish(row, codes, targets) for row in _rows(programmes)]
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
                rows.append(_publish(empty, codes, targets))
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

    return _cached(f"statistics:{programme.pk if programme else 'all'}", build)


# --- One event, once it is over -------------------------------------------------------------


def event_report(event: Event) -> dict[str, Any]:
    """Capacity, participants, show-up, countries, participant types, reminder delivery."""
    people = Registration.objects.filter(event=event, status=CONFIRMED)
    totals = people.aggregate(**_people_counts())
    registrations = Registration.objects.filter(event=event).count()
    by_country = people.exclude(country="").values("country").annotate(n=Count("pk"))
    by_type = people.values("participant_type").annotate(n=Count("pk"))
    reminders = Delivery.objects.filter(
        message__event=event, message__kind=Message.Kind.REMINDER
    ).exclude(state=Delivery.State.WITHDRAWN)
    delivery = reminders.aggregate(
        total=Count("pk"), sent=Count("pk", filter=Q(state=Delivery.State.SENT))
    )
    published = {name: suppress(totals[name]) for name in PEOPLE}
    return {
        "capacity": event.capacity,
        "registrations": suppress(registrations),
        **published,
        "show_up_rate": share(published["check_ins"], published["participants"]),
        "international_share": share(
            published["international_participants"], published["participants"]
        ),
        "by_country": [
            (row["country"], suppress(row["n"])) for row in by_country.order_by("-n", "country")
        ],
        "by_participant_type": [(row["participant_type"], suppress(row["n"])) for row in by_type],
        "reminders_sent": suppress(delivery["sent"]),
        "reminder_delivery_rate": share(suppress(delivery["sent"]), suppress(delivery["total"])),
        "attendance_by_day": [
            (day.isoformat(), suppress(n))
            for day, n in _attendance_by_day([event]).get(event.pk, [])
        ],
    }


def _attendance_by_day(events) -> dict[int, list[tuple[Any, int]]]:
    """Confirmed people checked in on each day of each event (a multi-day event counts every
    day): unsuppressed, in day order."""
    rows = (
        CheckIn.objects.filter(event__in=events, registration__status=CONFIRMED)
        .values("event_id", "day")
        .annotate(n=Count("registration", distinct=True))
        .order_by("event_id", "day")
    )
    days: dict[int, list[tuple[Any, int]]] = defaultdict(list)
    for row in rows:
        days[row["event_id"]].append((row["day"], row["n"]))
    return days


# --- Open data: events ----------------------------------------------------------------------

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
            _events(None)
            .select_related("programme", "host")
            .prefetch_related("fields")
            .order_by("start", "pk")
        )
        attendance = _attendance_by_day(events)
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
                # People checked in per day (JSON only), small counts suppressed.
                "attendance_by_day": {
                    day.isoformat(): suppress(n) for day, n in attendance.get(event.pk, [])
                },
            }
            for event in events
        ]

    return _cached("events", build)
