from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.fields import BoundedDateTimeField
from events.models import ParticipantType
from registration.models import Registration

from .models import Delivery, Message, ReminderRule


class ReminderRuleSerializer(serializers.ModelSerializer):
    """Relative: {"minutes_before_start": 120}. Absolute: {"send_at": "<ISO 8601>"}, read in
    the event's timezone when it has no offset."""

    send_at = BoundedDateTimeField(required=False, allow_null=True)
    minutes_before_start = serializers.IntegerField(
        min_value=0, max_value=60 * 24 * 366, required=False, allow_null=True
    )
    participant_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipantType.choices), required=False
    )

    class Meta:
        model = ReminderRule
        fields = [
            "id",
            "minutes_before_start",
            "send_at",
            "due_at",
            "enabled",
            "grace_minutes",
            "subject_en",
            "subject_vi",
            "body_en",
            "body_vi",
            "include_pending",
            "include_waitlisted",
            "participant_types",
            "state",
            "fired_at",
        ]
        read_only_fields = ["due_at", "state", "fired_at"]

    def to_internal_value(self, data):
        with timezone.override(self.context["event"].tzinfo):
            return super().to_internal_value(data)

    def to_representation(self, rule):
        with timezone.override(rule.event.tzinfo):
            return super().to_representation(rule)

    def validate(self, attrs):
        relative = attrs.get(
            "minutes_before_start", getattr(self.instance, "minutes_before_start", None)
        )
        absolute = attrs.get("send_at", getattr(self.instance, "send_at", None))
        if "minutes_before_start" in attrs and attrs["minutes_before_start"] is not None:
            absolute = None
            attrs["send_at"] = None
        elif "send_at" in attrs and attrs["send_at"] is not None:
            relative = None
            attrs["minutes_before_start"] = None
        if (relative is None) == (absolute is None):
            raise serializers.ValidationError(
                _("Give either minutes_before_start or send_at, not both and not neither.")
            )
        return attrs


class BroadcastSerializer(serializers.Serializer):
    subject_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    subject_vi = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body_en = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    body_vi = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    statuses = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[
                Registration.Status.CONFIRMED,
                Registration.Status.PENDING,
                Registration.Status.WAITLISTED,
            ]
        ),
        required=False,
    )
    participant_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipantType.choices), required=False
    )
    checked_in = serializers.BooleanField(required=False, allow_null=True, default=None)
    choices = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=200,
        help_text=_(
            "Only people who picked one of these choices of the event's questions "
            "(e.g. everyone in Workshop A)."
        ),
    )

    def validate(self, attrs):
        if not (attrs.get("body_en") or attrs.get("body_vi")):
            raise serializers.ValidationError(
                {"body_en": [_("Write the message in English or Vietnamese.")]}
            )
        return attrs


class BounceSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class MessageSerializer(serializers.ModelSerializer):
    recipients = serializers.IntegerField(read_only=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "rule",
            "subject_en",
            "subject_vi",
            "body_en",
            "body_vi",
            "details",
            "created_at",
            "recipients",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    to_email = serializers.CharField(
        source="shown_to_email",
        read_only=True,
        help_text=_("erased@erased.invalid once the person's data is erased."),
    )

    class Meta:
        model = Delivery
        fields = [
            "id",
            "kind",
            "message",
            "registration",
            "to_email",
            "language",
            "state",
            "attempts",
            "last_error",
            "next_attempt_at",
            "subject",
            "created_at",
            "sent_at",
        ]


class DeliveryCountsSerializer(serializers.Serializer):
    """The deliveries of one message (a reminder firing, a broadcast, a notice), by state."""

    message_id = serializers.IntegerField()
    message__kind = serializers.CharField(help_text=_("reminder, broadcast, event_changed…"))
    message__rule_id = serializers.IntegerField(allow_null=True)
    queued = serializers.IntegerField()
    sending = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    bounced = serializers.IntegerField()
    withdrawn = serializers.IntegerField()
    total = serializers.IntegerField()
