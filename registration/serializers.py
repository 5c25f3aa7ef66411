from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.bilingual import BilingualMixin
from core.countries import resolve_country
from events.models import ParticipantType

from . import seats
from .models import Choice, Question, Registration


class CountryField(serializers.CharField):
    """Stored as the ISO 3166-1 alpha-2 code. Accepted as that code in any case, or as the
    country's name in English or Vietnamese ("Việt Nam", "Korea, Republic of"), accents and case
    aside — what the registration page's field sends. Anything else is a 400."""

    default_error_messages = {
        "invalid_country": _(
            "“%(value)s” is not a country we know. Choose one from the list, or give its "
            "two-letter ISO 3166-1 code, such as VN."
        )
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)  # a name may be typed; the code stored is 2
        kwargs.setdefault(
            "help_text",
            _("ISO 3166-1 alpha-2 code (any case) or the name in English or Vietnamese."),
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        if not text.strip():
            return ""
        code = resolve_country(text)
        if code is None:
            raise serializers.ValidationError(
                self.error_messages["invalid_country"] % {"value": text.strip()},
                code="invalid_country",
            )
        return code


def _clone(field: serializers.Field) -> serializers.Field:
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class RegisterSerializer(serializers.Serializer):
    """What a person sends to register. Answers are keyed by question id."""

    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    affiliation = serializers.CharField(max_length=300, required=False, allow_blank=True)
    country = CountryField(required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=Registration.Language.choices, required=False)
    participant_type = serializers.ChoiceField(choices=ParticipantType.choices, required=False)
    answers = serializers.DictField(required=False, help_text=_("Question id → answer."))
    consent = serializers.BooleanField(
        help_text=_("Must be true: agreement to the event's data-processing notice.")
    )
    public_listing = serializers.BooleanField(required=False, default=False)

    def get_fields(self) -> dict[str, serializers.Field]:
        # Shallow copies of the declared fields, not DRF's deep copies, which build every
        # field anew (its validators too) for each registration: a fifth of the hot path's
        # CPU. Nothing changes these fields per request; binding sets only the copy's own
        # attributes.
        return {name: _clone(field) for name, field in self._declared_fields.items()}

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Please give your name."))
        return value


class RegistrationCreatedSerializer(serializers.Serializer):
    """The answer to a registration (built by the view, described here for the schema)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Registration.Status.choices)
    waitlist_position = serializers.IntegerField(allow_null=True)
    position = serializers.IntegerField(allow_null=True, help_text=_("Same as waitlist_position."))


class AttendeeRegistrationSerializer(serializers.ModelSerializer):
    """The attendee's own view, reached through the manage link."""

    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    event_title = serializers.CharField(source="event.title", read_only=True)
    waitlist_position = serializers.SerializerMethodField()
    online_url = serializers.SerializerMethodField()
    country = CountryField(required=False, allow_blank=True)
    answers = serializers.DictField(required=False)
    ticket_code = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Empty until the registration is confirmed.")
    )

    class Meta:
        model = Registration
        fields = [
            "id",
            "event",
            "event_title",
            "status",
            "waitlist_position",
            "name",
            "email",
            "affiliation",
            "country",
            "language",
            "participant_type",
            "answers",
            "public_listing",
            "ticket_code",
            "checked_in_at",
            "decision_reason",
            "consent_at",
            "consent_notice_version",
            "online_url",
            "created_at",
        ]
        # Attendees correct their contact details and answers; the type is the organisers'.
        read_only_fields = [
            "status",
            "participant_type",
            "ticket_code",
            "checked_in_at",
            "decision_reason",
            "consent_at",
            "consent_notice_version",
            "created_at",
        ]

    def get_waitlist_position(self, registration) -> int | None:
        return seats.waitlist_position(registration)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_online_url(self, registration) -> str | None:
        if registration.status == Registration.Status.CONFIRMED:
            return registration.event.online_url or None
        return None

    def to_representation(self, registration):
        data = super().to_representation(registration)
        if registration.status != Registration.Status.CONFIRMED:
            data["ticket_code"] = None
        return data


