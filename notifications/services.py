"""Emails: written to the outbox in the transaction that causes them, delivered by Celery.

Delivery is exactly once per (message, person) by construction: a Delivery row is unique per
message and registration, a worker claims its batch with a conditional UPDATE before handing
the emails to the SMTP server, and marks each sent right after the server accepted it. A
worker killed meanwhile leaves its batch in `sending`, with at most the one email it had on the
wire already delivered, per sending thread; the batch is taken back once its lease, renewed
while a live worker sends (leases.py), runs out, and sent again, so only emails on the wire at
the instant of the kill can arrive twice.
"""

import logging
import re
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from events import dates
from events.exceptions import Conflict
from events.ical import build_calendar
from events.models import Event
from events.services import record
from registration.models import Registration

from . import bulk, leases, retry
from .mime import WrittenEmail
from .models import ERASED_ADDRESS, Delivery, Message, OptOut, ReminderRule

log = logging.getLogger(__name__)
Kind = Delivery.Kind
State = Delivery.State
BATCH_SIZE = 200
TICKET_KINDS = {Kind.CONFIRMED, Kind.PROMOTED, Kind.APPROVED}
DEFAULT_REMINDERS = (24 * 60, 120)  # one day and two hours before the start
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
FIVE_S = timedelta(seconds=5)


# --- Writing to the outbox ------------------------------------------------------------------


def queue_email(
    registration: Registration, kind: str, context: dict[str, Any] | None = None
) -> Delivery:
    """A transactional email, written in the caller's transaction, sent after commit."""
    delivery = Delivery.objects.create(
        kind=kind,
        event_id=registration.event_id,
        registration=registration,
        to_email=registration.email,
        language=registration.language,
        context=context or {},
    )
    transaction.on_commit(wake_outbox)
    return delivery


def queue_email_change(registration: Registration, new_email: str, token: str) -> Delivery:
    """The confirmation link goes to the new address only; the manage link never does."""
    delivery = Delivery.objects.create(
        kind=Kind.EMAIL_CHANGE,
        event_id=registration.event_id,
        registration=registration,
        to_email=new_email,
        language=registration.language,
        context={"confirm_url": f"{settings.SITE_URL}/e/{token}"},
    )
    transaction.on_commit(wake_outbox)
    return delivery


def queue_retention_warning(event: Event, erase_on: datetime, recipients: list[str]) -> int:
    """Tell the team, in the caller's transaction, when its registrants' personal data goes.
    Organisers are not registrants: these deliveries have no registration."""
    rows = [
        Delivery(
            kind=Kind.RETENTION_WARNING,
            event=event,
            to_email=email,
            language=settings.LANGUAGE_CODE[:2],
            context={"erase_on": erase_on.isoformat()},
        )
        for email in recipients
    ]
    Delivery.objects.bulk_create(rows)
    transaction.on_commit(wake_outbox)
    return len(rows)


