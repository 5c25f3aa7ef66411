"""Registering, the waiting list, approval, self-service and check-in.

The seat guarantee: every seat change is a conditional UPDATE of the event's `Seats` row (or
a limited choice's row) inside the same transaction as the registration change, so the
database, not the application, makes sure `taken` never passes `capacity`. A freed seat goes
to the first person waiting in that same transaction.
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import CharField, Count, F, Q, Value
from django.db.models.functions import Cast, Concat, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from events import dates, notices
from events.exceptions import Conflict, NotFound
from events.models import Event, ParticipantType, TeamMembership
from events.services import record

from . import event_cache
from .answers import clean_answers, held_choice_ids
from .emails import email_key
from .models import (
    ACTIVE_STATUSES,
    Choice,
    LinkRequest,
    Question,
    Registration,
    Seats,
    new_manage_token,
)
from .signals import (
    email_change_requested,
    manage_link_requested,
    personal_data_expired,
    registration_changed,
    registration_erased,
    retention_warning_due,
)

# Consent refers to the event's own notice, or to this default one (events.notices).
DEFAULT_NOTICE_VERSION = notices.DEFAULT_NOTICE_VERSION
Status = Registration.Status
PERSONAL_FIELDS = ("name", "email", "affiliation", "country", "language", "participant_type")


# --- Seats ----------------------------------------------------------------------------------


def _has_room(model_filter: Q) -> Q:
    return model_filter & (Q(capacity__isnull=True) | Q(taken__lt=F("capacity")))


TAKE_SEAT = (
    "UPDATE registration_seats SET taken = taken + 1 "
    "WHERE event_id = %s AND accepting AND (capacity IS NULL OR taken < capacity)"
)


# A promotion: one seat taken by someone leaving the waiting list.
PROMOTE = (
    "UPDATE registration_seats SET taken = taken + 1, waitlisted = waitlisted - 1 "
    "WHERE event_id = %s AND accepting AND (capacity IS NULL OR taken < capacity)"
)
# Joining the waiting list: a place in line, and the counter's lock until commit.
JOIN_WAITLIST = (
    "UPDATE registration_seats SET waitlisted = waitlisted + 1, "
    "waitlist_seq = waitlist_seq + 1 WHERE event_id = %s "
    "RETURNING accepting, capacity, taken, waitlisted, waitlist_seq"
)
# Locks the counter row without changing it, and reads it.
LOCK_SEATS = (
    "UPDATE registration_seats SET taken = taken WHERE event_id = %s "
    "RETURNING accepting, capacity, taken"
)


def take_seat(event: Event) -> bool:
    """Take one seat if one is left; the row lock this takes is held until commit.

    Plain SQL: this runs for every registration. False means full, or not accepting any
    more: `seat_state` tells which, under the lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(TAKE_SEAT, [event.pk])
        return bool(cursor.rowcount)


def seat_state(event: Event) -> tuple[bool, bool]:
    """(accepting, has room), read under the counter's row lock, held until commit."""
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SEATS, [event.pk])
        row = cursor.fetchone()
    if row is None:  # the event predates its counter
        Seats.objects.get_or_create(
            event_id=event.pk,
            defaults={"capacity": event.capacity, "accepting": True},
        )
        return seat_state(event)
    accepting, capacity, taken = row
    return bool(accepting), capacity is None or taken < capacity


def refuse_if_not_accepting(event: Event, accepting: bool) -> None:
    if not accepting:
        # Cancelled or unpublished since it was read: say which, from fresh data.
        check_open(Event.objects.get(pk=event.pk))
        raise Conflict(_("This event is not open for registration."), "event_not_published")


def release_seat(event: Event) -> None:
    Seats.objects.filter(pk=event.pk, taken__gt=0).update(taken=F("taken") - 1)


def take_choices(choice_ids: list[int]) -> None:
    for choice_id in choice_ids:
        if not Choice.objects.filter(_has_room(Q(pk=choice_id))).update(taken=F("taken") + 1):
            choice = Choice.objects.filter(pk=choice_id).first()
            if choice is None:  # removed since the questions were read
                raise ValidationError(
                    {"answers": [_("The questions have changed: reload the form and answer.")]}
                )
            raise Conflict(
                _("No places are left for “%(choice)s”.") % {"choice": choice.label},
                "choice_full",
            )


