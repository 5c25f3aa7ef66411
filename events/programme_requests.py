"""Asking for an event to count for a programme, and the programme's staff deciding.

An organiser cannot set the programme of an event themselves: what counts for a programme's
figures is its staff's choice. Like ``events.services``, these functions take the acting user
and check nothing about permissions (callers do, through ``events.access``); each one is
recorded in the event's audit log.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict

from .models import Event, Programme
from .programme_models import ProgrammeRequest
from .services import record

State = ProgrammeRequest.State


def latest_for(event: Event) -> ProgrammeRequest | None:
    """The event's most recent request, whatever its state, for the organiser to see."""
    return event.programme_requests.select_related("programme", "decided_by").first()


def pending_for(programme: Programme):
    """What the programme's staff have to decide, oldest first."""
    return (
        programme.requests.filter(state=State.PENDING)
        .select_related("event", "requested_by")
        .order_by("created_at", "id")
    )


def ask(event: Event, programme: Programme, *, user: AbstractBaseUser) -> ProgrammeRequest:
    """Ask for the event to count for the programme. One open request per event at a time."""
    if event.programme_id == programme.pk:
        raise Conflict(_("The event already counts for this programme."), code="already_linked")
    try:
        with transaction.atomic():
            asked = ProgrammeRequest.objects.create(
                event=event, programme=programme, requested_by=user
            )
    except IntegrityError:  # the database keeps one open request per event
        raise Conflict(
            _("A request is already waiting for a programme's answer. Withdraw it first."),
            code="request_open",
        ) from None
    record(event, user, "programme_request.created", programme=programme.code)
    return asked


def _close(asked: ProgrammeRequest, state: str, user: AbstractBaseUser) -> ProgrammeRequest:
    # Only a request still waiting can change; the row lock keeps two answers from racing.
    with transaction.atomic():
        locked = ProgrammeRequest.objects.select_for_update().get(pk=asked.pk)
        if locked.state != State.PENDING:
            raise Conflict(
                _("This request was already answered or withdrawn."), code="request_closed"
            )
        locked.state = state
        locked.decided_by = user if user.is_authenticated else None
        locked.decided_at = timezone.now()
        locked.save(update_fields=["state", "decided_by", "decided_at"])
        if state == State.ACCEPTED:
            event = locked.event
            old = event.programme.code if event.programme else None
            event.programme = locked.programme
            event.save(update_fields=["programme", "updated_at"])  # also refreshes figures
            record(event, user, "event.updated", programme=[old, locked.programme.code])
    record(locked.event, user, f"programme_request.{state}", programme=locked.programme.code)
    return locked


def withdraw(asked: ProgrammeRequest, *, user: AbstractBaseUser) -> ProgrammeRequest:
    return _close(asked, State.WITHDRAWN, user)


def accept(asked: ProgrammeRequest, *, user: AbstractBaseUser) -> ProgrammeRequest:
    """The event now counts for the programme (and no longer for any other)."""
    return _close(asked, State.ACCEPTED, user)


def decline(asked: ProgrammeRequest, *, user: AbstractBaseUser) -> ProgrammeRequest:
    return _close(asked, State.DECLINED, user)