def queue_team_invitation(invitation: Any, token: str) -> Delivery:
    """The invitee's one email, in the caller's transaction; it carries the only copy of the
    link (the invitation stores its hash)."""
    delivery = Delivery.objects.create(
        kind=Kind.TEAM_INVITATION,
        event=invitation.event,
        to_email=invitation.email,
        language=translation.get_language()[:2] if translation.get_language() else "en",
        context={
            "invitation_url": f"{settings.SITE_URL}/invitations/{token}",
            "role": invitation.role,
            "invited_by": _person(invitation.invited_by),
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    transaction.on_commit(wake_outbox)
    return delivery


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def forget_recipients(registration_ids: list[int]) -> int:
    """These people's data was erased (on request or by retention): the emails sent to them
    keep their kind, state and times (the delivery figures), not their address, name,
    subject, context or error text; what was still waiting to go is withdrawn."""
    deliveries = Delivery.objects.filter(registration_id__in=registration_ids)
    deliveries.filter(state=State.QUEUED).update(state=State.WITHDRAWN)
    forget_deliveries(deliveries)
    return deliveries.count()


def forget_deliveries(deliveries: QuerySet[Delivery]) -> int:
    """Blank what could name the recipient, here and in the admin's history of these rows."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    keys = [str(pk) for pk in deliveries.values_list("pk", flat=True)]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Delivery), object_id__in=keys
    ).update(object_repr=ERASED_ADDRESS, change_message="")
    return deliveries.update(to_email=ERASED_ADDRESS, context={}, subject="", last_error="")


def is_forgotten(delivery: Delivery) -> bool:
    """Nothing may be sent again to someone whose personal data was erased."""
    if delivery.to_email == ERASED_ADDRESS:
        return True
    registration = delivery.registration
    return registration is not None and registration.erased_at is not None


def audience(
    event: Event,
    *,
    statuses: Iterable[str] = (Registration.Status.CONFIRMED,),
    participant_types: Iterable[str] = (),
    checked_in: bool | None = None,
    registered_before=None,
    include_opted_out: bool = False,
) -> QuerySet[Registration]:
    people = Registration.objects.filter(event=event, status__in=list(statuses))
    if participant_types:
        people = people.filter(participant_type__in=list(participant_types))
    if checked_in is not None:
        people = people.filter(checked_in_at__isnull=not checked_in)
    if registered_before is not None:
        people = people.filter(created_at__lt=registered_before)
    if not include_opted_out:
        people = people.exclude(pk__in=OptOut.objects.values("registration_id"))
    return people


@transaction.atomic
def send_message(message: Message, people: QuerySet[Registration]) -> int:
    """One delivery per person (never two: the unique constraint), fanned out after commit."""
    return _write_deliveries(message, list(people.values_list("pk", "email", "language")))


def _write_deliveries(message: Message, people: list[tuple[int, str, str]]) -> int:
    """Delivery rows for these people, handed to the bulk workers once the caller commits."""
    if not people:
        return 0
    rows = [
        Delivery(
            kind=Kind.MESSAGE,
            message=message,
            event_id=message.event_id,
            registration_id=pk,
            to_email=email,
            language=language,
        )
        for pk, email, language in people
    ]
    created = Delivery.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    ids = [pk for pk, _email, _language in people]
    first, last = min(ids), max(ids)
    transaction.on_commit(lambda: fan_out(message.pk, registrations=(first, last)))
    return len(created)


def fan_out(message_id: int, registrations: tuple[int, int] | None = None) -> int:
    """Hand the message's queued deliveries (for these registrations, if given) to the bulk
    workers, a batch per task."""
    from .tasks import send_batch

    queued = Delivery.objects.filter(message_id=message_id, state=State.QUEUED)
    if registrations:
        queued = queued.filter(
            registration_id__gte=registrations[0], registration_id__lte=registrations[1]
        )
    ids = list(queued.order_by("id").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH_SIZE):
        try:
            send_batch.delay(ids[start : start + BATCH_SIZE])
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
    from .tasks import drain_outbox

    try:
        drain_outbox.delay()
    except Exception:  # any broker failure: the outbox rows are the source of truth
        log.warning("Could not reach the broker; the outbox sweep will deliver later.")


# --- Rendering ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name}-style placeholders; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def unsubscribe_url(registration: Registration) -> str:
    token = signing.dumps(registration.pk, salt=UNSUBSCRIBE_SALT)
    return f"{settings.SITE_URL}/u/{token}"


def registration_for_unsubscribe(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.filter(pk=pk).first()


def _context(delivery: Delivery, registration: Registration, event: Event) -> dict[str, Any]:
    start, end = event.local(event.start), event.local(event.end)
    confirmed = registration.status == Registration.Status.CONFIRMED
    venue = ", ".join(p for p in (event.venue_name, event.venue_address, event.venue_city) if p)
    return {
        "kind": delivery.kind,
        "language": delivery.language,
        "registration": registration,
        "status": registration.status,
        "name": delivery.context.get("name") or registration.name,
        "event": event,
        # Text as written, a plain string: `{{ event.title }}` on a string would be str.title().
        "title": event.title,
        "start": start,
        "end": end,
        "venue": venue,
        "reason": delivery.context.get("reason", ""),
        "position": delivery.context.get("position"),
        "join_url": event.online_url if confirmed else "",
        "manage_url": f"{settings.SITE_URL}/r/{registration.manage_token}",
        "confirm_url": delivery.context.get("confirm_url", ""),
        "site_url": settings.SITE_URL,
        "erased": delivery.kind == Kind.ERASED,
    }


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
    Kind.EMAIL_CHANGE: lambda: _("Confirm your email address for %(event)s"),
}
MESSAGE_SUBJECTS = {
    Message.Kind.REMINDER: lambda: _("Reminder: %(event)s starts on %(start)s"),
    Message.Kind.EVENT_CHANGED: lambda: _("Changed: %(event)s"),
    Message.Kind.EVENT_CANCELLED: lambda: _("Cancelled: %(event)s"),
    Message.Kind.BROADCAST: lambda: _("News from %(event)s"),
}


def render(delivery: Delivery) -> EmailMultiAlternatives:
    if delivery.kind == Kind.RETENTION_WARNING:
        return _render_retention_warning(delivery)
    if delivery.kind == Kind.TEAM_INVITATION:
        return _render_team_invitation(delivery)
    registration = delivery.registration
    event = registration.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        context = _context(delivery, registration, event)
        headers = {}
        if delivery.kind == Kind.MESSAGE:
            unsubscribe = unsubscribe_url(registration)
            subject, text, html = _personalised(delivery, context, unsubscribe)
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        else:
            subject = SUBJECTS[delivery.kind]() % {"event": event.title}
            text = render_to_string("notifications/email/registration.txt", context)
            html = render_to_string("notifications/email/registration.html", context)
    email = WrittenEmail(
        subject=" ".join(subject.split()),  # one line: no header injection through titles
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers=headers,
        language=delivery.language,
    )
    email.attach_alternative(html, "text/html")
    if delivery.kind in TICKET_KINDS and registration.status == Registration.Status.CONFIRMED:
        from registration.tickets import qr_png

        email.attach(f"ticket-{registration.ticket_code}.png", qr_png(registration), "image/png")
        calendar = build_calendar(
            [event], site_url=settings.SITE_URL, name=context["title"], language=delivery.language
        )
        email.attach(f"{event.slug}.ics", calendar, "text/calendar")
    return email


def _team_email(delivery: Delivery, subject: str, text: str, html: str) -> WrittenEmail:
    """A one-off email to a team member: subject on one line, text and HTML parts."""
    email = WrittenEmail(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        language=delivery.language,
    )
    email.attach_alternative(html, "text/html")
    return email


def _render_retention_warning(delivery: Delivery) -> EmailMultiAlternatives:
    event = delivery.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        erase_on = event.local(parse_datetime(delivery.context["erase_on"]))
        context = {
            "language": delivery.language,
            "event": event,
            "title": event.title,
            "start": event.local(event.start),
            "end": event.local(event.end),
            "erase_on": erase_on,
            "registrations_url": settings.SITE_URL
            + reverse("web:event-registrations", args=[event.slug]),
            "site_url": settings.SITE_URL,
        }
        subject = _("Personal data of %(event)s will be erased on %(date)s") % {
            "event": event.title,
            "date": dates.day(erase_on),
        }
        text = render_to_string("notifications/email/retention_warning.txt", context)
        html = render_to_string("notifications/email/retention_warning.html", context)
    return _team_email(delivery, subject, text, html)


def _render_team_invitation(delivery: Delivery) -> EmailMultiAlternatives:
    from events.models import TeamMembership

    event = delivery.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        expires_at = event.local(parse_datetime(delivery.context["expires_at"]))
        context = {
            "language": delivery.language,
            "event": event,
            "title": event.title,
            "start": event.local(event.start),
            "end": event.local(event.end),
            "role": str(TeamMembership.Role(delivery.context["role"]).label),
            "invited_by": delivery.context.get("invited_by", ""),
            "invitation_url": delivery.context["invitation_url"],
            "expires_at": expires_at,
            "site_url": settings.SITE_URL,
        }
        subject = _("You are invited to the team of %(event)s") % {"event": event.title}
        text = render_to_string("notifications/email/team_invitation.txt", context)
        html = render_to_string("notifications/email/team_invitation.html", context)
    return _team_email(delivery, subject, text, html)


# A message says the same to everyone but for a few personal fields: it is rendered once per
# language and registration status, with markers where those fields go, then filled per person.
PERSONAL_FIELDS = ("name", "manage_url", "unsubscribe_url")
_rendered: dict[tuple[int, str, str], tuple[str, str, str]] = {}


def _marker(field: str) -> str:
    return f"\ue000{field}\ue000"  # a private-use character: never in real text


def _personalised(
    delivery: Delivery, context: dict[str, Any], unsubscribe: str
) -> tuple[str, str, str]:
    key = (delivery.message_id, delivery.language, delivery.registration.status)
    if key not in _rendered:
        shared = {**context, **{field: _marker(field) for field in PERSONAL_FIELDS}}
        subject, shared["text"] = _message_parts(delivery.message, shared, delivery.language)
        text = render_to_string("notifications/email/message.txt", shared)
        html = render_to_string("notifications/email/message.html", shared)
        if len(_rendered) > 256:
            _rendered.clear()
        _rendered[key] = (subject, text, html)
    personal = {
        "name": context["name"],
        "manage_url": context["manage_url"],
        "unsubscribe_url": unsubscribe,
    }
    subject, text, html = _rendered[key]
    for field, value in personal.items():
        subject = subject.replace(_marker(field), value)
        text = text.replace(_marker(field), value)
        html = html.replace(_marker(field), escape(value))
    return subject, text, html


def _message_parts(message: Message, context: dict[str, Any], language: str) -> tuple[str, str]:
    values = {
        "name": context["name"],
        "event": context["event"].title,
        "start": dates.when(context["start"]),
        "venue": context["venue"],
        "join_link": context["join_url"],
        "manage_link": context["manage_url"],
    }
    # Placeholders are filled in what organisers wrote, never in titles or names: those
    # appear exactly as written.
    subject = message.subject(language)
    subject = fill(subject, values) if subject else MESSAGE_SUBJECTS[message.kind]() % values
    body = message.body(language)
    if body:
        return subject, fill(body, values)
    # The default text: plain strings only, so no template lookup reaches a str method.
    plain = {key: values[key] for key in ("name", "start", "venue")}
    plain |= {"title": values["event"], "status": context["status"]}
    body = render_to_string(f"notifications/email/{message.kind}.txt", plain)
    # A plain str, not the SafeString the template engine returns: the HTML escapes it once.
    return subject, "".join([body])


# --- Sending --------------------------------------------------------------------------------


# A whole batch is claimed in one go: the lease is renewed while it is sent (leases.py), and
# each email is still marked sent the moment the server accepts it.
CLAIM_CHUNK = BATCH_SIZE


@transaction.atomic
def _claim(delivery_ids: list[int]) -> list[Delivery]:
    """Take deliveries for sending: queued and due, or left `sending` by a dead worker.

    Claimed a batch at a time to save round trips; each is still marked sent the moment the
    server accepts it, so a killed worker leaves at most the one on the wire in doubt.
    """
    now = timezone.now()
    due = Q(state=State.QUEUED) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    abandoned = Q(state=State.SENDING, claimed_at__lt=now - retry.lease())
    ids = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(due | abandoned, pk__in=delivery_ids)
        .values_list("pk", flat=True)
    )
    Delivery.objects.filter(pk__in=ids).update(
        state=State.SENDING, claimed_at=Now(), attempts=F("attempts") + 1
    )
    claimed = list(
        Delivery.objects.select_related("registration", "message").filter(pk__in=ids).order_by("id")
    )
    return bulk.with_events(claimed)


# The subject is not written back to a row whose recipient was forgotten while it was on
# the wire (erasure scrubs rows in `sending` too): it may hold their name.
MARK_SENT = (
    "UPDATE notifications_delivery SET state = 'sent', sent_at = %s, "
    "subject = CASE WHEN to_email = %s THEN '' ELSE %s END, last_error = '' WHERE id = %s"
)


def _sent(delivery: Delivery, subject: str) -> None:
    """Recorded the moment the server accepted it: plain SQL, as it runs for every email."""
    with db_connection.cursor() as cursor:
        cursor.execute(MARK_SENT, [timezone.now(), ERASED_ADDRESS, subject[:300], delivery.pk])
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
    if delivery.kind in (Kind.RETENTION_WARNING, Kind.TEAM_INVITATION):
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


def sweep() -> dict[str, int]:
    """Every few seconds: take back abandoned deliveries and wake the senders for due ones."""
    from registration.services import answer_link_requests

    from .tasks import drain_outbox, send_batch

    # "I lost my link" requests wait here, so the request itself never touches the broker.
    links = answer_link_requests()
    now = timezone.now()
    # What a dead worker held goes straight back to the workers, not after it has aged.
    reclaimed_bulk, reclaimed_transactional = leases.reclaim_expired()
    for start in range(0, len(reclaimed_bulk), BATCH_SIZE):
        send_batch.delay(reclaimed_bulk[start : start + BATCH_SIZE])
    if reclaimed_transactional:
        drain_outbox.delay()
    waited = timedelta(seconds=settings.EMAIL_SWEEP_AFTER_SECONDS)
    due = Delivery.objects.filter(state=State.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    # Young transactional rows are the wake-up's; old ones were missed by it.
    transactional = due.filter(message__isnull=True, created_at__lt=now - min(waited, FIVE_S))
    if transactional.exists():
        drain_outbox.delay()
    bulk = list(
        due.filter(message__isnull=False, created_at__lt=now - waited)
        .order_by("id")
        .values_list("pk", flat=True)[:10000]
    )
    for start in range(0, len(bulk), BATCH_SIZE):
        send_batch.delay(bulk[start : start + BATCH_SIZE])
    unfinished = Message.objects.filter(
        audience_complete=False, created_at__lt=now - leases.AUDIENCE_RESUME_AFTER
    ).select_related("rule__event")
    for message in unfinished:  # the scan that fired it died half-way through writing
        complete_audience(message)
    return {
        "reclaimed": len(reclaimed_bulk) + len(reclaimed_transactional),
        "bulk": len(bulk),
        "resumed": len(unfinished),
        "link_requests": links,
    }


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
        lambda: fan_out(delivery.message_id) if delivery.message_id else wake_outbox()
    )
    return delivery


# --- Reminders ------------------------------------------------------------------------------


def add_rule(event: Event, data: dict[str, Any], *, actor) -> ReminderRule:
    rule = save_rule(ReminderRule(event=event, **data))
    record(event, actor, "reminder.created", due=str(rule.due_at))
    return rule


def change_rule(rule: ReminderRule, data: dict[str, Any], *, actor) -> ReminderRule:
    if rule.state != ReminderRule.State.SCHEDULED:
        raise Conflict(_("This reminder has already been sent or missed."), "reminder_done")
    for name, value in data.items():
        setattr(rule, name, value)
    rule = save_rule(rule)
    record(rule.event, actor, "reminder.updated", due=str(rule.due_at))
    return rule


def delete_rule(rule: ReminderRule, *, actor) -> None:
    record(rule.event, actor, "reminder.deleted", due=str(rule.due_at))
    rule.delete()


def save_rule(rule: ReminderRule) -> ReminderRule:
    rule.compute_due_at()
    rule.save()
    return rule


def add_default_rules(event: Event) -> None:
    for minutes in DEFAULT_REMINDERS:
        save_rule(ReminderRule(event=event, minutes_before_start=minutes))


def move_rules(event: Event, shift: timedelta | None) -> None:
    """Unsent reminders follow the event's start: relative ones always, absolute ones by
    `shift` when the organisers moved the event."""
    for rule in event.reminder_rules.filter(state=ReminderRule.State.SCHEDULED):
        if rule.send_at is not None and shift:
            rule.send_at += shift
        rule.event = event
        old = rule.due_at
        rule.compute_due_at()
        if rule.due_at != old:
            rule.save(update_fields=["send_at", "due_at"])


def reminder_audience(rule: ReminderRule) -> QuerySet[Registration]:
    statuses = [Registration.Status.CONFIRMED]
    if rule.include_pending:
        statuses.append(Registration.Status.PENDING)
    if rule.include_waitlisted:
        statuses.append(Registration.Status.WAITLISTED)
    # Someone who registered after the reminder's time gets no stale reminder.
    return audience(
        rule.event,
        statuses=statuses,
        participant_types=rule.participant_types,
        registered_before=rule.due_at,
    )


def fire_due_reminders(now=None) -> dict[str, int]:
    """Send each reminder whose time has come, once; mark missed what is too late."""
    now = now or timezone.now()
    fired = missed = 0
    due = ReminderRule.objects.filter(
        state=ReminderRule.State.SCHEDULED, enabled=True, due_at__lte=now
    ).values_list("pk", flat=True)
    for rule_id in list(due):
        with transaction.atomic():
            rule = (
                ReminderRule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event")
                .filter(pk=rule_id, state=ReminderRule.State.SCHEDULED)
                .first()
            )
            if rule is None:
                continue
            late = now - rule.due_at > timedelta(minutes=rule.grace_minutes)
            if late or rule.event.status != Event.Status.PUBLISHED:
                rule.state = ReminderRule.State.MISSED
                rule.save(update_fields=["state"])
                missed += 1
                continue
            message = Message.objects.create(
                event=rule.event,
                kind=Message.Kind.REMINDER,
                rule=rule,
                subject_en=rule.subject_en,
                subject_vi=rule.subject_vi,
                body_en=rule.body_en,
                body_vi=rule.body_vi,
                audience_complete=False,
            )
            rule.state = ReminderRule.State.SENT
            rule.fired_at = now
            rule.save(update_fields=["state", "fired_at"])
            fired += 1
        # After the rule is marked (so no other scan fires it again): write the deliveries in
        # chunks, each sent off as soon as it is committed.
        complete_audience(message)
    return {"fired": fired, "missed": missed}


AUDIENCE_CHUNK = 5000


def complete_audience(message: Message) -> int:
    """Write a reminder's deliveries chunk by chunk, resuming after the last one written.

    Each chunk commits and goes to the bulk workers at once, so the first emails leave while
    the rest of a large audience is still being written. Safe to run again: a person never
    gets two deliveries of one message (the unique constraint).
    """
    people = reminder_audience(message.rule).order_by("pk")
    written = Delivery.objects.filter(message=message).order_by("-registration_id").first()
    if written is not None and written.registration_id:
        people = people.filter(pk__gt=written.registration_id)
    total = 0
    while True:
        chunk = list(people.values_list("pk", "email", "language")[:AUDIENCE_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            total += _write_deliveries(message, chunk)
        people = people.filter(pk__gt=chunk[-1][0])
    Message.objects.filter(pk=message.pk).update(audience_complete=True)
    return total


# --- Broadcasts and notices -----------------------------------------------------------------


@transaction.atomic
def broadcast(event: Event, *, actor, data: dict[str, Any]) -> Message:
    message = Message.objects.create(
        event=event,
        kind=Message.Kind.BROADCAST,
        subject_en=data.get("subject_en", ""),
        subject_vi=data.get("subject_vi", ""),
        body_en=data.get("body_en", ""),
        body_vi=data.get("body_vi", ""),
        details={
            key: data[key]
            for key in ("statuses", "participant_types", "checked_in", "choices")
            if key in data
        },
        created_by=actor,
    )
    record(event, actor, "broadcast.sent", message=message.pk)
    # The composer's preview counts with the same function: its count is what goes out.
    from .composer import recipients  # noqa: PLC0415 - composer builds on this module

    send_message(message, recipients(event, data))
    return message


def notify_all(event: Event, kind: str, details: dict[str, Any] | None = None) -> Message:
    """Tell everyone still registered (waiting list included) that the event changed."""
    message = Message.objects.create(event=event, kind=kind, details=details or {})
    active = [
        Registration.Status.CONFIRMED,
        Registration.Status.PENDING,
        Registration.Status.WAITLISTED,
    ]
    send_message(message, audience(event, statuses=active, include_opted_out=True))
    return message


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


def unsubscribe(registration: Registration) -> None:
    OptOut.objects.get_or_create(registration=registration)


def delivery_counts(event: Event) -> list[dict[str, Any]]:
    """Per message (reminder firing, broadcast, notice): how many deliveries in each state."""
    from django.db.models import Count

    rows = (
        Delivery.objects.filter(event=event, message__isnull=False)
        .values("message_id", "message__kind", "message__rule_id")
        .annotate(
            **{state: Count("id", filter=Q(state=state)) for state in State.values},
            total=Count("id"),
        )
        .order_by("message_id")
    )
    return list(rows)