def release_choices(choice_ids: list[int]) -> None:
    if choice_ids:
        Choice.objects.filter(pk__in=choice_ids, taken__gt=0).update(taken=F("taken") - 1)


def fill_free_seats(event: Event) -> list[Registration]:
    """Promote people from the waiting list, first come first served, while seats are free.

    Nobody is promoted once the event has ended: the figures of a held event do not move."""
    promoted: list[Registration] = []
    if event_has_ended(event):
        return promoted
    while True:
        candidate = (
            Registration.objects.select_for_update(no_key=True)
            .filter(event=event, status=Status.WAITLISTED)
            .order_by("waitlist_seq")
            .first()
        )
        if candidate is None:
            # FOR UPDATE with LIMIT can skip a row that changed while we waited: look again.
            if Registration.objects.filter(event=event, status=Status.WAITLISTED).exists():
                continue
            break
        with connection.cursor() as cursor:
            cursor.execute(PROMOTE, [event.pk])
            if not cursor.rowcount:
                break
        candidate.status = Status.PENDING if event.requires_approval else Status.CONFIRMED
        candidate.waitlist_seq = None
        candidate.save(update_fields=["status", "waitlist_seq", "updated_at"])
        announce(candidate, previous_status=Status.WAITLISTED)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def sync_seats(event: Event) -> None:
    """Called when an event is saved: the counter follows its status and capacity, and
    seats added to a published event go to the waiting list."""
    accepting = event.status == Event.Status.PUBLISHED
    seats, _created = Seats.objects.select_for_update().get_or_create(
        event_id=event.pk, defaults={"capacity": event.capacity, "accepting": accepting}
    )
    if seats.accepting != accepting:
        Seats.objects.filter(pk=event.pk).update(accepting=accepting)
    if seats.capacity == event.capacity:
        return
    if event.capacity is not None and event.capacity < seats.taken:
        raise ValidationError(
            {
                "capacity": [
                    _("%(taken)d seats are already taken: capacity cannot be lower.")
                    % {"taken": seats.taken}
                ]
            }
        )
    Seats.objects.filter(pk=event.pk).update(capacity=event.capacity)
    fill_free_seats(event)


# --- Registering ----------------------------------------------------------------------------

# slug -> (version, event): see event_cache.py.
_event_cache: dict[str, tuple[int, Event]] = {}


def event_for_registration(slug: str) -> Event:
    """The public event a registration is for, kept per process until any event changes.

    The copy is current (event_cache.py); the seat update also checks in the database that
    the event is still published (`Seats.accepting`).
    """
    version = event_cache.current_version()
    cached = _event_cache.get(slug)
    if cached and version is not None and cached[0] == version:
        return cached[1]
    event = (
        Event.objects.select_related("seats")
        .filter(slug=slug, status__in=(Event.Status.PUBLISHED, Event.Status.CANCELLED))
        .first()
    )
    if event is None:
        raise NotFound(_("Not found."))
    if version is not None:
        if len(_event_cache) > 1000:
            _event_cache.clear()
        _event_cache[slug] = (version, event)
    return event


_question_cache: dict[tuple[Any, int], list[Question]] = {}


def questions_of(event: Event) -> list[Question]:
    """The event's questions with their choices, cached per process until they change.

    The version comes with the event when it was loaded with `select_related("seats")`,
    so the registration hot path reads no question rows at all.
    """
    seats = getattr(event, "seats", None)
    version = seats.questions_version if seats else None
    if version is None:
        return list(event.questions.prefetch_related("choices"))
    key = (event.uuid, version)
    if key not in _question_cache:
        if len(_question_cache) > 512:
            _question_cache.clear()
        _question_cache[key] = list(event.questions.prefetch_related("choices"))
    return _question_cache[key]


def questions_changed(event: Event) -> None:
    Seats.objects.filter(pk=event.pk).update(questions_version=F("questions_version") + 1)
    event_cache.events_changed()  # the kept copies carry the old questions version


