"""Sending: claim a batch with a conditional UPDATE before handing the emails to the SMTP
server, mark each sent right after the server accepted it.

A worker killed meanwhile leaves its batch in `sending`, with at most the one email it had on
the wire already delivered, per sending thread; the batch is taken back once its lease, renewed
while a live worker sends (leases.py), runs out, and sent again, so only emails on the wire at
the instant of the kill can arrive twice.
"""

import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event
from events.services import record

from . import bulk, enqueue, leases, marks, retry
from .enqueue import BATCH_SIZE
from .models import ERASED_ADDRESS, Delivery, Message
from .outbox import forget_deliveries, is_forgotten
from .rendering import ABSTRACT_KINDS, render

Kind = Delivery.Kind
State = Delivery.State
log = logging.getLogger(__name__)


# --- Sending --------------------------------------------------------------------------------


# A whole batch is claimed in one go: the lease is renewed while it is sent (leases.py), and
# each email is still marked sent the moment the server accepts it.
CLAIM_CHUNK = BATCH_SIZE


@transaction.atomic
def _claim(delivery_ids: list[int]) -> list[Delivery]:
    """Take deliveries for sending: queued and due, or left `sending` by a dead worker.

    A whole batch in one go, under a lease renewed while it is sent; each is still marked
    sent the moment the server accepts it, so a killed worker leaves at most the one on the
    wire in doubt.
    """
    now = timezone.now()
    due = Q(state=State.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(state=State.SENDING, claimed_at__lt=now - retry.lease())
    claimed = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(due | abandoned, pk__in=delivery_ids)
        .values_list("pk", "message_id")
    )
    Delivery.objects.filter(pk__in=[pk for pk, _message in claimed]).update(
        state=State.SENDING, claimed_at=Now(), attempts=F("attempts") + 1
    )
    # The message and the event are the same for nearly every row of a batch: loaded once
    # (bulk.with_shared), not joined into each row; of a message's rows only what is read.
    return bulk.load(claimed)


def _sent(delivery: Delivery, subject: str) -> None:
    """Recorded the moment the server accepted it, committed before this thread sends the next
    (marks.py: a worker's threads write theirs together)."""
    marks.mark_sent(delivery.pk, subject)
    if delivery.kind == Kind.ERASED:
        # The last email to someone who erased their data: its address goes once it is sent.
        forget_deliveries(Delivery.objects.filter(pk=delivery.pk))


def _failed(delivery: Delivery, error: Exception) -> str:
    attempts = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    when = None if retry.is_permanent(error) else retry.next_attempt(attempts)
    state = State.FAILED if when is None else State.QUEUED
    row = Delivery.objects.filter(pk=delivery.pk)
    row.update(state=state, next_attempt_at=when)
    # An SMTP error often quotes the address: not kept for a forgotten recipient.
    row.exclude(to_email=ERASED_ADDRESS).update(last_error=retry.describe(error)[:2000])
    if state == State.FAILED and delivery.kind == Kind.ERASED:
        forget_deliveries(row)  # never sent again (see resend): the address can go
    return state


def send_deliveries(delivery_ids: Iterable[int], rate: float | None = None) -> dict[str, int]:
    """Send these deliveries over one SMTP connection, each claimed just before it goes.

    Returns counts by outcome. Stops at the first connection-level failure: what is left
    stays queued for the next attempt.
    """
    rate = settings.EMAIL_RATE_PER_SECOND if rate is None else rate
    outcome = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    delivery_ids = list(delivery_ids)
    connection = get_connection(bulk.backend(settings.EMAIL_BACKEND))
    try:
        for start in range(0, len(delivery_ids), CLAIM_CHUNK):
            chunk = delivery_ids[start : start + CLAIM_CHUNK]
            claimed = _claim(chunk)
            outcome["skipped"] += len(chunk) - len(claimed)
            # The claims stay alive while this process sends them (leases.py).
            with leases.held([delivery.pk for delivery in claimed]):
                if not _send_claimed(claimed, connection, rate, outcome):
                    break
    finally:
        connection.close()
    return outcome


