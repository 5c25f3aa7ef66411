"""Certificates of attendance and of presentation, and the codes that verify them.

- After an event ends, each person checked in on at least one of its days is issued one
  certificate of attendance (`issue_due_certificates`, run by the beat): the row is unique per
  registration, and the email with its link is written in the same transaction, only when
  the row is new (notifications, on `certificate_issued`) — one email per person, ever.
- Speakers of the agenda get a certificate of presentation when an organiser issues one.
- The verification code is signed, not stored: the certificate's id and an 80-bit HMAC of
  (id, issue) under a key Django derives from SECRET_KEY, in base32. Any altered character
  fails the signature (404). Re-issuing bumps `issue`: the new code verifies, the old one does
  not any more (a corrected certificate replaces the wrong one, which must stop being proof).
- Erasing a person's data deletes their certificates: the code answers 404 from then on.
"""

import base64
import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from core.exceptions import NotFound
from events.models import Event, Session, Speaker
from events.services import record

from .models import Certificate, CheckIn, Registration
from .signals import certificate_issued, personal_data_expired

log = logging.getLogger(__name__)
Kind = Certificate.Kind
CODE_SALT = "registration.certificates.code"
MAC_BYTES = 10  # 80 bits: 16 base32 characters
# Events that ended longer ago than this get no certificates from the beat (an event that
# ended before certificates existed does not email its people years later).
ISSUE_WINDOW = timedelta(days=30)
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


# --- Codes ----------------------------------------------------------------------------------


def _number(value: int) -> str:
    digits = ""
    while True:
        value, rest = divmod(value, 32)
        digits = B32[rest] + digits
        if not value:
            return digits


def _mac(pk: int, issue: int) -> str:
    digest = salted_hmac(CODE_SALT, f"{pk}:{issue}", algorithm="sha256").digest()
    return base64.b32encode(digest[:MAC_BYTES]).decode()


def code_of(certificate: Certificate) -> str:
    """The short code printed on the certificate: `<id>-<signature>`, upper case."""
    return f"{_number(certificate.pk)}-{_mac(certificate.pk, certificate.issue)}"


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("verify-certificate", args=[code_of(certificate)])


def find_by_code(code: str) -> Certificate:
    """The certificate this code was issued for, if it still stands; NotFound otherwise (an
    altered, made-up or superseded code, or a person whose data was erased)."""
    ident, _dash, mac = code.strip().upper().partition("-")
    missing = NotFound(_("No certificate has this code."))
    if not ident or len(ident) > 13 or len(mac) != 16 or any(c not in B32 for c in ident):
        raise missing
    pk = 0
    for character in ident:
        pk = pk * 32 + B32.index(character)
    certificate = (
        Certificate.objects.select_related("event", "event__host", "registration", "speaker")
        .filter(pk=pk)
        .first()
    )
    if certificate is None or _number(pk) != ident:  # one spelling per id: no leading "A"s
        raise missing
    if not constant_time_compare(mac, _mac(pk, certificate.issue)):
        raise missing
    if certificate.registration is not None and certificate.registration.erased_at:
        raise missing
    return certificate


# --- What a certificate says ----------------------------------------------------------------


def holder_name(certificate: Certificate) -> str:
    if certificate.registration_id:
        return certificate.registration.name
    return certificate.speaker.name