def check_open(event: Event) -> None:
    if event.status == Event.Status.CANCELLED:
        raise Conflict(_("This event has been cancelled."), "event_cancelled")
    if event.status != Event.Status.PUBLISHED:
        raise Conflict(_("This event is not open for registration."), "event_not_published")
    now = timezone.now()
    if event.registration_opens and now < event.registration_opens:
        opens = dates.when(event.registration_opens, event.timezone)
        raise Conflict(
            _("Registration opens on %(when)s.") % {"when": opens}, "registration_not_open"
        )
    if now >= (event.registration_closes or event.end):
        raise Conflict(_("Registration for this event has closed."), "registration_closed")


def check_participant_type(event: Event, participant_type: str) -> None:
    offered = event.participant_types or list(ParticipantType.values)
    if participant_type not in offered:
        raise ValidationError(
            {"participant_type": [_("This event does not offer this participant type.")]}
        )


def _duplicate(exc: IntegrityError) -> bool:
    return "registration_one_active_per_email" in str(exc)


def register(
    event: Event, data: dict[str, Any], *, admit: Callable[[], None] | None = None
) -> Registration:
    """Register one person: confirmed, pending approval or waitlisted, or Conflict if not.

    A waitlisted registration comes back with `position`, its place in line as it joined.
    `admit` runs once the attempt is valid for an open event, just before it is written: the
    per-address abuse limit, so attempts at a closed event or with bad input never count.
    An address already registered gets the answer a new one would get where that says
    nothing (full: `event_full`), else `check_email`; its owner is emailed their link.
    """
    check_open(event)
    participant_type = data.get("participant_type") or ParticipantType.DELEGATE
    check_participant_type(event, participant_type)
    questions = questions_of(event)
    answers = clean_answers(questions, data.get("answers"))
    if data.get("consent") is not True:
        raise ValidationError(
            {"consent": [_("Please agree to the data-processing notice to register.")]}
        )
    registration = Registration(
        event=event,
        status=Status.PENDING if event.requires_approval else Status.CONFIRMED,
        name=data["name"].strip(),
        email=data["email"].strip(),
        affiliation=data.get("affiliation", "").strip(),
        country=data.get("country", "").upper(),
        language=data.get("language") or "en",
        participant_type=participant_type,
        answers=answers,
        held_choices=held_choice_ids(questions, answers),
        consent_at=timezone.now(),
        consent_notice_version=event.privacy_notice_label,
        public_listing=bool(data.get("public_listing")),
    )
    if admit is not None:
        admit()
    try:
        with transaction.atomic():
            # The insert comes first and the hot seat row last, so its lock is held briefly.
            registration.save()
            take_choices(registration.held_choices)
            if not _looked_full(event) and take_seat(event):
                announce(registration, previous_status=None)
            else:
                _join_waitlist(event, registration)
    except IntegrityError as exc:
        if _duplicate(exc):
            _refuse_registered_address(event, registration.email)
        raise
    return registration


def _refuse_registered_address(event: Event, email: str) -> None:
    """Answer an address that is already registered without saying so: its owner is emailed
    their link (through the link outbox, as "I lost my link" is), and the caller is told what
    a new address would be told where that is a refusal."""
    request_manage_link(event, email)
    accepting, has_room = _seats_now(event)
    if not accepting:
        check_open(Event.objects.get(pk=event.pk))
    if not has_room and not event.waitlist_enabled:
        raise Conflict(_("This event is full."), "event_full")
    raise Conflict(
        _(
            "We could not take this registration. If this address is already registered for "
            "this event, we have just emailed it the link to manage that registration."
        ),
        "check_email",
    )


def _seats_now(event: Event) -> tuple[bool, bool]:
    """(accepting, has room) as the counter says now, without locking it."""
    seats = Seats.objects.filter(pk=event.pk).values("accepting", "capacity", "taken").first()
    if seats is None:
        return True, True
    has_room = seats["capacity"] is None or seats["taken"] < seats["capacity"]
    return seats["accepting"], has_room


def announce(registration: Registration, previous_status: str | None, reason: str = "") -> None:
    registration_changed.send(
        sender=Registration,
        registration=registration,
        previous_status=previous_status,
        reason=reason,
    )


