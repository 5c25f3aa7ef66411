"""Walk-ins: someone who turns up at the door without a registration.

Check-in staff register them with the one registration action (`seats.register`): the
same seat counter, waiting list, approval and per-address rules as anyone, only without the
registration window (the event is running). A confirmed walk-in gets their ticket by email
as anyone does, and is checked in at once; the registration is audited with who took it.
"""

from dataclasses import dataclass
from typing import Any

from events.models import Event
from events.services import record

from . import checkin, seats
from .models import Registration


@dataclass(frozen=True)
class WalkIn:
    registration: Registration
    admission: checkin.Admission | None  # None unless confirmed (waiting list, approval)


def register_walk_in(event: Event, data: dict[str, Any], *, actor, admit=None) -> WalkIn:
    """Register a person at the door and, once they hold a confirmed seat, check them in."""
    # Registered in its own transaction, as every registration: a refused address emails
    # its owner their link, and that email must not be rolled back with the refusal.
    registration = seats.register(event, data, admit=admit, walk_in=True)
    record(
        event,
        actor,
        "registration.walk_in",
        registration=registration.pk,
        status=registration.status,
    )
    admission = None
    if registration.status == Registration.Status.CONFIRMED:
        admission = checkin.check_in(event, registration.ticket_code, actor=actor)
    return WalkIn(registration, admission)