def _send_claimed(claimed: list[Delivery], connection, rate: float, outcome: dict) -> bool:
    """Send claimed deliveries one by one; False when the server is in trouble."""
    for position, delivery in enumerate(claimed):
        delivery_id = delivery.pk
        if not _still_wanted(delivery):
            Delivery.objects.filter(pk=delivery_id).update(state=State.WITHDRAWN)
            outcome["skipped"] += 1
            continue
        started = time.monotonic()
        try:
            email = render(delivery)
            connection.open()  # once per batch: it stays open until send_deliveries closes it
            connection.send_messages([email])
        except Exception as error:  # every failure is recorded on its delivery
            state = _failed(delivery, error)
            outcome["failed" if state == State.FAILED else "retry"] += 1
            if retry.is_permanent(error):
                continue
            if retry.is_transient(error):
                # The server or the network is in trouble: the rest of the chunk goes
                # back to the queue untouched, for the next attempt.
                untried = [d.pk for d in claimed[position + 1 :]]
                Delivery.objects.filter(pk__in=untried).update(
                    state=State.QUEUED, attempts=F("attempts") - 1
                )
                return False
            log.exception("Could not render or send delivery %s", delivery_id)
            continue
        _sent(delivery, email.subject)
        outcome["sent"] += 1
        if rate:
            time.sleep(max(0.0, 1 / rate - (time.monotonic() - started)))
    return True


def _still_wanted(delivery: Delivery) -> bool:
    """Reminders and notices are not sent to people who left, or about cancelled events."""
    if delivery.kind in (Kind.RETENTION_WARNING, Kind.TEAM_INVITATION, *ABSTRACT_KINDS):
        return delivery.event_id is not None
    if delivery.kind != Kind.MESSAGE:
        registration = delivery.registration
        if registration is None:
            return False
        # After erasure, only the email saying so goes out.
        return registration.erased_at is None or delivery.kind == Kind.ERASED
    message, registration = delivery.message, delivery.registration
    if registration is None or registration.erased_at:
        return False
    if message.kind == Message.Kind.REMINDER:
        return registration.event.status == Event.Status.PUBLISHED and registration.is_active
    return True


def drain(batch_size: int = BATCH_SIZE) -> int:
    """Send every due transactional email, oldest first. Returns how many were sent."""
    sent = 0
    while True:
        now = timezone.now()
        batch = list(
            Delivery.objects.filter(state=State.QUEUED, message__isnull=True)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .order_by("id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return sent
        outcome = send_deliveries(batch)
        sent += outcome["sent"]
        if outcome["retry"] or not outcome["sent"]:
            return sent


@transaction.atomic
def resend(delivery: Delivery, *, actor=None) -> Delivery:
    """An organiser asks again for a failed or bounced delivery."""
    delivery = (
        Delivery.objects.select_for_update(of=("self",), no_key=True)
        .select_related("registration")
        .get(pk=delivery.pk)
    )
    if is_forgotten(delivery):
        raise Conflict(
            _("This person's personal data has been erased: nothing can be sent to them again."),
            "recipient_erased",
        )
    requeued = Delivery.objects.filter(
        pk=delivery.pk, state__in=[State.FAILED, State.BOUNCED]
    ).update(state=State.QUEUED, next_attempt_at=None, attempts=0)
    if not requeued:
        raise Conflict(_("Only failed deliveries can be sent again."), "not_failed")
    if actor is not None:
        record(delivery.event, actor, "delivery.resent", delivery=delivery.pk)
    delivery.refresh_from_db()
    transaction.on_commit(
        lambda: (
            enqueue.fan_out(delivery.message_id) if delivery.message_id else enqueue.wake_outbox()
        )
    )
    return delivery


@transaction.atomic
def mark_bounced(delivery: Delivery, reason: str) -> Delivery:
    """A sent email came back (the provider's bounce report): record it, with its reason."""
    if Delivery.objects.filter(pk=delivery.pk, state=State.SENT).update(state=State.BOUNCED):
        # A bounce report quotes the address: not kept for a forgotten recipient.
        Delivery.objects.filter(pk=delivery.pk).exclude(to_email=ERASED_ADDRESS).update(
            last_error=reason[:2000]
        )
    delivery.refresh_from_db()
    return delivery