def _looked_full(event: Event) -> bool:
    """Whether the counter read with the (cached) event was full: then skip straight to the
    waiting list, whose final check under the lock still takes a seat freed since."""
    if not Event.seats.is_cached(event):
        return False
    seats = event.seats
    return seats.capacity is not None and seats.taken >= seats.capacity


def _join_waitlist(event: Event, registration: Registration) -> None:
    """No seat was free: wait in line, or be turned away.

    The answer is made final under the counter's lock: if a seat was freed meanwhile by a
    transaction that could not yet see this registration, it is taken here.
    """
    if not event.waitlist_enabled:
        accepting, has_room = seat_state(event)
        refuse_if_not_accepting(event, accepting)
        if not (has_room and take_seat(event)):
            raise Conflict(_("This event is full."), "event_full")
        announce(registration, previous_status=None)
        return
    with connection.cursor() as cursor:
        cursor.execute(JOIN_WAITLIST, [event.pk])
        row = cursor.fetchone()
        if row is None:  # the event predates its counter
            seat_state(event)
            return _join_waitlist(event, registration)
        accepting, capacity, taken, waiting, place = row
        refuse_if_not_accepting(event, accepting)
        if capacity is None or taken < capacity:  # a seat was freed meanwhile: take it
            cursor.execute(PROMOTE, [event.pk])
            announce(registration, previous_status=None)
            return
    registration.status = Status.WAITLISTED
    registration.waitlist_seq = place
    registration.position = waiting
    Registration.objects.filter(pk=registration.pk).update(
        status=Status.WAITLISTED, waitlist_seq=place
    )
    announce(registration, previous_status=None)


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id,
        status=Status.WAITLISTED,
        waitlist_seq__lt=registration.waitlist_seq,
    ).count()
    return ahead + 1


def find_by_token(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("event")
        .filter(manage_token=token, erased_at__isnull=True)
        .first()
    )
    if registration is None:
        raise NotFound(_("This link is not valid any more."))
    return registration


def request_manage_link(event: Event, email: str) -> None:
    """Email the manage link to this address if it has a registration; say nothing either way.

    The request does the same work whether or not the address is registered: one row in the
    link outbox, no lookup and no broker call. The worker answers it (`answer_link_requests`,
    from the outbox sweep), so neither the answer nor its timing tells who is registered.
    """
    LinkRequest.objects.create(event=event, email=email.strip()[:254])


def answer_link_requests(limit: int = 500) -> int:
    """Email each requested link whose address has a registration; forget every request."""
    answered = 0
    for request in LinkRequest.objects.order_by("id")[:limit]:
        with transaction.atomic():
            if not LinkRequest.objects.filter(pk=request.pk).delete()[0]:
                continue  # another worker took it
            mine = Registration.objects.filter(
                event_id=request.event_id, email_key=email_key(request.email), erased_at=None
            ).order_by("-id")
            registration = mine.filter(status__in=ACTIVE_STATUSES).first() or mine.first()
            if registration is not None:
                manage_link_requested.send(sender=Registration, registration=registration)
                answered += 1
    return answered


@transaction.atomic
def revoke_manage_link(registration: Registration, *, actor) -> Registration:
    """The old link stops working at once; the person is emailed a new one."""
    registration.manage_token = new_manage_token()
    registration.save(update_fields=["manage_token", "updated_at"])
    record(registration.event, actor, "registration.link_revoked", registration=registration.pk)
    manage_link_requested.send(sender=Registration, registration=registration)
    return registration


# --- Changing and leaving -------------------------------------------------------------------

AUDITED_FIELDS = (*PERSONAL_FIELDS, "answers", "public_listing")


# Only the person decides whether their name is on the public list (consent): organisers
# never set it, through any channel.
ATTENDEE_ONLY_FIELDS = ("public_listing",)


