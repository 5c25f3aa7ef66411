from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models import Event
from registration.models import Registration


class OutboundEmail(models.Model):
    """The durable outbox: written in the same transaction as the change that causes it,
    rendered and sent by a Celery worker after commit."""

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

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind)
    event = models.ForeignKey(Event, null=True, on_delete=models.SET_NULL, related_name="+")
    registration = models.ForeignKey(
        Registration, null=True, on_delete=models.SET_NULL, related_name="emails"
    )
    to_email = models.EmailField(_("to"), max_length=254)
    language = models.CharField(_("language"), max_length=2, default="en")
    # What the template needs beyond the registration's current state (position, reason…).
    context = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.state})"
