import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.emails import email_key_expression
from core.translation import pick
from events import notices
from events.models import Event, ParticipantType

ACTIVE_STATUSES = ("confirmed", "pending", "waitlisted")


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out loud at the door


def new_ticket_code() -> str:
    """12 characters of a 32-letter alphabet: 60 random bits, from one read of the OS."""
    return "".join(TICKET_ALPHABET[byte % 32] for byte in secrets.token_bytes(12))


class Seats(models.Model):
    """The seat counter of one event: the single row every registration updates.

    `taken` counts confirmed and pending registrations. It only moves through conditional
    updates (see services), so it can never pass `capacity`, whatever the concurrency.
    """

    event = models.OneToOneField(
        Event, primary_key=True, on_delete=models.CASCADE, related_name="seats"
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    taken = models.PositiveIntegerField(default=0)
    # True while the event is published: the seat update itself refuses a cancelled event.
    accepting = models.BooleanField(default=False)
    # People waiting now, and the last place in line handed out: joining the waiting list
    # reads its position here instead of counting everyone ahead.
    waitlisted = models.PositiveIntegerField(default=0)
    waitlist_seq = models.PositiveBigIntegerField(default=0)
    # Bumped in the transaction of every change to the event or its questions. Each web
    # process keeps the events it registers people for (registration/eligibility.py); the
    # seat update returns this, so a registration made from an outdated copy is made again
    # from the database, on whichever host the change was made.
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "registration_seats"  # named in the raw SQL of registration.counters
        verbose_name = _("seat counter")
        verbose_name_plural = _("seat counters")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=models.F("capacity")),
                name="seats_never_overbooked",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.taken}/{self.capacity or '∞'}"


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        CHECKBOX = "checkbox", _("Checkbox")
        DATE = "date", _("Date")
        COUNTRY = "country", _("Country")
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    label_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    label_vi = models.CharField(_("question (Vietnamese)"), max_length=300, blank=True)
    help_en = models.CharField(_("help text (English)"), max_length=500, blank=True)
    help_vi = models.CharField(_("help text (Vietnamese)"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(label_en="") | ~Q(label_vi=""), name="question_has_a_label"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def help(self) -> str:
        return pick(self, "help")

    @property
    def has_choices(self) -> bool:
        return self.kind in (self.Kind.SINGLE_CHOICE, self.Kind.MULTIPLE_CHOICE)


class Choice(models.Model):
    """One option of a choice question; with a capacity, a limited resource (a lab tour)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    label_en = models.CharField(_("choice (English)"), max_length=300, blank=True)
    label_vi = models.CharField(_("choice (Vietnamese)"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    taken = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=models.F("capacity")),
                name="choice_never_overbooked",
            ),
            models.CheckConstraint(
                condition=~Q(label_en="") | ~Q(label_vi=""), name="choice_has_a_label"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    def clean(self) -> None:
        """For the admin's form: a capacity never goes below the people holding the choice
        (the services check it under the row lock, the constraint always)."""
        if self.capacity is None or self.pk is None:
            return
        taken = Choice.objects.filter(pk=self.pk).values_list("taken", flat=True).first() or 0
        if self.capacity < taken:
            raise ValidationError(
                {
                    "capacity": _(
                        "“%(choice)s” already has %(taken)d people: capacity cannot be lower."
                    )
                    % {"choice": self.label, "taken": taken}
                }
            )


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        PENDING = "pending", _("Pending approval")
        WAITLISTED = "waitlisted", _("Waiting list")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    class Language(models.TextChoices):
        VI = "vi", _("Vietnamese")
        EN = "en", _("English")

    # Indexed by "registration_event_status", which starts with the event: every write pays
    # for each index, and registering is the hottest write.
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, related_name="registrations", db_index=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254)
    # The address as mail servers compare it (core.emails): what "one registration
    # per address" means. Computed by the database, so every write keeps it true.
    email_key = models.GeneratedField(
        expression=email_key_expression("email"),
        output_field=models.CharField(max_length=254),
        db_persist=True,
    )
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language, default=Language.EN)
    participant_type = models.CharField(
        _("participant type"),
        max_length=20,
        choices=ParticipantType,
        default=ParticipantType.DELEGATE,
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Ids of the choices picked in answer to choice questions, limited or not: each counts in
    # its choice's `taken`, so a capacity put on a choice later counts the people holding it.
    held_choices = models.JSONField(default=list, blank=True, editable=False)
    # Place in line when waitlisted: first come (to the seat counter), first served.
    waitlist_seq = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    consent_at = models.DateTimeField(_("consent given"))
    consent_notice_version = models.CharField(_("notice version"), max_length=50)
    public_listing = models.BooleanField(_("listed publicly"), default=False)
    # Unique by constraints below: `unique=True` would add a second (pattern) index to each,
    # for LIKE queries nothing makes.
    manage_token = models.CharField(max_length=64, default=new_manage_token, editable=False)
    ticket_code = models.CharField(max_length=16, default=new_ticket_code, editable=False)
    decision_reason = models.TextField(_("reason"), blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=Q(status__in=ACTIVE_STATUSES),
                name="registration_one_active_per_email",
                violation_error_message=_(
                    "This email address is already registered for this event."
                ),
            ),
            models.UniqueConstraint(fields=["manage_token"], name="registration_manage_token"),
            models.UniqueConstraint(fields=["ticket_code"], name="registration_ticket_code"),
        ]
        indexes = [
            models.Index(fields=["event", "status", "id"], name="registration_event_status"),
            models.Index(
                fields=["event", "waitlist_seq"],
                condition=Q(status="waitlisted"),
                name="registration_waiting_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}> ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def consent_notice(self) -> dict | None:
        """The data-processing notice this person agreed to, in the reader's language too."""
        return notices.notice_for(self.event, self.consent_notice_version)


class CheckIn(models.Model):
    """One person admitted at the door on one day of the event (the event's own calendar day).

    A multi-day event checks people in again each day; the database keeps it to one row per
    person and day. `Registration.checked_in_at` stays the first check-in of all.
    """

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="check_ins"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("checked in"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "day"], name="check_in_once_per_person_and_day"
            )
        ]
        indexes = [models.Index(fields=["event", "day"], name="check_in_event_day")]

    def __str__(self) -> str:
        return f"{self.registration_id} on {self.day}"