@transaction.atomic
def update_registration(
    registration: Registration, data: dict[str, Any], *, by_attendee: bool, actor=None
) -> Registration:
    """Change contact details and answers. Attendees may do so until registration closes.

    An organiser's change (by_attendee=False) is written to the audit log with the names of
    the fields it changed, never their values (they are personal data)."""
    if not by_attendee:
        refused = [name for name in ATTENDEE_ONLY_FIELDS if name in data]
        if refused:
            raise ValidationError(
                {name: [_("Only the attendee can change this.")] for name in refused}
            )
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    event = registration.event
    before = {name: getattr(registration, name) for name in AUDITED_FIELDS}
    if by_attendee and timezone.now() >= (event.registration_closes or event.end):
        raise Conflict(_("Registration has closed: changes are no longer possible."), "closed")
    if not registration.is_active and by_attendee:
        raise Conflict(_("This registration is no longer active."), "not_active")
    if "participant_type" in data:
        check_participant_type(event, data["participant_type"])
    new_email = None
    if by_attendee and email_key(data.get("email") or registration.email) != email_key(
        registration.email
    ):
        # Another mailbox: the change takes effect only once confirmed from that mailbox.
        new_email = data["email"].strip()
        data = {name: value for name, value in data.items() if name != "email"}
    if "answers" in data:
        questions = questions_of(event)
        answers = clean_answers(questions, data["answers"])
        new_choices = held_choice_ids(questions, answers)
        if registration.is_active:
            release_choices([c for c in registration.held_choices if c not in new_choices])
            take_choices([c for c in new_choices if c not in registration.held_choices])
            registration.held_choices = new_choices
        registration.answers = answers
    for name in ("name", "email", "affiliation", "country", "language", "participant_type"):
        if name in data:
            value = data[name].strip() if isinstance(data[name], str) else data[name]
            setattr(registration, name, value.upper() if name == "country" else value)
    if "public_listing" in data:
        registration.public_listing = bool(data["public_listing"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if _duplicate(exc):
            raise Conflict(
                _("Another registration for this event already uses this email address."),
                "already_registered",
            ) from None
        raise
    changed = [name for name in AUDITED_FIELDS if getattr(registration, name) != before[name]]
    if not by_attendee and changed:
        record(event, actor, "registration.updated", registration=registration.pk, fields=changed)
    if new_email:
        request_email_change(registration, new_email)
    return registration


EMAIL_CHANGE_SALT = "registration.email_change"
EMAIL_CHANGE_MAX_AGE = 2 * 24 * 3600  # seconds a confirmation link works


def request_email_change(registration: Registration, new_email: str) -> None:
    """Email the new address a link that makes the change; nothing changes until it is
    opened, and the answer is the same whether or not that address is registered already."""
    token = signing.dumps(
        {"r": registration.pk, "to": new_email, "from": email_key(registration.email)},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )
    email_change_requested.send(
        sender=Registration, registration=registration, new_email=new_email, token=token
    )


@transaction.atomic
def confirm_email_change(token: str) -> tuple[Registration, bool]:
    """Apply a confirmed email change. (registration, False) when the new address has been
    registered for the event meanwhile: only whoever opened the link (its owner) is told."""
    try:
        asked = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise NotFound(_("This link is not valid any more.")) from None
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .filter(pk=asked["r"], erased_at__isnull=True)
        .first()
    )
    # Used already, or the address changed since: the link is spent.
    if registration is None or email_key(registration.email) != asked["from"]:
        raise NotFound(_("This link is not valid any more."))
    registration.email = asked["to"]
    try:
        with transaction.atomic():
            registration.save(update_fields=["email", "updated_at"])
    except IntegrityError as exc:
        if _duplicate(exc):
            registration.refresh_from_db()
            return registration, False
        raise
    return registration, True


def event_has_ended(event: Event) -> bool:
    return timezone.now() >= event.end


def refuse_if_ended(event: Event) -> None:
    """Once an event has ended nobody leaves it: its figures are final."""
    if event_has_ended(event):
        raise Conflict(
            _("This event has ended: its registrations can no longer be cancelled or rejected."),
            "event_ended",
        )


def _leave(
    registration: Registration, new_status: str, reason: str = "", *, only_from: str | None = None
) -> Registration:
    """Move an active registration out, free what it held and fill the seat from the list.

    The state is checked under the row lock: `only_from` refuses a registration that another
    transaction moved meanwhile (a reject racing an approve). Once the event has ended nobody
    leaves: its figures are final (erasure keeps the status and does not come here then).
    """
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    if only_from == Status.PENDING and registration.status != Status.PENDING:
        raise Conflict(_("Only registrations waiting for approval can be rejected."), "not_pending")
    if not registration.is_active:
        raise Conflict(_("This registration is already cancelled or rejected."), "not_active")
    refuse_if_ended(registration.event)
    previous = registration.status
    registration.status = new_status
    registration.decision_reason = reason
    registration.waitlist_seq = None
    registration.save(update_fields=["status", "decision_reason", "waitlist_seq", "updated_at"])
    release_choices(registration.held_choices)
    if previous in (Status.CONFIRMED, Status.PENDING):
        release_seat(registration.event)
    else:
        Seats.objects.filter(pk=registration.event_id, waitlisted__gt=0).update(
            waitlisted=F("waitlisted") - 1
        )
    registration_changed.send(
        sender=Registration, registration=registration, previous_status=previous, reason=reason
    )
    fill_free_seats(registration.event)
    return registration


@transaction.atomic
def cancel(registration: Registration, *, actor=None, reason: str = "") -> Registration:
    registration = _leave(registration, Status.CANCELLED, reason)
    if actor is not None:
        record(registration.event, actor, "registration.cancelled", registration=registration.pk)
    return registration


@transaction.atomic
def approve(registration: Registration, *, actor) -> Registration:
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    if registration.status != Status.PENDING:
        raise Conflict(_("Only registrations waiting for approval can be approved."), "not_pending")
    registration.status = Status.CONFIRMED
    registration.save(update_fields=["status", "updated_at"])
    registration_changed.send(
        sender=Registration, registration=registration, previous_status=Status.PENDING, reason=""
    )
    record(registration.event, actor, "registration.approved", registration=registration.pk)
    return registration


@transaction.atomic
def reject(registration: Registration, *, actor, reason: str = "") -> Registration:
    registration = _leave(registration, Status.REJECTED, reason, only_from=Status.PENDING)
    record(registration.event, actor, "registration.rejected", registration=registration.pk)
    return registration


def approve_many(event: Event, ids: list[int], *, actor) -> list[Registration]:
    pending = Registration.objects.filter(event=event, pk__in=ids, status=Status.PENDING)
    return [approve(registration, actor=actor) for registration in pending.order_by("id")]


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


# --- Check-in -------------------------------------------------------------------------------

# --- Counts ---------------------------------------------------------------------------------


def counts(event: Event) -> dict[str, Any]:
    """Live figures for the organisers: one aggregate query plus the limited choices."""
    totals = Registration.objects.filter(event=event).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Status.values},
        checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
    )
    taken = totals[Status.CONFIRMED] + totals[Status.PENDING]
    choices = [
        {
            "id": choice.pk,
            "question": choice.question_id,
            "label": choice.label,
            "capacity": choice.capacity,
            "taken": choice.taken,
            "seats_left": choice.seats_left,
        }
        for choice in Choice.objects.filter(question__event=event, capacity__isnull=False)
    ]
    return {
        "capacity": event.capacity,
        **totals,
        "seats_left": None if event.capacity is None else max(event.capacity - taken, 0),
        "choices": choices,
    }


