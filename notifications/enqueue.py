"""The one module that hands work to Celery. Tasks are sent by name, so nothing here imports
notifications.tasks and the tasks can import every service module without a cycle. A broker
that is down loses nothing: the outbox rows are the truth and the sweep sends them later.
"""

import logging
import time

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


# One broker message per burst, not per email: under load, publishing to the broker would cost
# more than the registration itself. What a wake-up misses, the next one or the sweep takes.
WAKE_INTERVAL = 0.2
_last_wake = 0.0


def wake_outbox() -> None:
    """Ask a worker to drain the transactional outbox, at most once per WAKE_INTERVAL."""
    global _last_wake
    now = time.monotonic()
    if now - _last_wake < WAKE_INTERVAL:
        return
    _last_wake = now
    try:
        drain_outbox()
    except Exception:  # any broker failure: the outbox rows are the source of truth
        log.warning("Could not reach the broker; the outbox sweep will deliver later.")
