"""The door without a network: the roster a device keeps, and the scans it made, synced once.

A door device downloads the event's roster (only what admitting people needs: name,
participant type, status, ticket code) and, while offline, checks tickets against it and
queues each scan with a random key. When the network returns it sends the queue here:

- exactly once: the key is unique per event in the database (`DoorScan`), so a batch sent
  again answers what it answered the first time and admits nobody twice;
- one check-in per person and day, whatever the number of devices (`CheckIn`'s own unique
  constraint, through `checkin.check_in`);
- a scan is answered with what happened on the server (checked in, already checked in by
  another device, refused because the ticket was cancelled meanwhile, unknown) and whether
  other devices scanned the same ticket that day: a device asking again about a scan it
  synced earlier learns of a duplicate made after its own sync.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.conditional import etag_of
from core.exceptions import Conflict, NotFound
from events import dates
from events.models import Event

from . import checkin
from .models import CheckIn, DoorScan, Registration
from .search import normalise_code

Outcome = DoorScan.Outcome
MAX_BATCH = 200
# A device's clock is trusted within these bounds: a scan "from the future" or from long ago
# (a clock never set) is taken as made at the sync.
CLOCK_SKEW = timedelta(minutes=5)
OLDEST_SCAN = timedelta(days=7)
ROSTER_FIELDS = ("name", "participant_type", "status", "ticket_code")


# --- The roster ------------------------------------------------------------------------------


def _people(event: Event):
    # Erased registrations have no name or ticket any more: nothing to admit.
    return Registration.objects.filter(event=event, erased_at__isnull=True)


def roster_version(event: Event, day: date) -> str:
    """An ETag from cheap aggregates: any registration change or check-in of the day moves it."""
    people = _people(event).aggregate(n=Count("id"), changed=Max("updated_at"))
    admitted = CheckIn.objects.filter(event=event, day=day).aggregate(n=Count("id"), last=Max("id"))
    return etag_of(
        event.pk,
        event.end.isoformat(),
        day.isoformat(),
        people["n"],
        people["changed"],
        admitted["n"],
        admitted["last"],
    )


def roster_expires_at(event: Event) -> datetime:
    """When devices drop the roster: the end of the event's last day, in its timezone."""
    last_day = event.local(event.end).date()
    midnight = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
    return midnight.replace(tzinfo=event.tzinfo)


def roster(event: Event, day: date) -> dict:
    """Everyone the door may meet, with only the four fields it needs, and today's admitted."""
    people = list(_people(event).order_by("name", "id").values(*ROSTER_FIELDS))
    admitted = list(
        CheckIn.objects.filter(event=event, day=day)
        .order_by("id")
        .values_list("registration__ticket_code", flat=True)
    )
    return {
        "event": event.slug,
        "day": day.isoformat(),
        "expires_at": roster_expires_at(event).isoformat(),
        "people": people,
        "checked_in_today": admitted,
    }


# --- Syncing queued scans --------------------------------------------------------------------


@dataclass
class ScanResult:
    """What the server made of one queued scan."""

    key: uuid.UUID
    scan: DoorScan
    also_scanned: int  # scans of the same ticket that day on other devices (or other keys)


def _scan_time(raw: datetime | None, now: datetime) -> datetime:
    if raw is None or raw > now + CLOCK_SKEW or raw < now - OLDEST_SCAN:
        return now
    return min(raw, now)


def _record(event: Event, key: uuid.UUID, code: str, at: datetime, actor) -> DoorScan:
    """Admit one queued scan and keep its outcome, in one transaction claimed by its key."""
    scan = DoorScan(event=event, key=key, scanned_at=at, day=checkin.event_day(event, at), by=actor)
    with transaction.atomic():
        # The key first: a second request with the same key waits here for the first to
        # commit, then fails on the unique constraint and reads the first one's answer.
        scan.outcome = Outcome.UNKNOWN
        scan.save()
        try:
            admission = checkin.check_in(event, code, actor=actor, at=at)
        except NotFound:
            return scan
        except Conflict as exc:
            scan.registration = Registration.objects.filter(
                event=event, ticket_code=normalise_code(code)
            ).first()
            scan.outcome = Outcome.REFUSED
            scan.refusal = exc.code or ""
        else:
            scan.registration = admission.registration
            scan.outcome = Outcome.CHECKED_IN if admission.first_time else Outcome.ALREADY
        scan.save(update_fields=["registration", "outcome", "refusal"])
    return scan


