"""Personal data: a person's export and erasure, and the retention of an ended event's
registrations (warn the team, then anonymise)."""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import CharField, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from events.models import Event, TeamMembership

from .models import (
    Registration,
)
from .seats import _leave
from .signals import (
    personal_data_expired,
    registration_erased,
    retention_warning_due,
)

Status = Registration.Status


# --- Personal data --------------------------------------------------------------------------


def export_personal_data(registration: Registration) -> dict[str, Any]:
    """Everything stored about the person, for the right of access."""
    event = registration.event
    return {
        "event": {"slug": event.slug, "title": event.title},
        "registration": {
            "id": registration.pk,
            "status": registration.status,
            "name": registration.name,
            "email": registration.email,
            "affiliation": registration.affiliation,
            "country": registration.country,
            "language": registration.language,
            "participant_type": registration.participant_type,
            "answers": registration.answers,
            "public_listing": registration.public_listing,
            "consent_at": registration.consent_at.isoformat(),
            "consent_notice_version": registration.consent_notice_version,
            "consent_notice": _notice_agreed_to(registration),
            "ticket_code": registration.ticket_code,
            "checked_in_at": registration.checked_in_at.isoformat()
            if registration.checked_in_at
            else None,
            "decision_reason": registration.decision_reason,
            "created_at": registration.created_at.isoformat(),
            "updated_at": registration.updated_at.isoformat(),
        },
        "emails": _emails_sent(registration),
        "opt_outs": _opt_outs(registration),
    }


def _emails_sent(registration: Registration) -> list[dict[str, Any]]:
    """Every email written to the person (notifications' Delivery rows, read through the
    relation so this app needs no import of notifications): kind, subject, times, state."""
    deliveries = registration.deliveries.order_by("created_at", "pk")
    return [
        {
            "kind": delivery.kind,
            "subject": delivery.subject,
            "created_at": delivery.created_at.isoformat(),
            "sent_at": delivery.sent_at.isoformat() if delivery.sent_at else None,
            "state": delivery.state,
        }
        for delivery in deliveries
    ]


def _opt_outs(registration: Registration) -> list[dict[str, Any]]:
    """The person's "no more reminders or broadcasts" (the unsubscribe link), if given."""
    try:
        opt_out = registration.opt_out
    except ObjectDoesNotExist:
        return []
    return [{"what": "reminders_and_broadcasts", "created_at": opt_out.created_at.isoformat()}]


def _notice_agreed_to(registration: Registration) -> dict[str, str] | None:
    notice = registration.consent_notice
    if notice is None:
        return None
    return {key: notice[key] for key in ("version", "text_en", "text_vi")}


@transaction.atomic
def erase_personal_data(registration: Registration) -> None:
    """Right to deletion: release the seat, keep only what aggregate counts need.

    Once the event is over there is no seat to give back: the status stays, so the event's
    figures (participants, show-up) do not change when someone erases their data."""
    if registration.is_active and registration.event.phase != "past":
        registration = _leave(registration, Status.CANCELLED)
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    forget_people(registration.event, [registration.pk], timezone.now())
    # The in-memory copy still holds the address: the one last email (saying it is done)
    # goes there, and notifications forgets the address once it is sent.
    registration_erased.send(sender=Registration, registration=registration)


# --- Retention ------------------------------------------------------------------------------
#
# RETENTION_DAYS after an event ends, its registrants' personal data is erased, in chunks:
# what the figures need stays (status, country, participant type, language, check-in time,
# dates, consent time and notice version), the rest goes. Unlike erasure on request, nothing
# is cancelled and no seat is released: the event is over and its counts must not move.
# RETENTION_WARNING_DAYS before, the owner and organisers are emailed once, and the data is
# never erased sooner than that after the warning.

RETENTION_CHUNK = 500
ERASED_PREFIX = "erased-"
ERASED_TICKET_PREFIX = "e-"  # lower case: no ticket code a door accepts starts like this


def _retention_periods() -> tuple[timedelta, timedelta]:
    return (
        timedelta(days=settings.RETENTION_DAYS),
        timedelta(days=max(settings.RETENTION_WARNING_DAYS, 0)),
    )


def erasure_due_at(event: Event) -> datetime:
    """When the event's personal data goes: RETENTION_DAYS after its end, and never less than
    RETENTION_WARNING_DAYS after the team was warned."""
    keep, warn = _retention_periods()
    due = event.end + keep
    if warn and event.personal_data_warning_sent_at:
        due = max(due, event.personal_data_warning_sent_at + warn)
    return due


def retention_recipients(event: Event) -> list[str]:
    """The owner's and organisers' addresses (active accounts only), each once."""
    emails = (
        TeamMembership.objects.filter(
            event=event,
            role__in=[TeamMembership.Role.OWNER, TeamMembership.Role.ORGANISER],
            user__is_active=True,
        )
        .order_by("role", "id")
        .values_list("user__email", flat=True)
    )
    found: dict[str, str] = {}
    for email in emails:
        email = (email or "").strip()
        if email:
            found.setdefault(email.lower(), email)
    return list(found.values())


