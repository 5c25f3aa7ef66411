"""Validators (ETag, Last-Modified) for event reads and iCalendar feeds, from aggregate
queries over the events the answer could show, without building it.

What an anonymous reader sees of an event changes when the event is saved (its `updated_at`,
which the agenda's changes touch too) and when a moment passes that flips a derived field
(`phase`, `registration_open`): its start, end, registration opening or closing. A list or
feed also changes when events join or leave it, through such a change or a time filter: so
its dates are taken over every event the reader may see (unfiltered), and its ETag adds how
many events the filtered answer holds. Only drafts can be deleted, and readers of public
answers never see drafts. Signed-in callers also see their own role and private fields,
whose changes are not dated: their reads get an ETag from the answer itself (EventViewSet).
"""

from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer

from core.conditional import Validators, etag_of

from . import access

MOMENTS = ("start", "end", "registration_opens", "registration_closes")


def _dates(events: QuerySet, counted: QuerySet | None = None) -> tuple[int, list[datetime | None]]:
    """How many events (of `counted`, a part of `events`, if given), and the dates of every
    change of `events` up to now: one query."""
    now = timezone.now()
    within = Q(pk__in=counted.order_by().values("pk")) if counted is not None else Q()
    figures = events.order_by().aggregate(
        count=Count("pk", filter=within),
        updated=Max("updated_at"),
        **{name: Max(name, filter=Q(**{f"{name}__lte": now})) for name in MOMENTS},
    )
    return figures["count"], [figures["updated"], *(figures[name] for name in MOMENTS)]


def _validators(request, count: int, dates: list[datetime | None]) -> Validators:
    etag = etag_of(
        request.get_full_path(),
        get_language(),
        getattr(request, "accepted_media_type", ""),
        count,
        *(date.isoformat() if date else "" for date in dates),
    )
    return etag, max((date for date in dates if date), default=None)


def of_event(request, events: QuerySet) -> Validators | None:
    """One event (`events` holds it, or nothing: then the view answers 404)."""
    count, dates = _dates(events)
    return _validators(request, count, dates) if count else None


def of_list(request, seen: QuerySet, shown: QuerySet) -> Validators:
    """A list or feed showing `shown`, a filtered part of the events `seen` by the reader."""
    count, dates = _dates(seen, counted=shown)
    return _validators(request, count, dates)


def event_reads(view, request, **kwargs) -> Validators | None:
    """The event list and an event's page in JSON, for anonymous readers."""
    if request.user.is_authenticated or not isinstance(request.accepted_renderer, JSONRenderer):
        return None
    shown = view.filter_queryset(view.get_queryset())
    if view.lookup_field in kwargs:
        return of_event(request, shown.filter(**{view.lookup_field: kwargs[view.lookup_field]}))
    # Cancelled events leave the default list but stay visible: their change is counted.
    return of_list(request, access.visible_events(request.user), shown)


def calendar_feed(view, request, **kwargs) -> Validators | None:
    """The feed of events, or one event's calendar: the same for every reader who sees it."""
    seen = view.get_queryset()
    shown = view.filter_queryset(seen)
    if "slug" in kwargs:
        return of_event(request, shown.filter(slug=kwargs["slug"]))
    return of_list(request, seen, shown)
