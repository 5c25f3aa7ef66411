from django.contrib.auth import get_user_model
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from core.bilingual import BilingualMixin
from core.fields import MAX_CAPACITY, BoundedDateTimeField
from core.text import is_known_timezone

from . import access
from .agenda_models import Session, Speaker
from .models import (
    Event,
    FieldOfScience,
    Invitation,
    Organisation,
    ParticipantType,
    Programme,
    TeamMembership,
)

NOTICE_MAX_LENGTH = 20000


class InEventTimezoneMixin:
    """Times are read as local times of the event's own timezone and written with its offset."""

    def event_timezone_name(self, data) -> str:
        raise NotImplementedError

    def to_internal_value(self, data):
        name = self.event_timezone_name(data)
        if is_known_timezone(name):
            with timezone.override(name):
                return super().to_internal_value(data)
        return super().to_internal_value(data)

    def to_representation(self, instance):
        with timezone.override(instance_event(instance).tzinfo):
            return super().to_representation(instance)


def instance_event(instance) -> Event:
    return instance if isinstance(instance, Event) else instance.event


class BoundedFieldsMixin:
    """Model date-times become bounded fields, so absurd years answer 400, not 500."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: BoundedDateTimeField,
    }


class SlugLookupField(serializers.SlugRelatedField):
    """Looks an object up by its code; text no code can hold (a NUL character, which
    PostgreSQL refuses in a query) is invalid input, not a database error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            raise serializers.ValidationError(ProhibitNullCharactersValidator.message)
        return super().to_internal_value(data)


class SpeakerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "bio"]
        extra_kwargs = {"name": {"validators": []}}


class SessionSerializer(
    BilingualMixin, InEventTimezoneMixin, BoundedFieldsMixin, serializers.ModelSerializer
):
    bilingual_fields = ("title", "abstract")
    title = serializers.CharField(read_only=True)
    abstract = serializers.CharField(read_only=True)
    speakers = SpeakerSerializer(many=True, required=False)

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "title_en",
            "title_vi",
            "abstract",
            "abstract_en",
            "abstract_vi",
            "start",
            "end",
            "room",
            "speakers",
        ]

    def event_timezone_name(self, data) -> str:
        return self.context["event"].timezone


class OrganisationNamesField(serializers.ListField):
    def to_representation(self, organisations):
        return [organisation.name for organisation in organisations.all()]


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField(
        source="venue_name", max_length=300, required=False, allow_blank=True
    )
    address = serializers.CharField(
        source="venue_address", max_length=500, required=False, allow_blank=True
    )
    city = serializers.CharField(
        source="venue_city", max_length=100, required=False, allow_blank=True
    )
    country = serializers.RegexField(
        r"^[A-Za-z]{2}$",
        source="venue_country",
        required=False,
        allow_blank=True,
        error_messages={
            "invalid": _(
                "Choose a country from the list, or give its two-letter ISO 3166-1 code, "
                "such as VN."
            )
        },
    )

    def validate_country(self, value: str) -> str:
        return value.upper()


