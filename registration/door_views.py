"""The door's API beyond a single scan: the offline roster, syncing queued scans, walk-ins.

All three are for the event's team, check-in staff included, and count on the check-in
abuse limit (`RATELIMIT_CHECKIN`, per staff account) as a scan does: one sync request is
one count, whatever its number of scans (up to 200).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from core.conditional import conditional
from events.views import EventNestedMixin

from . import actions, checkin, door_sync, walk_ins
from .door_serializers import (
    RosterSerializer,
    SyncResultSerializer,
    SyncSerializer,
    WalkInResultSerializer,
    WalkInSerializer,
)
from .views import RATE_LIMITED

TEAM_ONLY = OpenApiResponse(ErrorSerializer, description="Not on the event's team.")
NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Not signed in.")


class DoorMixin(EventNestedMixin):
    def access_rule(self, request) -> str:
        return "can_check_in"


class DoorRosterView(DoorMixin, APIView):
    """The roster a door device keeps for checking tickets without a network."""

    @extend_schema(
        responses={
            200: RosterSerializer,
            304: OpenApiResponse(description="The device's copy (`If-None-Match`) is current."),
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
        },
        operation_id="event_door_roster",
    )
    def get(self, request, event_slug=None):
        """Everyone registered for the event with only name, participant type, status and
        ticket code (no email, organisation or answers), and the ticket codes already checked
        in today. Carries an `ETag`: send `If-None-Match` to get 304 when nothing changed.
        Devices delete it after `expires_at` and on sign-out."""
        event = self.event
        day = checkin.event_day(event, timezone.now())
        response = conditional(
            request,
            lambda: Response(RosterSerializer(door_sync.roster(event, day)).data),
            etag=door_sync.roster_version(event, day),
            last_modified=None,
        )
        # Personal data: kept by the device in its own store, never by a shared cache.
        response["Cache-Control"] = "private, no-cache"
        return response


class DoorSyncView(DoorMixin, APIView):
    """Scans made offline, sent when the network returns."""

    @extend_schema(
        request=SyncSerializer,
        responses={
            200: SyncResultSerializer,
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
            429: RATE_LIMITED,
        },
        operation_id="event_door_sync",
    )
    def post(self, request, event_slug=None):
        """Each scan (`key` made by the device, `code`, `scanned_at`) is applied exactly once:
        sending a key again answers what it answered first, with `duplicate` brought up to
        date, so a device learns of another device's scan of the same ticket made after its
        own sync. One check-in per person and day, whatever the number of devices."""
        results = actions.sync_door_scans(request, self.event, request.data, actor=request.user)
        return Response({"results": [door_sync.describe(result) for result in results]})


class WalkInView(DoorMixin, APIView):
    """Someone without a registration, registered at the door by the event's staff."""

    @extend_schema(
        request=WalkInSerializer,
        responses={
            201: WalkInResultSerializer,
            401: NOT_SIGNED_IN,
            403: TEAM_ONLY,
            409: OpenApiResponse(
                ErrorSerializer,
                description="As any registration: `event_full`, `event_cancelled`, "
                "`event_ended`, `check_email` (this address may already be registered: its "
                "link has been emailed to it).",
            ),
            429: RATE_LIMITED,
        },
        operation_id="event_walk_in",
    )
    def post(self, request, event_slug=None):
        """Registers the person as any registration would (capacity, waiting list, approval),
        emails them their ticket, and checks them in when confirmed. Audited."""
        walk_in = actions.register_walk_in(request, self.event, request.data, actor=request.user)
        return Response(walk_in_answer(walk_in), status=status.HTTP_201_CREATED)


def walk_in_answer(walk_in: walk_ins.WalkIn) -> dict:
    registration = walk_in.registration
    confirmed = walk_in.admission is not None
    position = getattr(registration, "position", None)
    said = {"name": registration.name, "position": position}
    if confirmed:
        detail = _("%(name)s is registered and checked in. Their ticket is on its way by email.")
    elif position is not None:
        detail = _("%(name)s is on the waiting list, number %(position)s: not checked in.")
    else:
        detail = _("%(name)s is registered, waiting for an organiser's approval: not checked in.")
    return {
        "id": registration.pk,
        "name": registration.name,
        "participant_type": registration.participant_type,
        "status": registration.status,
        "ticket_code": registration.ticket_code if confirmed else "",
        "checked_in": confirmed,
        "waitlist_position": position,
        "detail": detail % said,
    }