class LinkRequest(models.Model):
    """An "I lost my link" request, answered by a worker: the outbox of link requests.

    Writing this row is all the request does, registered address or not, so the answer and
    its timing say nothing; the worker looks the address up, queues the email if there is a
    registration, and deletes the row (the typed address is kept no longer than that).
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link request")
        verbose_name_plural = _("link requests")

    def __str__(self) -> str:
        return f"{self.event_id}: {self.email}"


class Certificate(models.Model):
    """A certificate of attendance (a checked-in registrant) or of presentation (a speaker of
    the agenda). Its verification code is signed, never stored (registration.certificates);
    re-issuing bumps `issue`, so the previous code stops verifying. Erasing the person deletes
    the row (registration.certificates, on `personal_data_expired`), and with it the proof."""

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("Certificate of attendance")
        PRESENTATION = "presentation", _("Certificate of presentation")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    registration = models.ForeignKey(
        Registration,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    speaker = models.ForeignKey(
        "events.Speaker",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="certificates",
    )
    issue = models.PositiveIntegerField(_("issue"), default=1)
    # Minutes attended, from the days checked in and the event's schedule (attendance only).
    minutes = models.PositiveIntegerField(_("minutes attended"), null=True, blank=True)
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # One certificate of attendance per person, one of presentation per speaker: the
            # beat issuing them twice at once still writes one row, and sends one email.
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(registration__isnull=False),
                name="certificate_once_per_registration",
            ),
            models.UniqueConstraint(
                fields=["speaker"],
                condition=Q(speaker__isnull=False),
                name="certificate_once_per_speaker",
            ),
            models.CheckConstraint(
                condition=Q(kind="attendance", registration__isnull=False, speaker__isnull=True)
                | Q(kind="presentation", registration__isnull=True, speaker__isnull=False),
                name="certificate_of_a_registrant_or_a_speaker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk} ({self.event_id})"


class DoorScan(models.Model):
    """A scan made at the door without a network, synced later (registration/door_sync.py).

    The device gives every scan a random key; the database keeps one row per key and event,
    so a batch sent twice (a lost answer, two tabs) admits nobody twice. The check-in itself
    stays the one `CheckIn` row per person and day: two devices that scanned the same ticket
    offline make one check-in and two scans, which is how both are told of the duplicate.
    No ticket code is kept here: an unknown code matches nobody, a known one is the
    registration's (erased with it).
    """

    class Outcome(models.TextChoices):
        CHECKED_IN = "checked_in", _("Checked in")
        ALREADY = "already_checked_in", _("Already checked in")
        REFUSED = "refused", _("Not admitted")
        UNKNOWN = "unknown", _("Unknown ticket")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    key = models.UUIDField()
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, null=True, blank=True, related_name="door_scans"
    )
    day = models.DateField(_("day"))
    scanned_at = models.DateTimeField(_("scanned"))
    synced_at = models.DateTimeField(_("synced"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    # The refusal's code ("ticket_cancelled"...), as the check-in API would have answered.
    refusal = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["scanned_at", "id"]
        verbose_name = _("offline door scan")
        verbose_name_plural = _("offline door scans")
        constraints = [
            models.UniqueConstraint(fields=["event", "key"], name="door_scan_once_per_key")
        ]
        indexes = [models.Index(fields=["registration", "day"], name="door_scan_person_day")]

    def __str__(self) -> str:
        return f"{self.key}: {self.outcome}"
