"""Writing emails to the outbox and delivering them."""

import logging
import smtplib
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registration.models import Registration

from .models import OutboundEmail

log = logging.getLogger(__name__)
Kind = OutboundEmail.Kind


def queue_email(
    registration: Registration, kind: str, context: dict[str, Any] | None = None
) -> OutboundEmail:
    """Write the email in the caller's transaction; hand it to Celery once that commits."""
    email = OutboundEmail.objects.create(
        kind=kind,
        event_id=registration.event_id,
        registration=registration,
        to_email=registration.email,
        language=registration.language,
        context=context or {},
    )
    transaction.on_commit(wake_outbox)
    return email


# One broker message per burst, not per email: under load, publishing to the broker would
# cost more than the registration itself. Rows left behind are taken by the next wake-up
# or by the periodic sweep.
WAKE_INTERVAL = 0.2
_last_wake = 0.0


def wake_outbox() -> None:
    """Ask a worker to drain the outbox, at most once per WAKE_INTERVAL per process."""
    global _last_wake
    now = time.monotonic()
    if now - _last_wake < WAKE_INTERVAL:
        return
    _last_wake = now
    from .tasks import drain_outbox

    try:
        drain_outbox.delay()
    except Exception:  # any broker failure: the outbox rows are the source of truth
        log.warning("Could not reach the broker; the outbox sweep will deliver later.")


def dispatch(email_id: int) -> None:
    """Ask a worker to send this one email now (re-sends, the sweep)."""
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        log.warning("Could not hand email %s to the broker; the sweep will retry.", email_id)


SUBJECTS = {
    Kind.CONFIRMED: lambda: _("Your registration for %(event)s is confirmed"),
    Kind.WAITLISTED: lambda: _("You are on the waiting list for %(event)s"),
    Kind.PROMOTED: lambda: _("A seat is yours: %(event)s"),
    Kind.PENDING: lambda: _("Your registration for %(event)s is waiting for approval"),
    Kind.APPROVED: lambda: _("Your registration for %(event)s is approved"),
    Kind.REJECTED: lambda: _("Your registration for %(event)s was not accepted"),
    Kind.CANCELLED: lambda: _("Your registration for %(event)s is cancelled"),
    Kind.ERASED: lambda: _("Your personal data for %(event)s has been erased"),
    Kind.MANAGE_LINK: lambda: _("Your link to manage your registration for %(event)s"),
}


def render(email: OutboundEmail) -> EmailMultiAlternatives:
    registration = email.registration
    event = registration.event
    with translation.override(email.language), timezone.override(event.tzinfo):
        context = {
            "kind": email.kind,
            "registration": registration,
            "name": email.context.get("name") or registration.name,
            "event": event,
            "start": event.local(event.start),
            "end": event.local(event.end),
            "reason": email.context.get("reason", ""),
            "position": email.context.get("position"),
            "manage_url": f"{settings.SITE_URL}/r/{registration.manage_token}",
            "site_url": settings.SITE_URL,
            "erased": email.kind == Kind.ERASED,
        }
        subject = SUBJECTS[email.kind]() % {"event": event.title}
        text = render_to_string("notifications/email/registration.txt", context)
        html = render_to_string("notifications/email/registration.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # one line: no header injection through titles
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
    )
    message.attach_alternative(html, "text/html")
    return message


def deliver(email_id: int) -> str:
    """Send one queued email. Returns its new state."""
    claimed = OutboundEmail.objects.filter(pk=email_id, state=OutboundEmail.State.QUEUED).update(
        state=OutboundEmail.State.SENDING, attempts=F("attempts") + 1
    )
    if not claimed:
        return "skipped"
    email = OutboundEmail.objects.select_related("registration__event").get(pk=email_id)
    try:
        message = render(email)
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        email.state = OutboundEmail.State.QUEUED
        email.last_error = str(exc)[:2000]
        email.save(update_fields=["state", "last_error"])
        raise
    email.state = OutboundEmail.State.SENT
    email.subject = message.subject[:300]
    email.sent_at = timezone.now()
    email.save(update_fields=["state", "subject", "sent_at"])
    return email.state


def drain(batch_size: int = 100) -> int:
    """Send every queued email, oldest first. Returns how many were sent."""
    sent = 0
    while True:
        batch = list(
            OutboundEmail.objects.filter(state=OutboundEmail.State.QUEUED)
            .order_by("id")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return sent
        for email_id in batch:
            try:
                if deliver(email_id) == OutboundEmail.State.SENT:
                    sent += 1
            except (smtplib.SMTPException, OSError):
                # Left queued with its error; the sweep hands it to a retrying task.
                return sent


def sweep(older_than_seconds: int = 5) -> int:
    """Wake a drain if anything has waited too long (broker down, a lost wake-up)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    waiting = OutboundEmail.objects.filter(
        state=OutboundEmail.State.QUEUED, created_at__lt=cutoff
    ).count()
    if waiting:
        from .tasks import drain_outbox

        drain_outbox.delay()
    return waiting
