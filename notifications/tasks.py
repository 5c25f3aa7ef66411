"""Celery tasks: each loads what it needs, calls one service and returns its outcome.

Retries are not Celery's: a failed delivery gets its next attempt time from
notifications.retry, and the periodic sweep hands it back to a worker when that time comes.
"""

from celery import shared_task

from . import reminders, sending
from . import sweep as notifications_sweep


@shared_task
def deliver_email(delivery_id: int) -> dict[str, int]:
    return sending.send_deliveries([delivery_id])


@shared_task
def drain_outbox() -> int:
    return sending.drain()


@shared_task
def send_batch(delivery_ids: list[int]) -> dict[str, int]:
    return sending.send_deliveries(delivery_ids)


@shared_task
def fire_due_reminders() -> dict[str, int]:
    return reminders.fire_due_reminders()


@shared_task
def sweep_outbox() -> dict[str, int]:
    return notifications_sweep.sweep()