def _merged_minutes(spans: list[tuple[datetime, datetime]]) -> int:
    """Minutes covered by these time spans, overlaps counted once."""
    total, end = timedelta(), None
    for start, stop in sorted(spans):
        if end is not None and start < end:
            start = end
        if stop > start:
            total += stop - start
            end = stop if end is None else max(end, stop)
    return int(total.total_seconds() // 60)


def day_minutes(event: Event, day: date, sessions: list[Session]) -> int:
    """How long the event ran on one of its days: its sessions of that day (overlaps once),
    or, without an agenda that day, its daily hours (the start's and the end's clock times
    on a multi-day event; start to end on a one-day event)."""
    zone = event.tzinfo
    on_day = [(s.start, s.end) for s in sessions if event.local(s.start).date() == day]
    if on_day:
        return _merged_minutes(on_day)
    start, end = event.local(event.start), event.local(event.end)
    opens = datetime.combine(day, start.time() if day == start.date() else time.min, zone)
    closes = datetime.combine(day + timedelta(days=1), time.min, zone)
    if day == end.date():
        closes = end
    if start.date() != end.date() and end.time() > start.time():
        opens = max(opens, datetime.combine(day, start.time(), zone))
        closes = min(closes, datetime.combine(day, end.time(), zone))
    opens, closes = max(opens, start), min(closes, end)  # a scan outside the event counts 0
    return max(0, int((closes - opens).total_seconds() // 60))


def attended_minutes(registration: Registration, sessions: list[Session] | None = None) -> int:
    event = registration.event
    if sessions is None:
        sessions = list(event.sessions.all())
    days = CheckIn.objects.filter(registration=registration).values_list("day", flat=True)
    return sum(day_minutes(event, day, sessions) for day in days)


def hours(certificate: Certificate) -> str:
    """Hours attended, as people write them in the active language: "7", "7.5", "7,5"."""
    value = round((certificate.minutes or 0) / 60, 1)
    return f"{value:g}".replace(".", get_format("DECIMAL_SEPARATOR"))


def presented(certificate: Certificate) -> list[Session]:
    if not certificate.speaker_id:
        return []
    return list(certificate.speaker.sessions.order_by("start", "id"))


# --- Issuing --------------------------------------------------------------------------------


def due_registrations(now: datetime) -> QuerySet[Registration]:
    """Confirmed people checked in at an event that ended (recently) and who have no
    certificate yet."""
    return (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            erased_at__isnull=True,
            event__status=Event.Status.PUBLISHED,
            event__end__lte=now,
            event__end__gte=now - ISSUE_WINDOW,
            check_ins__isnull=False,
            certificates__isnull=True,
        )
        .distinct()
        .order_by("event_id", "id")
    )


def issue_attendance(
    registration: Registration,
    *,
    now: datetime | None = None,
    sessions: list[Session] | None = None,
) -> bool:
    """Issue this person's certificate of attendance unless they have one; True if issued.
    The unique row decides between two beats at once; the email goes with the new row only."""
    now = now or timezone.now()
    with transaction.atomic():
        certificate, created = Certificate.objects.get_or_create(
            registration=registration,
            defaults={
                "event_id": registration.event_id,
                "kind": Kind.ATTENDANCE,
                "minutes": attended_minutes(registration, sessions),
                "issued_at": now,
            },
        )
        if created:
            certificate_issued.send(sender=Certificate, certificate=certificate)
    return created


def issue_due_certificates(now: datetime | None = None) -> dict[str, int]:
    """Periodic (beat): a certificate of attendance for everyone due one, each in its own
    transaction (a failure leaves the others issued; the next run picks it up)."""
    now = now or timezone.now()
    issued, failed, agendas = 0, 0, {}
    for registration in due_registrations(now).select_related("event").iterator():
        event_id = registration.event_id
        if event_id not in agendas:  # one read of each event's agenda per run
            agendas = {event_id: list(Session.objects.filter(event_id=event_id))}
        try:
            issued += issue_attendance(registration, now=now, sessions=agendas[event_id])
        except DatabaseError:
            # One person's failure (rolled back) never holds up everyone else's certificate.
            log.exception("Certificate of registration %s not issued", registration.pk)
            failed += 1
    return {"issued": issued, "failed": failed}


def issue_presentation(speaker: Speaker, *, actor) -> tuple[Certificate, bool]:
    """An organiser issues a speaker's certificate of presentation (once; asked again, the
    existing one is answered)."""
    with transaction.atomic():
        certificate, created = Certificate.objects.get_or_create(
            speaker=speaker,
            defaults={
                "event_id": speaker.event_id,
                "kind": Kind.PRESENTATION,
                "issued_at": timezone.now(),
            },
        )
        if created:
            record(speaker.event, actor, "certificate.issued", certificate=certificate.pk)
    return certificate, created


def reissue(certificate: Certificate, *, actor) -> Certificate:
    """A new issue of the certificate (after a name or a check-in was corrected): the hours
    are counted again, the date is today's, and the previous code stops verifying."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        certificate.issue += 1
        certificate.issued_at = timezone.now()
        if certificate.registration_id:
            certificate.minutes = attended_minutes(certificate.registration)
        certificate.save(update_fields=["issue", "issued_at", "minutes"])
        record(
            certificate.event,
            actor,
            "certificate.reissued",
            certificate=certificate.pk,
            issue=certificate.issue,
        )
    return certificate


# --- Reading --------------------------------------------------------------------------------


def of_event(event: Event) -> QuerySet[Certificate]:
    return (
        Certificate.objects.filter(event=event)
        .select_related("registration", "speaker")
        .exclude(registration__erased_at__isnull=False)
    )


def of_registration(registration: Registration) -> Certificate:
    certificate = (
        Certificate.objects.select_related("event", "event__host", "registration")
        .filter(registration=registration)
        .first()
    )
    if certificate is None:
        raise NotFound(_("There is no certificate for this registration (yet)."))
    return certificate


# --- Erasure --------------------------------------------------------------------------------


@receiver(personal_data_expired, dispatch_uid="registration.certificates.revoke")
def revoke_on_erasure(sender, registration_ids, **kwargs) -> None:
    """A certificate names its holder: once their data is erased, it proves nothing any more
    and is deleted, in the erasure's transaction (its code answers 404 from then on)."""
    Certificate.objects.filter(registration_id__in=registration_ids).delete()
