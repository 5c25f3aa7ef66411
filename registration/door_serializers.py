"""What the offline door and the walk-in desk send and get (registration/door_views.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from events.models import ParticipantType

from .door_sync import MAX_BATCH
from .models import DoorScan, Registration


class RosterPersonSerializer(serializers.Serializer):
    """One person as the door's roster holds them: these four fields and nothing else."""

    name = serializers.CharField()
    participant_type = serializers.ChoiceField(choices=ParticipantType.choices)
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    ticket_code = serializers.CharField()


class RosterSerializer(serializers.Serializer):
    event = serializers.CharField(help_text="The event's slug.")
    day = serializers.DateField(help_text="The event's calendar day of `checked_in_today`.")
    expires_at = serializers.DateTimeField(
        help_text="Devices delete the roster after this: the end of the event's last day."
    )
    people = RosterPersonSerializer(many=True)
    checked_in_today = serializers.ListField(
        child=serializers.CharField(), help_text="Ticket codes already checked in this day."
    )


class QueuedScanSerializer(serializers.Serializer):
    key = serializers.UUIDField(help_text="Made by the device for this scan: its idempotency key.")
    code = serializers.CharField(max_length=64)
    scanned_at = serializers.DateTimeField(
        required=False,
        help_text="When the device scanned it; ignored if more than 5 minutes ahead of the "
        "server or older than 7 days.",
    )


class SyncSerializer(serializers.Serializer):
    scans = QueuedScanSerializer(many=True, allow_empty=False, max_length=MAX_BATCH)


class ScanResultSerializer(serializers.Serializer):
    key = serializers.UUIDField()
    outcome = serializers.ChoiceField(choices=DoorScan.Outcome.choices)
    code = serializers.CharField(
        help_text="`checked_in`, `already_checked_in`, `unknown`, or the refusal's code "
        "(`ticket_cancelled`, `ticket_waitlisted`…)."
    )
    duplicate = serializers.BooleanField(
        help_text="Another device (or scan) also admitted this ticket that day: one check-in."
    )
    name = serializers.CharField(allow_blank=True)
    participant_type = serializers.CharField(allow_blank=True)
    ticket_code = serializers.CharField(allow_blank=True)
    scanned_at = serializers.DateTimeField(help_text="In the event's timezone.")
    detail = serializers.CharField()


class SyncResultSerializer(serializers.Serializer):
    results = ScanResultSerializer(many=True)


class WalkInSerializer(serializers.Serializer):
    """A person registered at the door by the event's staff."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    participant_type = serializers.ChoiceField(choices=ParticipantType.choices, required=False)
    language = serializers.ChoiceField(choices=Registration.Language.choices, required=False)
    consent = serializers.BooleanField(
        help_text=_("Must be true: the person agreed to the event's data-processing notice.")
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Please give the person's name."))
        return value


class WalkInResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    participant_type = serializers.CharField()
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    ticket_code = serializers.CharField(
        help_text="Emailed to the person with their link, as for any registration."
    )
    checked_in = serializers.BooleanField(help_text="Checked in now (confirmed walk-ins only).")
    waitlist_position = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField()
