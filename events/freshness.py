"""Validators (ETag, Last-Modified) for event reads and iCalendar feeds, from aggregate
queries over the events the answer could show, without building it.

What an anonymous reader sees of an event changes when the event is saved (its `updated_at`,
which the agenda's changes touch too) and when a moment passes that flips a derived field
(`phase`, `registration_open`): its start, end, registration opening or closing. A list or
feed also changes when events join or leave it, through such a change: so its dates are
the latest of every public event (unfiltered), each read from an index on (status, date)
without counting anything, whatever the number of events. Filters on dates are fixed ranges,
so an event enters or leaves them only by a change of its own. What no date shows — an event
deleted, an organisation or programme renamed — moves `read_cache.version()`, which is part
of every public ETag. Signed-in callers also see their own role and private fields, whose
changes are not dated: their reads get an ETag from the answer itself (EventViewSet).
"""

from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from core.conditional import Validators, etag_of

from . import access, read_cache

MOMENTS = ("start", "end", "registration_opens", "registration_closes")


def _dates(events: QuerySet) -> tuple[int, list[datetime | None]]:
    """How many events, and the dates of every change of `events` up to now: one query."""
    now = timezone.now()
    figures = events.order_by().aggregate(
        count=Count("pk"),
        updated=Max("updated_at"),
        **{name: Max(name, filter=Q(**{f"{name}__lte": now})) for name in MOMENTS},
    )
    return figures["count"], [figures["updated"], *(figures[name] for name in MOMENTS)]


def _latest(column: str, status: int) -> str:
    """The latest `column` of one status (the status's parameter number): an index probe."""
    up_to_now = "" if column == "updated_at" else f' AND "{column}" <= %(now)s'
    # Only the constant column names above are written into the SQL; values are parameters.
    return f'(SELECT max("{column}") FROM events_event WHERE status = %(s{status})s{up_to_now})'  # noqa: S608


PUBLIC_DATES = "SELECT " + ", ".join(
    "GREATEST(" + ", ".join(_latest(column, n) for n in range(len(access.PUBLIC_STATUSES))) + ")"
    for column in ("updated_at", *MOMENTS)
)


# The public statuses as the named parameters the SQL below refers to (%(s0)s, %(s1)s, …).
STATUS_PARAMS = {f"s{n}": status for n, status in enumerate(access.PUBLIC_STATUSES)}


def public_dates() -> list[datetime | None]:
    """The latest change of any public event, and the latest of each moment that has passed:
    one query of index probes, (status, date) for each public status."""
    if connection.vendor != "postgresql":  # the embedded SQLite of `make run`: no GREATEST
        from .models import Event

        return _dates(Event.objects.filter(status__in=access.PUBLIC_STATUSES))[1]
    return public_dates_and()[0]


def public_dates_and(also: str = "", params: dict[str, Any] | None = None) -> tuple[list, Any]:
    """`public_dates()`, and the value of the scalar subquery `also` (SQL of the caller's,
    with its `params`) read in the same query: a page's state in one round trip."""
    sql = PUBLIC_DATES + (f", {also}" if also else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, {**STATUS_PARAMS, **(params or {}), "now": timezone.now()})
        row = list(cursor.fetchone())
    return (row[:-1], row[-1]) if also else (row, None)


def public_event_row(slug: str, *, also: str = "", join: str = "") -> tuple | None:
    """One public event's change date and the moments that have passed (None for the others),
    then the `also` columns (SQL of the caller's, over `join`), by the slug's unique index:
    None if there is no such event. Plain SQL: it runs on every stored read."""
    statuses = ", ".join(f"%({name})s" for name in STATUS_PARAMS)
    columns = ", ".join(f'e."{column}"' for column in ("updated_at", *MOMENTS))
    # Only constant column names and the caller's constant SQL are written in; values are
    # parameters.
    sql = (
        f"SELECT {columns}{also} FROM events_event e {join} "  # noqa: S608
        f"WHERE e.slug = %(slug)s AND e.status IN ({statuses})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {**STATUS_PARAMS, "slug": slug})
        row = cursor.fetchone()
    if row is None:
        return None
    now = timezone.now()
    updated, *moments = (_aware(value) for value in row[: len(MOMENTS) + 1])
    passed = [m if m and m <= now else None for m in moments]
    return (updated, *passed, *row[len(MOMENTS) + 1 :])


def _aware(value: datetime | str | None) -> datetime | None:
    """A date read by plain SQL: SQLite (the embedded default of `make run`) gives it naive,
    in UTC, or as text; PostgreSQL aware."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _validators(request, count: int, dates: list[datetime | None]) -> Validators:
    etag = etag_of(
        request.get_full_path(),
        get_language(),
        getattr(request, "accepted_media_type", ""),
        count,
        read_cache.version(),
        *(date.isoformat() if date else "" for date in dates),
    )
    return etag, max((date for date in dates if date), default=None)


def of_event(request, events: QuerySet) -> Validators | None:
    """One event (`events` holds it, or nothing: then the view answers 404)."""
    count, dates = _dates(events)
    return _validators(request, count, dates) if count else None


def of_public_event(request, slug: str) -> Validators | None:
    """One public event by its address (None if there is none: the view answers 404), read
    by the slug's unique index; which moments have passed is worked out here."""
    row = public_event_row(slug)
    return None if row is None else _validators(request, 1, list(row))


def of_public_list(request) -> Validators:
    """A list or feed of public events, filtered by the request's address."""
    return _validators(request, 0, public_dates())


def public_state() -> str:
    """What every public list shows depends on: one query, and the cache's version."""
    return etag_of(read_cache.version(), *(d.isoformat() if d else "" for d in public_dates()))


def public_key(request, name: str, state: str) -> str:
    """A key naming what page `name` shows of the public events (in `state`) at `request`'s
    address, in the current language."""
    return etag_of(name, request.get_full_path(), get_language(), state)


def event_reads(view, request, **kwargs) -> Validators | None:
    """The event list and an event's page in JSON, for anonymous readers."""
    if request.user.is_authenticated or not isinstance(request.accepted_renderer, JSONRenderer):
        return None
    if view.lookup_field in kwargs:
        found = of_public_event(request, kwargs[view.lookup_field])
    else:
        # Cancelled events leave the default list but stay visible: their change is dated.
        found = of_public_list(request)
    # The answer is stored under its ETag (read_cache.answer): what describes it, names it.
    view.read_key = found[0] if found else None
    return found


# --- The state of whole stored answers (core.response_cache) ------------------------------------


def public_list_probe(request, kwargs: dict[str, Any], shown: Any) -> list[Any]:
    """An API list's stored answer is current while the public events' dates are."""
    return public_dates()


def public_event_probe(request, kwargs: dict[str, Any], shown: Any) -> list[Any] | None:
    """An API event's stored answer is current while its own dates are."""
    row = public_event_row(kwargs["slug"])
    return None if row is None else list(row)


def calendar_feed(view, request, **kwargs) -> Validators | None:
    """The feed of events, or one event's calendar: the same for every reader who sees it."""
    if "slug" in kwargs:
        shown = view.filter_queryset(view.get_queryset())
        return of_event(request, shown.filter(slug=kwargs["slug"]))
    return of_public_list(request)
