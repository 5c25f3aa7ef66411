"""One function per action on registrations, called by both the API view and the page.

Each takes who asks (`client`: the HTTP request, which the abuse limits count by address or
by signed-in user), the input, and for team actions the `actor`; it applies the limits,
validates the input with the API's serializer (one set of field rules for both channels) and
the rule, and returns the outcome. The views only translate input and output: none of them
imports the rate limiter.
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from core import ratelimit
from core.emails import email_key, per_event
from core.exceptions import NotFound
from events.models import Event

from . import certificates, changes, checkin, door_sync, links, seats, walk_ins
from .door_serializers import SyncSerializer, WalkInSerializer
from .models import Certificate, Registration
from .serializers import CheckInSerializer, EmailSerializer, RegisterSerializer


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def register(client: HttpRequest, event: Event, data: Mapping[str, Any]) -> Registration:
    """Register someone. Counted per caller's address before anything, and per email address
    (this event only) when a seat or a place on the waiting list would be taken."""
    ratelimit.limit(client, "register")
    checked = _valid(RegisterSerializer, data)
    key = per_event(event.pk, checked["email"])
    return seats.register(
        event, checked, admit=lambda: ratelimit.limit(client, "register-email", key)
    )


def resend_link(client: HttpRequest, event: Event, data: Mapping[str, Any]) -> None:
    """Email the manage link if this address is registered; the outcome is the same either
    way, so nothing tells whether it is."""
    ratelimit.limit(client, "resend")
    email = _valid(EmailSerializer, data)["email"]
    ratelimit.limit(client, "resend-email", per_event(event.pk, email))
    links.request_manage_link(event, email)


def registration_by_token(client: HttpRequest, token: str) -> Registration:
    """The registration a manage link names. Only unknown links count (429 past the rate) and
    only they are refused: a valid link is always answered, even from a venue's shared Wi-Fi
    where someone else guesses links."""
    try:
        return links.find_by_token(token)
    except NotFound:
        ratelimit.limit(client, "token")
        raise


def confirm_email_change(client: HttpRequest, token: str) -> tuple[Registration, bool]:
    """Open the link emailed to a new address; unknown links count as manage links do."""
    try:
        return changes.confirm_email_change(token)
    except NotFound:
        ratelimit.limit(client, "token")
        raise


def update_by_attendee(
    client: HttpRequest, registration: Registration, checked: dict[str, Any]
) -> Registration:
    """The attendee changes their details (`checked`: validated by the attendee serializer).
    Asking for another address is limited per registration: each one emails a stranger."""
    if email_key(checked.get("email") or registration.email) != email_key(registration.email):
        ratelimit.limit(client, "email-change", str(registration.pk))
    return changes.update_registration(registration, checked, by_attendee=True)


def check_in(
    client: HttpRequest, event: Event, data: Mapping[str, Any], *, actor
) -> checkin.Admission:
    """Admit the holder of the ticket code in `data` for today (door staff)."""
    ratelimit.limit(client, "check-in")
    code = _valid(CheckInSerializer, data)["code"]
    return checkin.check_in(event, code, actor=actor)


def undo_check_in(client: HttpRequest, event: Event, code: str, *, actor) -> Registration:
    """Undo today's check-in of this ticket code (door staff); the same counter as admitting."""
    ratelimit.limit(client, "check-in")
    return checkin.undo_check_in(event, code, actor=actor)


def register_walk_in(
    client: HttpRequest, event: Event, data: Mapping[str, Any], *, actor
) -> walk_ins.WalkIn:
    """Register someone at the door (door staff). Counted on the check-in limit, as a scan,
    then per email address (this event only) as any registration."""
    ratelimit.limit(client, "check-in")
    checked = _valid(WalkInSerializer, data)
    key = per_event(event.pk, checked["email"])
    return walk_ins.register_walk_in(
        event, checked, actor=actor, admit=lambda: ratelimit.limit(client, "register-email", key)
    )


def sync_door_scans(
    client: HttpRequest, event: Event, data: Mapping[str, Any], *, actor
) -> list[door_sync.ScanResult]:
    """Apply the scans a door device made offline. One request is one count on the check-in
    limit, whatever its number of scans."""
    ratelimit.limit(client, "check-in")
    scans = _valid(SyncSerializer, data)["scans"]
    return door_sync.sync_scans(event, scans, actor=actor)


def verify_certificate(client: HttpRequest, code: str) -> Certificate:
    """The certificate a code names (anyone, from its QR code). Only wrong codes count, on
    the same limit as unknown manage links: a real certificate is always answered."""
    try:
        return certificates.find_by_code(code)
    except NotFound:
        ratelimit.limit(client, "token")
        raise
