"""Which copy of an event a process may keep: the one tagged with the current version.

Registration reads its event on every request, and reading it from the database cost more
than the rest of the request; so each process keeps the events it served. With web processes
on several machines a time-limited copy could outlive a change made through another machine,
so copies are tagged with a version that lives in the shared cache (Redis): any change to an
event (saved, deleted, its questions changed) bumps it once the change commits, and every
process on every machine loads the event again on its next request. One cache read per
registration instead of a database query; with the cache down, nothing is kept.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from events.models import Event

log = logging.getLogger(__name__)
VERSION_KEY = "registration:events-version"


def current_version() -> int | None:
    """The version copies must carry to be used; None when the shared cache is unreachable."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # A fresh start never repeats a version a lost key once had: copies tagged with
            # that old version must not come back to life.
            cache.add(VERSION_KEY, time.time_ns(), None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # the cache is down: every request reads the database
        log.warning("The shared cache is unreachable: events are read for every registration.")
        return None


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or evicted): start afresh
        cache.add(VERSION_KEY, time.time_ns(), None)
    except Exception:  # nobody can check a version either while the cache is down
        log.warning("The shared cache is unreachable: could not announce an event change.")


def events_changed() -> None:
    """Every process drops its copies, after the caller's transaction commits (so none loads
    the old row again and keeps it under the new version)."""
    transaction.on_commit(_bump)


@receiver(post_save, sender=Event, dispatch_uid="registration.event_cache.saved")
@receiver(post_delete, sender=Event, dispatch_uid="registration.event_cache.deleted")
def on_event_changed(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        events_changed()