def availability(event: Event) -> dict[str, Any]:
    """What the public pages say about seats: a state and the seats left (None if unlimited).

    Reads the seat counter only (load the event with `select_related("seats")` for lists).
    States: open, waitlist (full, people may queue), full, not_open_yet, closed, cancelled.
    """
    seats = getattr(event, "seats", None)
    left = None
    if event.capacity is not None:
        taken = seats.taken if seats else 0
        left = max(event.capacity - taken, 0)
    now = timezone.now()
    if event.status == Event.Status.CANCELLED:
        state = "cancelled"
    elif event.status != Event.Status.PUBLISHED or now >= (event.registration_closes or event.end):
        state = "closed"
    elif event.registration_opens and now < event.registration_opens:
        state = "not_open_yet"
    elif left == 0:
        state = "waitlist" if event.waitlist_enabled else "full"
    else:
        state = "open"
    return {"state": state, "seats_left": left, "capacity": event.capacity}


def choice_seats_left(event: Event) -> dict[int, int]:
    """Seats left per limited choice of the event's questions, read fresh (not cached)."""
    return {
        choice.pk: choice.seats_left
        for choice in Choice.objects.filter(question__event=event, capacity__isnull=False)
    }


def public_participants(event: Event) -> list[dict[str, str]]:
    """Confirmed people who agreed to be listed: name, organisation and country only."""
    return list(
        Registration.objects.filter(
            event=event, status=Status.CONFIRMED, public_listing=True, erased_at__isnull=True
        )
        .order_by("name")
        .values("name", "affiliation", "country")
    )


