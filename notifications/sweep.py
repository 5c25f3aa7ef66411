"""The periodic sweep: lost-link requests, abandoned deliveries, missed wake-ups, half-written
audiences."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from registration.links import answer_link_requests

from . import enqueue, leases
from .enqueue import BATCH_SIZE
from .models import Delivery, Message
from .reminders import complete_audience

State = Delivery.State


FIVE_S = timedelta(seconds=5)


def sweep() -> dict[str, int]:
    """Every few seconds: take back abandoned deliveries and wake the senders for due ones."""
    # "I lost my link" requests wait here, so the request itself never touches the broker.
    links = answer_link_requests()
    now = timezone.now()
    # What a dead worker held goes straight back to the workers, not after it has aged.
    reclaimed_bulk, reclaimed_transactional = leases.reclaim_expired()
    for start in range(0, len(reclaimed_bulk), BATCH_SIZE):
        enqueue.send_batch(reclaimed_bulk[start : start + BATCH_SIZE])
    if reclaimed_transactional:
        enqueue.drain_outbox()
    waited = timedelta(seconds=settings.EMAIL_SWEEP_AFTER_SECONDS)
    due = Delivery.objects.filter(state=State.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    # Young transactional rows are the wake-up's; old ones were missed by it.
    transactional = due.filter(message__isnull=True, created_at__lt=now - min(waited, FIVE_S))
    if transactional.exists():
        enqueue.drain_outbox()
    due_bulk = list(
        due.filter(message__isnull=False, created_at__lt=now - waited)
        .order_by("id")
        .values_list("pk", flat=True)[:10000]
    )
    for start in range(0, len(due_bulk), BATCH_SIZE):
        enqueue.send_batch(due_bulk[start : start + BATCH_SIZE])
    unfinished = Message.objects.filter(
        audience_complete=False, created_at__lt=now - leases.AUDIENCE_RESUME_AFTER
    ).select_related("rule__event")
    for message in unfinished:  # the scan that fired it died half-way through writing
        complete_audience(message)
    return {
        "reclaimed": len(reclaimed_bulk) + len(reclaimed_transactional),
        "bulk": len(due_bulk),
        "resumed": len(unfinished),
        "link_requests": links,
    }
