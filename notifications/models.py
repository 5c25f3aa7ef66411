from datetime import timedelta

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.translation import pick
from events.models import Event
from registration.models import Registration


class ReminderRule(models.Model):
    """ "N minutes before the start" or "at this moment": one reminder to an event's people."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        MISSED = "missed", _("Missed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="reminder_rules")
    minutes_before_start = models.PositiveIntegerField(
        _("minutes before the start"), null=True, blank=True
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # When it fires: derived from the two above and the event's start, kept for the scan.
    due_at = models.DateTimeField(_("due"), db_index=True, editable=False)
    enabled = models.BooleanField(_("enabled"), default=True)
    grace_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"),
        default=60,
        help_text=_("Past its time by more than this, the reminder is marked missed."),
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_vi = models.CharField(_("subject (Vietnamese)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    body_vi = models.TextField(_("message (Vietnamese)"), blank=True)
    include_pending = models.BooleanField(_("also people awaiting approval"), default=False)
    include_waitlisted = models.BooleanField(_("also the waiting list"), default=False)
    participant_types = models.JSONField(
        _("only these participant types"), default=list, blank=True
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.SCHEDULED, db_index=True
    )
    fired_at = models.DateTimeField(_("fired"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_before_start__isnull=True, send_at__isnull=False)
                | Q(minutes_before_start__isnull=False, send_at__isnull=True),
                name="reminder_relative_or_absolute",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} @ {self.due_at:%Y-%m-%d %H:%M}"

    def compute_due_at(self) -> None:
        if self.minutes_before_start is not None:
            self.due_at = self.event.start - timedelta(minutes=self.minutes_before_start)
        else:
            self.due_at = self.send_at


class Message(models.Model):
    """One thing said to many people: a reminder firing, a broadcast, a notice of change."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Reminder")
        BROADCAST = "broadcast", _("Broadcast")
        EVENT_CHANGED = "event_changed", _("Event changed")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    rule = models.ForeignKey(
        ReminderRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_vi = models.CharField(_("subject (Vietnamese)"), max_length=200, blank=True)
    body_en = models.TextField(_("message (English)"), blank=True)
    body_vi = models.TextField(_("message (Vietnamese)"), blank=True)
    # What the audience was chosen by (broadcasts), or what changed (notices).
    details = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # False while a reminder's deliveries are still being written, chunk by chunk; the sweep
    # finishes the job if the writer died.
    audience_complete = models.BooleanField(default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            # A rule fires once.
            models.UniqueConstraint(
                fields=["rule"], condition=Q(rule__isnull=False), name="message_once_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.event.slug}"

    def subject(self, language: str) -> str:
        return pick(self, "subject", language)

    def body(self, language: str) -> str:
        return pick(self, "body", language)


# What a delivery's address becomes once its recipient's personal data is erased.
ERASED_ADDRESS = "erased@erased.invalid"


class Delivery(models.Model):
    """One email to one person: the record of what was sent, exactly once."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Registration confirmed")
        WAITLISTED = "waitlisted", _("Placed on the waiting list")
        PROMOTED = "promoted", _("Promoted from the waiting list")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Registration approved")
        REJECTED = "rejected", _("Registration rejected")
        CANCELLED = "cancelled", _("Registration cancelled")
        ERASED = "erased", _("Personal data erased")
        MANAGE_LINK = "manage_link", _("Manage link")
        EMAIL_CHANGE = "email_change", _("Confirm a new email address")
        MESSAGE = "message", _("Reminder, broadcast or notice")
        # To the team, not a registrant (no registration): personal data is erased soon.
        RETENTION_WARNING = "retention_warning", _("Personal data erasure warning")
        # To someone invited to the team (no registration either).
        TEAM_INVITATION = "team_invitation", _("Invitation to the team")
        # After the event: the link to the certificate of attendance (once per person).
        CERTIFICATE = "certificate", _("Certificate of attendance")
        # The call for abstracts (no registration either): notifications/abstract_emails.py.
        ABSTRACT_SUBMITTED = "abstract_submitted", _("Abstract received")
        ABSTRACT_LISTED = "abstract_listed", _("Listed as an author")
        ABSTRACT_DECIDED = "abstract_decided", _("Decision on an abstract")
        REVIEW_REMINDER = "review_reminder", _("Review reminder")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    # No single-column indexes of their own for the message and the event: the constraint
    # "delivery_once_per_message_and_person" and the index "delivery_event_state" start with
    # them and serve every lookup by either. Each index is written again by every update that
    # is not HOT (a claim, a sent mark: they change `state`), and the fan-out's database time
    # went largely to index insertions.
    message = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
        db_index=False,
    )
    event = models.ForeignKey(
        Event, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    registration = models.ForeignKey(
        Registration, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    to_email = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=2, default="en")
    # What the template needs beyond the registration's current state (position, reason…).
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # What makes a one-off email one (e.g. "abstract-decided:12:3", one author's decision
    # email): the database refuses a second row with the same key, whoever writes it.
    # Unique where set (the constraint "delivery_once_key"): the rows without one (NULL, not
    # "": every reminder and news email) are in no index of it.
    once_key = models.CharField(max_length=100, null=True, blank=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        db_table = "notifications_delivery"  # named in the raw SQL of notifications.sending
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "registration"],
                condition=Q(message__isnull=False),
                name="delivery_once_per_message_and_person",
            ),
            models.UniqueConstraint(
                fields=["registration"],
                condition=Q(kind="certificate"),
                name="delivery_one_certificate_email_per_person",
            ),
            models.UniqueConstraint(
                fields=["once_key"], condition=Q(once_key__isnull=False), name="delivery_once_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(state="queued"),
                name="delivery_queue",
            ),
            models.Index(fields=["event", "state"], name="delivery_event_state"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.shown_to_email} ({self.state})"

    @property
    @admin.display(description=_("to"))
    def shown_to_email(self) -> str:
        """The address as the team may see it. The last email to someone who erased their
        data keeps their address until it is sent; nobody is shown it meanwhile."""
        registration = self.registration if self.registration_id else None
        if registration is not None and registration.erased_at is not None:
            return ERASED_ADDRESS
        return self.to_email


class OptOut(models.Model):
    """This person wants no reminders or broadcasts for this registration (RFC 8058)."""

    registration = models.OneToOneField(
        Registration, primary_key=True, on_delete=models.CASCADE, related_name="opt_out"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unsubscribed registration")
        verbose_name_plural = _("unsubscribed registrations")

    def __str__(self) -> str:
        return str(self.registration_id)