def counts_by_event(events: list[Event]) -> dict[int, dict[str, int]]:
    """Registrations per status and check-ins for many events, in one aggregate query."""
    rows = (
        Registration.objects.filter(event__in=events)
        .values("event_id")
        .annotate(
            **{status: Count("id", filter=Q(status=status)) for status in Status.values},
            checked_in=Count("id", filter=Q(checked_in_at__isnull=False)),
        )
    )
    return {row.pop("event_id"): row for row in rows}


def registrations_per_day(events: list[Event], days: int = 30) -> list[tuple[date, int]]:
    """New registrations per day (in the site's timezone) over the last `days` days."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        Registration.objects.filter(event__in=events, created_at__date__gte=first)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("id"))
    )
    per_day = {row["day"]: row["n"] for row in rows}
    return [
        (first + timedelta(days=i), per_day.get(first + timedelta(days=i), 0)) for i in range(days)
    ]


def breakdown(event: Event, field: str) -> list[tuple[str, int]]:
    """Active registrations grouped by one field (country, participant type, status)."""
    if field not in ("country", "participant_type", "status"):
        raise ValueError(field)
    registrations = Registration.objects.filter(event=event)
    if field != "status":
        registrations = registrations.filter(status__in=ACTIVE_STATUSES)
    rows = registrations.values(field).annotate(n=Count("id")).order_by("-n", field)
    return [(row[field], row["n"]) for row in rows]


# --- Questions ------------------------------------------------------------------------------


@transaction.atomic
def save_question(
    event: Event, data: dict[str, Any], *, actor, question: Question | None = None
) -> Question:
    data = dict(data)
    choices = data.pop("choices", None)
    creating = question is None
    question = question or Question(event=event)
    for name, value in data.items():
        setattr(question, name, value)
    question.save()
    if choices is not None:
        _save_choices(question, choices)
    questions_changed(event)
    record(
        event,
        actor,
        "question.created" if creating else "question.updated",
        question=question.label,
    )
    return question


def _save_choices(question: Question, choices: list[dict[str, Any]]) -> None:
    existing = {choice.pk: choice for choice in question.choices.select_for_update()}
    kept = set()
    for position, data in enumerate(choices):
        choice = existing.get(data.get("id")) or Choice(question=question)
        capacity = data.get("capacity", choice.capacity)
        if capacity is not None and capacity < choice.taken:
            raise ValidationError(
                {
                    "choices": [
                        _("“%(choice)s” already has %(taken)d people: capacity cannot be lower.")
                        % {"choice": choice.label, "taken": choice.taken}
                    ]
                }
            )
        choice.label_en = data.get("label_en", choice.label_en)
        choice.label_vi = data.get("label_vi", choice.label_vi)
        choice.capacity = capacity
        choice.position = position
        choice.save()
        kept.add(choice.pk)
    for pk, choice in existing.items():
        if pk not in kept:
            if choice.taken:
                raise ValidationError(
                    {
                        "choices": [
                            _("“%(choice)s” has been chosen already and cannot be removed.")
                            % {"choice": choice.label}
                        ]
                    }
                )
            choice.delete()


@transaction.atomic
def delete_question(question: Question, *, actor) -> None:
    if Choice.objects.filter(question=question, taken__gt=0).exists():
        raise Conflict(
            _("People have already answered this question: it cannot be deleted."),
            "question_answered",
        )
    record(question.event, actor, "question.deleted", question=question.label)
    question.delete()
    questions_changed(question.event)