def sync_scans(event: Event, scans: list[dict], *, actor) -> list[ScanResult]:
    """Apply a device's queued scans ({key, code, scanned_at}), each exactly once."""
    now = timezone.now()
    keys = [item["key"] for item in scans]
    known = {
        scan.key: scan
        for scan in DoorScan.objects.filter(event=event, key__in=keys).select_related(
            "registration"
        )
    }
    done: dict[uuid.UUID, DoorScan] = {}
    for item in scans:
        key = item["key"]
        if key in done or key in known:
            continue
        try:
            at = _scan_time(item.get("scanned_at"), now)
            done[key] = _record(event, key, item["code"], at, actor)
        except IntegrityError:
            # The same key arrived at the same time from another request: its answer counts.
            done[key] = DoorScan.objects.select_related("registration").get(event=event, key=key)
    every = {**known, **done}
    return _with_duplicates(event, [every[item["key"]] for item in _unique(scans)])


def _unique(scans: list[dict]) -> list[dict]:
    seen: set[uuid.UUID] = set()
    kept = []
    for item in scans:
        if item["key"] not in seen:
            seen.add(item["key"])
            kept.append(item)
    return kept


def _with_duplicates(event: Event, scans: list[DoorScan]) -> list[ScanResult]:
    """Each scan with the number of other admitting scans of its ticket that day (one query)."""
    people = {scan.registration_id for scan in scans if scan.registration_id}
    counted = (
        DoorScan.objects.filter(
            event=event,
            registration__in=people,
            outcome__in=(Outcome.CHECKED_IN, Outcome.ALREADY),
        )
        .values("registration", "day")
        .annotate(n=Count("id"))
    )
    per_day = {(row["registration"], row["day"]): row["n"] for row in counted}
    results = []
    for scan in scans:
        scan.event = event  # read by describe(): no query per scan
        total = per_day.get((scan.registration_id, scan.day), 0)
        admitting = scan.outcome in (Outcome.CHECKED_IN, Outcome.ALREADY)
        others = max(total - (1 if admitting else 0), 0) if scan.registration_id else 0
        results.append(ScanResult(scan.key, scan, others))
    return results


def describe(result: ScanResult) -> dict:
    """A scan's answer for the device, worded in the request's language."""
    scan = result.scan
    person = scan.registration
    event = scan.event
    name = person.name if person and not person.erased_at else ""
    duplicate = scan.outcome == Outcome.ALREADY or (
        scan.outcome == Outcome.CHECKED_IN and result.also_scanned > 0
    )
    said = {"name": name, "time": dates.clock(scan.scanned_at, event.timezone)}
    if scan.outcome == Outcome.CHECKED_IN and duplicate:
        detail = _("%(name)s was checked in once: this ticket was also scanned on another device.")
    elif scan.outcome == Outcome.CHECKED_IN:
        detail = _("%(name)s was checked in (scanned offline at %(time)s).")
    elif scan.outcome == Outcome.ALREADY:
        detail = _(
            "Duplicate: %(name)s had already been checked in that day (another device or "
            "scan). Counted once."
        )
    elif scan.outcome == Outcome.REFUSED:
        status = person.status if person else ""
        # NOT_ADMITTED holds the English texts: translated here, in the request's language.
        known = checkin.NOT_ADMITTED.get(status)
        reason = _(str(known)) if known else _("This ticket cannot be admitted.")
        detail = _("%(name)s was not checked in: %(reason)s") % {"name": name, "reason": reason}
        said = {}
    else:
        detail = _("Unknown ticket code: nobody was checked in.")
        said = {}
    return {
        "key": str(scan.key),
        "outcome": scan.outcome,
        "code": scan.refusal or scan.outcome,
        "duplicate": duplicate,
        "name": name,
        "participant_type": person.participant_type if person else "",
        "ticket_code": person.ticket_code if person else "",
        "scanned_at": event.local(scan.scanned_at).isoformat(),
        "detail": detail % said if said else detail,
    }
