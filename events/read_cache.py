"""Public reads of events, answered from the shared cache (Redis) while nothing has changed.

Keys are versioned, never deleted: an answer is stored under the validators that describe it
(events.freshness: the latest change and passed moment of the public events, read from
indexes), so a change makes a new key and the old entry simply expires. What no event date
shows — an event deleted, a programme, organisation or field renamed — moves `version()`,
which is part of every key and ETag. Nothing is kept in the process: every web process on
every host sees the same entries.

Seat counts are never cached here: they change with every registration, and the pages read
them fresh with each event row.

Whatever goes wrong with the cache, the answer is built from the database as if nothing was
cached. In front of all this, anonymous readers get whole stored answers (core.response_cache)
while the probes of events.freshness find nothing changed; `version()` is part of their state.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from rest_framework.response import Response

from .agenda_models import Session, Speaker
from .models import Event, FieldOfScience, Organisation, Programme

logger = logging.getLogger(__name__)

VERSION_KEY = "events:reads:version"
T = TypeVar("T")


def timeout() -> int:
    return getattr(settings, "EVENT_READS_CACHE_SECONDS", 600)


def _start() -> int:
    # A version that starts again (the key evicted or flushed) never repeats an earlier one.
    return time.time_ns()


def version() -> int:
    """Moves with every change the event dates do not show."""
    try:
        return cache.get_or_set(VERSION_KEY, _start, None)
    except Exception:
        logger.warning("event reads cache unavailable", exc_info=True)
        return 0


def changed() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, _start(), None)
    except Exception:  # the cache is down: entries expire by their timeout instead
        logger.warning("could not mark the event reads stale", exc_info=True)


def changed_on_commit() -> None:
    """Now, and again once the change is committed: a reader between the two may have stored
    what it read before the commit under the first new version; the second leaves it behind."""
    changed()
    transaction.on_commit(changed)


def cached(key: str, build: Callable[[], T]) -> T:
    """The value stored under `key` (which must say what it depends on), or built and stored."""
    key = f"events:reads:{key}"
    try:
        value = cache.get(key)
    except Exception:
        logger.warning("event reads cache unavailable", exc_info=True)
        return build()
    if value is None:
        value = build()
        try:
            if value is not None:
                cache.set(key, value, timeout())
        except Exception:
            logger.warning("event reads cache unavailable", exc_info=True)
    return value


def answer(key: str | None, build: Callable[[], Response]) -> Response:
    """An API answer: its data stored under `key` (an ETag) once built with 200, rendered anew
    for every request (so content negotiation and headers stay the view's)."""
    if key is None:
        return build()
    found: list[Response] = []

    def data() -> Any:
        response = build()
        found.append(response)
        return response.data if response.status_code == 200 else None

    stored = cached(f"answer:{key}", data)
    if found:
        return found[0]
    return Response(stored)


def page_of(events: QuerySet, size: int, number: Any, *, key: str) -> Page:
    """One page of `events` as Django's Paginator gives it, without counting or ordering all
    of them while nothing changed: the count and the page's ids are stored under `key` (which
    must name the events shown), the rows themselves are read fresh by id."""
    paginator = Paginator(events, size)

    def build() -> dict[str, Any]:
        page = paginator.get_page(number)
        return {"count": paginator.count, "number": page.number, "ids": [e.pk for e in page]}

    found = cached(f"page:{key}:{number}", build)
    paginator.count = found["count"]  # a cached_property: set, it is never counted again
    page = paginator.page(found["number"])
    by_id = events.filter(pk__in=found["ids"]).order_by().in_bulk()
    page.object_list = [by_id[pk] for pk in found["ids"] if pk in by_id]
    return page


# --- Changes ---------------------------------------------------------------------------------
# What no event date shows (an event deleted, a programme, organisation or field renamed), and
# every save of what a public read shows: an event's own save also moves its `updated_at`, but
# a list's latest `updated_at` does not move when a transaction that began earlier commits after
# a later one; a speaker saved outside the agenda's services touches no event.


@receiver(post_save, sender=Event, dispatch_uid="events.read_cache.event_saved")
@receiver(post_delete, sender=Event, dispatch_uid="events.read_cache.event_deleted")
@receiver(post_save, sender=Session, dispatch_uid="events.read_cache.session_saved")
@receiver(post_delete, sender=Session, dispatch_uid="events.read_cache.session_deleted")
@receiver(post_save, sender=Speaker, dispatch_uid="events.read_cache.speaker_saved")
@receiver(post_delete, sender=Speaker, dispatch_uid="events.read_cache.speaker_deleted")
@receiver(post_save, sender=Programme, dispatch_uid="events.read_cache.programme_saved")
@receiver(post_delete, sender=Programme, dispatch_uid="events.read_cache.programme_deleted")
@receiver(post_save, sender=Organisation, dispatch_uid="events.read_cache.organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="events.read_cache.organisation_deleted")
@receiver(post_save, sender=FieldOfScience, dispatch_uid="events.read_cache.field_saved")
@receiver(post_delete, sender=FieldOfScience, dispatch_uid="events.read_cache.field_deleted")
@receiver(m2m_changed, sender=Event.fields.through, dispatch_uid="events.read_cache.fields")
@receiver(m2m_changed, sender=Event.partners.through, dispatch_uid="events.read_cache.partners")
@receiver(m2m_changed, sender=Session.speakers.through, dispatch_uid="events.read_cache.talks")
def _catalogue_changed(sender, **kwargs) -> None:
    changed_on_commit()