class EventSerializer(
    BilingualMixin, InEventTimezoneMixin, BoundedFieldsMixin, serializers.ModelSerializer
):
    bilingual_fields = ("title", "summary", "description", "privacy_notice")

    title = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    host = serializers.CharField(
        source="host.name", max_length=300, required=False, allow_blank=True, allow_null=True
    )
    partners = OrganisationNamesField(
        child=serializers.CharField(max_length=300), required=False, max_length=100
    )
    programme = SlugLookupField(
        slug_field="code",
        queryset=Programme.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Unknown programme code “{value}”.")},
    )
    venue = VenueSerializer(source="*", required=False)
    timezone = serializers.CharField(
        max_length=64,
        required=False,
        help_text=_(
            "The event's time zone: an IANA name such as Asia/Ho_Chi_Minh or Europe/Berlin "
            "(not an offset or an abbreviation). Start, end and registration times are read "
            "and written in it. Default: Asia/Ho_Chi_Minh; an unknown name answers 400."
        ),
    )
    capacity = serializers.IntegerField(
        min_value=0, max_value=MAX_CAPACITY, allow_null=True, required=False
    )
    participant_types = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipantType.choices),
        required=False,
        max_length=len(ParticipantType.choices),
        help_text=_("Which participant types may register; empty means all."),
    )
    status = serializers.CharField(read_only=True)
    phase = serializers.CharField(read_only=True)
    registration_open = serializers.BooleanField(source="is_registration_open", read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    my_role = serializers.SerializerMethodField()
    privacy_notice_en = serializers.CharField(
        max_length=NOTICE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text=_("The event's own data-processing notice; empty: the default notice."),
    )
    privacy_notice_vi = serializers.CharField(
        max_length=NOTICE_MAX_LENGTH, required=False, allow_blank=True
    )
    privacy_notice = serializers.CharField(read_only=True)
    privacy_notice_version = serializers.CharField(
        source="privacy_notice_label",
        read_only=True,
        help_text=_(
            "The version registrations agree to now: “default-1” or “<uuid>-v<n>”; "
            "a new one with every change of the notice."
        ),
    )

    class Meta:
        model = Event
        fields = [
            "uuid",
            "slug",
            "title",
            "title_en",
            "title_vi",
            "summary",
            "summary_en",
            "summary_vi",
            "description",
            "description_en",
            "description_vi",
            "kind",
            "scope",
            "fields",
            "host",
            "partners",
            "programme",
            "venue",
            "format",
            "online_url",
            "timezone",
            "start",
            "end",
            "registration_opens",
            "registration_closes",
            "capacity",
            "waitlist_enabled",
            "requires_approval",
            "participant_list_public",
            "participant_types",
            "privacy_notice",
            "privacy_notice_en",
            "privacy_notice_vi",
            "privacy_notice_version",
            "status",
            "phase",
            "registration_open",
            "sessions",
            "my_role",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["uuid", "created_at", "updated_at"]
        extra_kwargs = {
            "slug": {"required": False, "validators": []},
            "online_url": {"help_text": _("Shown only to the team and confirmed attendees.")},
        }

    def get_fields(self):
        # "fields" would shadow Serializer.fields if declared as a class attribute.
        fields = super().get_fields()
        fields["fields"] = SlugLookupField(
            slug_field="code",
            queryset=FieldOfScience.objects.all(),
            many=True,
            required=False,
            help_text=_("OECD field of science codes, such as 1.2 or 2."),
        )
        fields["fields"].child_relation.error_messages["does_not_exist"] = _(
            "Unknown field of science code “{value}”."
        )
        return fields

    def event_timezone_name(self, data) -> str:
        if isinstance(data, dict) and isinstance(data.get("timezone"), str):
            return data["timezone"]
        return self.instance.timezone if self.instance else "Asia/Ho_Chi_Minh"

    def validate_programme(self, programme: Programme | None) -> Programme | None:
        """Attaching an event to a programme, or taking it out, changes the programme's
        public accountability figures: only the staff of each programme concerned (or a
        superuser) may. Sending the event's current programme again changes nothing."""
        current = self.instance.programme if self.instance else None
        if programme == current:
            return programme
        request = self.context.get("request")
        user = request.user if request else None
        for concerned in (current, programme):
            if concerned is not None and not (user and access.is_programme_staff(user, concerned)):
                raise PermissionDenied(
                    _(
                        "Only the staff of programme %(code)s can attach an event to it "
                        "or detach one from it."
                    )
                    % {"code": concerned.code}
                )
        return programme

    def validate_timezone(self, value: str) -> str:
        if not is_known_timezone(value):
            raise serializers.ValidationError(
                _("Unknown timezone “%(name)s”: use an IANA name such as Asia/Ho_Chi_Minh.")
                % {"name": value}
            )
        return value

    def validate(self, attrs):
        if not self.instance:
            missing = {
                name: [_("This field is required.")]
                for name in ("start", "end")
                if name not in attrs
            }
            if not (attrs.get("title_en") or attrs.get("title_vi")):
                missing["title"] = [_("Give the event a title in English or Vietnamese.")]
            if missing:
                raise serializers.ValidationError(missing)
        host = attrs.pop("host", None)
        if host is not None:
            attrs["host"] = (host or {}).get("name") or ""
        return attrs

    @extend_schema_field(
        serializers.ChoiceField(choices=TeamMembership.Role.choices, allow_null=True)
    )
    def get_my_role(self, event: Event) -> str | None:
        request = self.context.get("request")
        return access.role_of(request.user, event) if request else None

    def to_representation(self, event: Event):
        data = super().to_representation(event)
        if data.get("my_role") is None:
            data.pop("online_url", None)
        return data


class FieldOfScienceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = FieldOfScience
        fields = ["code", "name", "name_en", "name_vi", "parent"]


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "code",
            "slug",
            "title",
            "title_en",
            "title_vi",
            "first_year",
            "last_year",
            "responsible_body",
        ]


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["name", "website", "country"]


@extend_schema_field(
    {
        "type": "string",
        "enum": TeamMembership.Role.values,
        "description": "Given: organiser, checkin, reviewer or committee. "
        "Shown: the owner's role too.",
    }
)
class TeamRoleField(serializers.ChoiceField):
    """A role given to a team member (organiser or check-in staff); shown as it is, so the
    owner's role reads "owner"."""

    def __init__(self, **kwargs):
        choices = [
            TeamMembership.Role.ORGANISER,
            TeamMembership.Role.CHECKIN,
            TeamMembership.Role.REVIEWER,
            TeamMembership.Role.COMMITTEE,
        ]
        super().__init__(choices=choices, **kwargs)

    def to_representation(self, value):
        return value


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(
        write_only=True,
        help_text=_(
            "The username of an existing account, or an email address: an address is sent an "
            "invitation (answered 202 whether or not an account exists for it)."
        ),
    )
    username = serializers.CharField(source="user.get_username", read_only=True)
    email = serializers.SerializerMethodField(
        help_text=_("The member's email address, shown to that member only; empty for others.")
    )
    role = TeamRoleField()

    class Meta:
        model = TeamMembership
        fields = ["id", "user", "username", "email", "role", "created_at"]
        read_only_fields = ["created_at"]

    def validate_user(self, value: str):
        users = get_user_model().objects.filter(is_active=True)
        match = users.filter(Q(username__iexact=value) | Q(email__iexact=value)).first()
        if match is None:
            raise serializers.ValidationError(_("No account has this username or email."))
        return match

    def get_email(self, membership) -> str:
        # Adding someone by username must not hand their address to the owner: an account's
        # email is shown to that account only.
        request = self.context.get("request")
        viewer = getattr(request, "user", None)
        return (
            membership.user.email if viewer is not None and viewer.pk == membership.user_id else ""
        )

    def to_representation(self, membership):
        data = super().to_representation(membership)
        data["role"] = membership.role
        return data


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation to the team: sent by address; the answer never tells whether an account
    exists for it."""

    role = TeamRoleField()
    invited_by = serializers.CharField(
        source="invited_by.get_username", read_only=True, default=None
    )

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "state", "invited_by", "created_at", "expires_at"]
        read_only_fields = ["state", "created_at", "expires_at"]


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class TeamRoleSerializer(serializers.Serializer):
    role = TeamRoleField()


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PrivacyNoticeSerializer(serializers.Serializer):
    """One version of an event's data-processing notice, as registrants agreed to it."""

    version = serializers.CharField(help_text=_("“default-1” or “<event uuid>-v<n>”."))
    number = serializers.IntegerField(allow_null=True, help_text=_("Empty for the default."))
    is_default = serializers.BooleanField()
    current = serializers.BooleanField()
    text = serializers.CharField(help_text=_("In the request's language, else the other."))
    text_en = serializers.CharField()
    text_vi = serializers.CharField()
    created_at = serializers.DateTimeField(allow_null=True)


class DuplicateEventSerializer(serializers.Serializer):
    """A copy of an event: its new start (local time of the event's timezone unless an
    offset is given) and, if it changes, its title."""

    title_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    title_vi = serializers.CharField(max_length=300, required=False, allow_blank=True)
    start = BoundedDateTimeField()

    def to_internal_value(self, data):
        with timezone.override(self.context["event"].tzinfo):
            return super().to_internal_value(data)