def events_to_warn(now: datetime):
    keep, warn = _retention_periods()
    if not warn:
        return Event.objects.none()
    return Event.objects.filter(
        end__lte=min(now, now - keep + warn),  # never before the event is over
        personal_data_warning_sent_at__isnull=True,
        personal_data_erased_at__isnull=True,
    )


def events_to_erase(now: datetime):
    keep, warn = _retention_periods()
    due = Event.objects.filter(end__lte=now - keep, personal_data_erased_at__isnull=True)
    if warn:
        due = due.filter(personal_data_warning_sent_at__lte=now - warn)
    return due


def _has_personal_data(event: Event) -> bool:
    return Registration.objects.filter(event=event, erased_at__isnull=True).exists()


def _warn(event_id: int, now: datetime, dry_run: bool) -> dict[str, Any] | None:
    """Warn the team of one event, exactly once (the flag is set under the event's lock, in
    the transaction that writes the emails)."""
    with transaction.atomic():
        events = Event.objects.filter(pk=event_id, personal_data_warning_sent_at__isnull=True)
        event = (events if dry_run else events.select_for_update(no_key=True)).first()
        if event is None:
            return None
        recipients = retention_recipients(event) if _has_personal_data(event) else []
        event.personal_data_warning_sent_at = now
        erase_on = erasure_due_at(event)
        if not dry_run:
            Event.objects.filter(pk=event.pk).update(personal_data_warning_sent_at=now)
            if recipients:
                retention_warning_due.send(
                    sender=Event, event=event, erase_on=erase_on, recipients=recipients
                )
    return {
        "event": event.slug,
        "action": "warned",
        "emails": len(recipients),
        "erase_on": erase_on.isoformat(),
    }


def _anonymise(ids: list[int], now: datetime) -> int:
    pk_text = Cast("pk", output_field=CharField())
    erased = Registration.objects.filter(pk__in=ids, erased_at__isnull=True).update(
        name="",
        email=Concat(Value(ERASED_PREFIX), pk_text, Value("@erased.invalid")),
        affiliation="",
        answers={},
        public_listing=False,
        decision_reason="",
        manage_token=Concat(Value(ERASED_PREFIX), pk_text),
        erased_at=now,
        updated_at=now,
    )
    # Tickets too, those of people who erased their data themselves included.
    Registration.objects.filter(pk__in=ids).exclude(
        ticket_code__startswith=ERASED_TICKET_PREFIX
    ).update(ticket_code=Concat(Value(ERASED_TICKET_PREFIX), pk_text))
    return erased


def forget_people(event: Event, ids: list[int], now: datetime) -> int:
    """The one erasure of personal data, for erasure on request and retention alike.

    The registrations keep what figures need (status, country, type, language, check-in,
    dates, consent record); their admin history loses the name and address it showed; and
    the receivers of `personal_data_expired` make every other record forget them (the emails
    sent to them: address, subject, context, error text; queued ones are withdrawn)."""
    erased = _anonymise(ids, now)
    keys = [str(pk) for pk in ids]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Registration), object_id__in=keys
    ).update(object_repr=Concat(Value(ERASED_PREFIX), "object_id"), change_message="")
    personal_data_expired.send(sender=Registration, event=event, registration_ids=ids)
    return erased


def _erase(event: Event, now: datetime, dry_run: bool, chunk_size: int) -> dict[str, Any]:
    """Erase the personal data of one event's registrants, a chunk per transaction; safe to
    stop half-way and run again."""
    registrations = Registration.objects.filter(event=event)
    if dry_run:
        erased = registrations.filter(erased_at__isnull=True).count()
    else:
        erased, last = 0, 0
        while True:
            with transaction.atomic():
                ids = list(
                    registrations.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:chunk_size]
                )
                if not ids:
                    break
                erased += forget_people(event, ids, now)
            last = ids[-1]
        Event.objects.filter(pk=event.pk, personal_data_erased_at__isnull=True).update(
            personal_data_erased_at=now
        )
    return {"event": event.slug, "action": "erased", "registrations": erased}


def apply_retention(
    now: datetime | None = None, *, dry_run: bool = False, chunk_size: int = RETENTION_CHUNK
) -> dict[str, Any]:
    """Warn the teams whose events' data goes soon, erase the data whose time has come.

    Idempotent: each event is warned once and erased once; running it twice, or two at a
    time, does nothing more. With dry_run, says what it would do and changes nothing.
    """
    now = now or timezone.now()
    outcome: dict[str, Any] = {
        "warned_events": 0,
        "warning_emails": 0,
        "erased_events": 0,
        "erased_registrations": 0,
        "events": [],
    }
    for event_id in list(events_to_warn(now).order_by("end", "pk").values_list("pk", flat=True)):
        done = _warn(event_id, now, dry_run)
        if done:
            outcome["warned_events"] += 1
            outcome["warning_emails"] += done["emails"]
            outcome["events"].append(done)
    for event in list(events_to_erase(now).order_by("end", "pk")):
        done = _erase(event, now, dry_run, chunk_size)
        outcome["erased_events"] += 1
        outcome["erased_registrations"] += done["registrations"]
        outcome["events"].append(done)
    return outcome
