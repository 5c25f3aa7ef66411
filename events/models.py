"""Events, their programmes and teams, privacy notices and the audit log.

The models of programme_models.py, agenda_models.py and team_models.py are imported at the
end, where Django looks for an app's models."""

import uuid
import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core.text import is_known_timezone
from core.translation import choose, pick

from . import notices


class FieldOfScience(models.Model):
    """OECD Fields of Science and Technology (Frascati 2015): six major fields, their subfields."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subfields"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("field of science and technology")
        verbose_name_plural = _("fields of science and technology")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return pick(self, "name")


def programme_slug(code: str) -> str:
    """The address of a programme: its code, which may hold slashes, as a slug."""
    return slugify(code.replace("/", "-").replace(".", "-"))[:60]


class Programme(models.Model):
    """A public science & technology programme that events report to."""

    code = models.CharField(_("code"), max_length=50, unique=True, help_text=_("e.g. 07-CTr/TU"))
    slug = models.SlugField(_("address"), max_length=60, unique=True, editable=False)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    responsible_body = models.CharField(_("responsible body"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_year__isnull=True)
                | Q(last_year__isnull=True)
                | Q(last_year__gte=models.F("first_year")),
                name="programme_period_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = programme_slug(self.code)
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        return pick(self, "title")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=300, unique=True)
    website = models.URLField(_("website"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class ParticipantType(models.TextChoices):
    DELEGATE = "delegate", _("Delegate")
    SPEAKER = "speaker", _("Speaker")
    STUDENT = "student", _("Student")
    PRESS = "press", _("Press")
    GUEST = "guest", _("Guest")


class Event(models.Model):
    class Kind(models.TextChoices):
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")
        SEMINAR = "seminar", _("Seminar")
        FORUM = "forum", _("Forum")
        EXHIBITION = "exhibition", _("Exhibition")
        HACKATHON = "hackathon", _("Hackathon")
        OTHER = "other", _("Other")

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        INTERNATIONAL = "international", _("International")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    summary_en = models.CharField(_("summary (English)"), max_length=1000, blank=True)
    summary_vi = models.CharField(_("summary (Vietnamese)"), max_length=1000, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_vi = models.TextField(_("description (Vietnamese)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.CONFERENCE)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope, default=Scope.NATIONAL)
    fields = models.ManyToManyField(
        FieldOfScience, related_name="events", blank=True, verbose_name=_("fields")
    )
    host = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hosted_events",
        verbose_name=_("host organisation"),
    )
    partners = models.ManyToManyField(
        Organisation, related_name="partnered_events", blank=True, verbose_name=_("partners")
    )
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("programme"),
    )
    venue_name = models.CharField(_("venue"), max_length=300, blank=True)
    venue_address = models.CharField(_("address"), max_length=500, blank=True)
    venue_city = models.CharField(_("city"), max_length=100, blank=True, db_index=True)
    venue_country = models.CharField(_("country"), max_length=2, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=Format, default=Format.IN_PERSON)
    online_url = models.URLField(_("online join link"), max_length=500, blank=True)
    timezone = models.CharField(_("timezone"), max_length=64, default="Asia/Ho_Chi_Minh")
    start = models.DateTimeField(_("start"), db_index=True)
    end = models.DateTimeField(_("end"))
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means unlimited.")
    )
    waitlist_enabled = models.BooleanField(_("waiting list"), default=False)
    requires_approval = models.BooleanField(_("registrations need approval"), default=False)
    participant_list_public = models.BooleanField(
        _("public participant list"),
        default=False,
        help_text=_("List the names of participants who agreed to be listed."),
    )
    participant_types = models.JSONField(
        _("participant types offered"),
        default=list,
        blank=True,
        help_text=_("Empty means all: delegate, speaker, student, press, guest."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, db_index=True
    )
    # The data-processing notice consent refers to: empty means the site's default. Changed
    # only through events.services, which bumps the version and keeps every version.
    privacy_notice_en = models.TextField(
        _("data-processing notice (English)"), blank=True, editable=False
    )
    privacy_notice_vi = models.TextField(
        _("data-processing notice (Vietnamese)"), blank=True, editable=False
    )
    privacy_notice_version = models.PositiveIntegerField(
        _("data-processing notice version"), default=0, editable=False
    )
    # Retention (registration.personal_data.apply_retention): when the team was warned, and when
    # the registrants' personal data was erased.
    personal_data_warning_sent_at = models.DateTimeField(
        _("retention warning sent"), null=True, blank=True, editable=False
    )
    personal_data_erased_at = models.DateTimeField(
        _("personal data erased"), null=True, blank=True, editable=False
    )
    # Lower-cased, accent-free text of the searchable fields, so "ha noi" finds "Hà Nội".
    search_text = models.TextField(editable=False, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # Public reads go by status, then a date (events.read_cache, events.freshness): each
        # of these answers "the first/latest of one status" from the index alone.
        indexes = [
            models.Index(fields=["status", "start", "id"], name="event_status_start"),
            models.Index(fields=["status", "end"], name="event_status_end"),
            models.Index(fields=["status", "updated_at"], name="event_status_updated"),
            models.Index(fields=["status", "registration_opens"], name="event_status_opens"),
            models.Index(fields=["status", "registration_closes"], name="event_status_closes"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="event_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__isnull=True)
                | Q(registration_closes__lte=models.F("end")),
                name="event_registration_closes_by_end",
            ),
            models.CheckConstraint(
                condition=Q(registration_opens__isnull=True)
                | Q(registration_closes__isnull=True)
                | Q(registration_opens__lt=models.F("registration_closes")),
                name="event_registration_opens_before_closes",
            ),
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_vi=""), name="event_has_a_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.slug

    def clean(self) -> None:
        """The rules every event obeys, with messages for the field at fault."""
        errors: dict[str, list[str]] = {}
        if not is_known_timezone(self.timezone):
            errors.setdefault("timezone", []).append(
                _("Unknown timezone “%(name)s”: use an IANA name such as Asia/Ho_Chi_Minh.")
                % {"name": self.timezone}
            )
        if not (self.title_en or self.title_vi):
            errors.setdefault("title_en", []).append(
                _("Give the event a title in English or Vietnamese.")
            )
        if self.start and self.end and self.end <= self.start:
            errors.setdefault("end", []).append(_("The event must end after it starts."))
        if self.registration_closes and self.end and self.registration_closes > self.end:
            errors.setdefault("registration_closes", []).append(
                _("Registration must close before the event ends.")
            )
        if (
            self.registration_opens
            and self.registration_closes
            and self.registration_opens >= self.registration_closes
        ):
            errors.setdefault("registration_opens", []).append(
                _("Registration must open before it closes.")
            )
        if self.capacity is not None and self.capacity < 0:
            errors.setdefault("capacity", []).append(_("Capacity cannot be negative."))
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def summary(self) -> str:
        return pick(self, "summary")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def has_own_privacy_notice(self) -> bool:
        return bool(self.privacy_notice_en or self.privacy_notice_vi)

    @property
    def privacy_notice_label(self) -> str:
        """The version a registration made now agrees to: "default-1" or "<uuid>-v<n>"."""
        if not self.has_own_privacy_notice:
            return notices.DEFAULT_NOTICE_VERSION
        return notices.label_for(self.uuid, self.privacy_notice_version)

    @property
    def privacy_notice(self) -> str:
        """The current notice in the reader's language (the other one, else the default)."""
        if self.has_own_privacy_notice:
            text = choose(self.privacy_notice_en, self.privacy_notice_vi)
        else:
            text = choose(notices.DEFAULT_NOTICE_EN, notices.DEFAULT_NOTICE_VI)
        return notices.filled(text, self.title)

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local(self, moment: datetime | None) -> datetime | None:
        """A stored UTC time in the event's own timezone."""
        return moment.astimezone(self.tzinfo) if moment else None

    @property
    def phase(self) -> str:
        """upcoming, ongoing or past: derived from the times, never stored."""
        now = timezone.now()
        if now < self.start:
            return "upcoming"
        if now < self.end:
            return "ongoing"
        return "past"

    @property
    def is_registration_open(self) -> bool:
        if self.status != self.Status.PUBLISHED:
            return False
        now = timezone.now()
        opens = self.registration_opens
        closes = self.registration_closes or self.end
        return (opens is None or opens <= now) and now < closes


class TeamMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ORGANISER = "organiser", _("Organiser")
        CHECKIN = "checkin", _("Check-in staff")
        # Call for abstracts (the abstracts app): reviewers score the abstracts assigned to
        # them; the committee decides.
        REVIEWER = "reviewer", _("Reviewer")
        COMMITTEE = "committee", _("Programme committee")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    # The language the member last used the site in as a member (accepting the invitation,
    # their reviewing pages): the emails the team's work sends them are written in it. Empty
    # until known; then they get the event's language.
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("vi", _("Vietnamese")), ("en", _("English"))],
        blank=True,
        default="",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="team_one_membership_per_user"),
            models.UniqueConstraint(
                fields=["event"], condition=Q(role="owner"), name="team_one_owner_per_event"
            ),
            models.CheckConstraint(
                condition=Q(language__in=["", "en", "vi"]), name="team_member_language_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) @ {self.event.slug}"


class PrivacyNotice(models.Model):
    """One version of an event's own data-processing notice, kept for as long as the event:
    consents given to it keep pointing at the text that was agreed to."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="privacy_notices")
    version = models.PositiveIntegerField(_("version"))
    text_en = models.TextField(_("notice (English)"), blank=True)
    text_vi = models.TextField(_("notice (Vietnamese)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["event", "version"]
        verbose_name = _("data-processing notice")
        verbose_name_plural = _("data-processing notices")
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="privacy_notice_version_once")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return notices.label_for(self.event.uuid, self.version)


class AuditLogEntry(models.Model):
    """Who changed what and when. Kept when the event itself is deleted."""

    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_log"
    )
    event_slug = models.SlugField(max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=50)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.event_slug}"


# Django registers an app's models from its `models` module: the models kept in modules of
# their own are imported here (and imported by everyone else from those modules).
from .agenda_models import Session, Speaker  # noqa: E402, F401
from .programme_models import ProgrammeRequest, ProgrammeStaff, ProgrammeTarget  # noqa: E402, F401
from .team_models import Invitation  # noqa: E402, F401
