"""The one module that hands work to Celery. Tasks are sent by name, so nothing here imports
notifications.tasks and the tasks can import every service module without a cycle. A broker
that is down loses nothing: the outbox rows are the truth and the sweep sends them later.
"""

import logging
import os
import threading
import time
from typing import Any

from celery import current_app

from .models import Delivery

State = Delivery.State
log = logging.getLogger(__name__)


BATCH_SIZE = 200


def send_batch(delivery_ids: list[int]) -> None:
    """Queue `notifications.tasks.send_batch` (routed to the bulk workers by its name)."""
    current_app.send_task("notifications.tasks.send_batch", args=(delivery_ids,))


def drain_outbox() -> None:
    """Queue `notifications.tasks.drain_outbox` (the transactional mail workers)."""
    current_app.send_task("notifications.tasks.drain_outbox")


def fan_out(message_id: int, registrations: tuple[int, int] | None = None) -> int:
    """Hand the message's queued deliveries (for these registrations, if given) to the bulk
    workers, a batch per task."""
    queued = Delivery.objects.filter(message_id=message_id, state=State.QUEUED)
    if registrations:
        queued = queued.filter(
            registration_id__gte=registrations[0], registration_id__lte=registrations[1]
        )
    ids = list(queued.order_by("id").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            send_batch(ids[start : start + BATCH_SIZE])
        except Exception:  # the broker is down: the sweep sends them later
            log.warning("Could not reach the broker; the sweep will send message %s.", message_id)
            break
    return len(ids)


# One broker message per burst, not per email, and never on the request's time: under load a
# publish blocked a web worker for milliseconds (the broker shares the machine), more than the
# rest of a registration. A thread of each process publishes the wake-ups, at most one per
# WAKE_INTERVAL: one asked for meanwhile is sent when the interval ends, never dropped (only a
# process that exits first loses it, and the outbox sweep sends that email).
WAKE_INTERVAL = 0.2
_wanted = threading.Event()
_waker: threading.Thread | None = None
_waker_lock = threading.Lock()


def wake_outbox() -> None:
    """Ask a worker to drain the transactional outbox, soon. Returns at once."""
    _wanted.set()
    if _waker is None or not _waker.is_alive():
        _start_waker()


def _start_waker() -> None:
    global _waker
    # Celery's current app is per thread: the waker is handed this thread's.
    app = current_app._get_current_object()
    with _waker_lock:
        if _waker is None or not _waker.is_alive():
            _waker = threading.Thread(
                target=_publish_wake_ups, args=(app, _wanted), name="outbox-waker", daemon=True
            )
            _waker.start()


def _publish_wake_ups(app: Any, wanted: threading.Event) -> None:
    while True:
        wanted.wait()
        wanted.clear()
        try:
            app.send_task("notifications.tasks.drain_outbox")
        except Exception:  # any broker failure: the outbox rows are the source of truth
            log.warning("Could not reach the broker; the outbox sweep will deliver later.")
        time.sleep(WAKE_INTERVAL)


def _forget_waker() -> None:
    """A forked child has none of its parent's threads: its first wake-up starts its own."""
    global _waker, _wanted, _waker_lock
    _waker, _wanted, _waker_lock = None, threading.Event(), threading.Lock()


os.register_at_fork(after_in_child=_forget_waker)