class OrganiserRegistrationSerializer(AttendeeRegistrationSerializer):
    """The team's view: everything but the manage link."""

    class Meta(AttendeeRegistrationSerializer.Meta):
        fields = [
            field
            for field in AttendeeRegistrationSerializer.Meta.fields
            if field not in ("event", "event_title", "online_url")
        ] + ["updated_at"]
        read_only_fields = [
            field
            for field in AttendeeRegistrationSerializer.Meta.read_only_fields
            if field != "participant_type"
        ] + ["public_listing", "updated_at"]

    def validate(self, attrs):
        # Consent to the public list is the attendee's alone (manage link): refused, not
        # silently dropped, so a client learns its change did not happen.
        if "public_listing" in self.initial_data:
            raise serializers.ValidationError(
                {"public_listing": [_("Only the attendee can change this.")]}
            )
        return super().validate(attrs)

    def get_waitlist_position(self, registration) -> int | None:
        positions = self.context.get("waitlist_positions")
        if positions is not None:
            return positions.get(registration.pk)
        return seats.waitlist_position(registration)

    def to_representation(self, registration):
        return serializers.ModelSerializer.to_representation(self, registration)


class DoorRegistrationSerializer(serializers.ModelSerializer):
    """What check-in staff see of a registration: only what the door needs."""

    class Meta:
        model = Registration
        fields = ["id", "name", "participant_type", "status", "ticket_code", "checked_in_at"]
        read_only_fields = fields

    def to_representation(self, registration):
        data = super().to_representation(registration)
        if registration.status != Registration.Status.CONFIRMED:
            data["ticket_code"] = None  # only a confirmed ticket opens the door
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BulkApproveSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)


class EmailSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64)


class CheckInResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    participant_type = serializers.CharField()
    ticket_code = serializers.CharField()
    checked_in_at = serializers.DateTimeField(help_text="This day's check-in, event's timezone.")
    day = serializers.DateField(help_text="The event's calendar day of this check-in.")
    day_label = serializers.CharField(
        help_text='"day 2 (9/2)" of a multi-day event, else the date.'
    )
    already_checked_in = serializers.BooleanField(help_text="Already checked in this day.")
    detail = serializers.CharField()


class DoorPersonSerializer(serializers.Serializer):
    """What the door sees of a person: enough to admit them, nothing more."""

    name = serializers.CharField()
    participant_type = serializers.CharField()
    status = serializers.CharField()
    ticket_code = serializers.CharField()
    checked_in_today = serializers.BooleanField()
    checked_in_at = serializers.DateTimeField(allow_null=True)


class ChoiceSerializer(BilingualMixin, serializers.ModelSerializer):
    bilingual_fields = ("label",)
    id = serializers.IntegerField(required=False)
    label = serializers.CharField(read_only=True)
    seats_left = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Choice
        fields = ["id", "label", "label_en", "label_vi", "capacity", "taken", "seats_left"]
        read_only_fields = ["taken"]


class QuestionSerializer(BilingualMixin, serializers.ModelSerializer):
    bilingual_fields = ("label", "help")
    label = serializers.CharField(read_only=True)
    help = serializers.CharField(read_only=True)
    choices = ChoiceSerializer(many=True, required=False)

    class Meta:
        model = Question
        fields = [
            "id",
            "kind",
            "label",
            "label_en",
            "label_vi",
            "help",
            "help_en",
            "help_vi",
            "required",
            "position",
            "choices",
        ]

    def validate(self, attrs):
        label_en = attrs.get("label_en", getattr(self.instance, "label_en", ""))
        label_vi = attrs.get("label_vi", getattr(self.instance, "label_vi", ""))
        if not (label_en or label_vi):
            raise serializers.ValidationError(
                {"label": [_("Give the question a label in English or Vietnamese.")]}
            )
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        choices = attrs.get("choices")
        has_choices = kind in (Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE)
        if has_choices and choices is not None and not choices:
            raise serializers.ValidationError({"choices": [_("Offer at least one choice.")]})
        if has_choices and choices is None and self.instance is None:
            raise serializers.ValidationError({"choices": [_("Offer at least one choice.")]})
        if not has_choices and choices:
            raise serializers.ValidationError(
                {"choices": [_("Only choice questions have choices.")]}
            )
        for choice in choices or []:
            if not (choice.get("label_en") or choice.get("label_vi")):
                raise serializers.ValidationError(
                    {"choices": [_("Every choice needs a label in English or Vietnamese.")]}
                )
        return attrs
