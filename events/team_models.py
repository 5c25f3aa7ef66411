"""Invitations to an event's team, by email, with a role."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, TeamMembership


class Invitation(models.Model):
    """The owner asks someone, by email, to join the team with a role.

    The link carries a random token; only its SHA-256 is stored, so the database never holds
    a usable link. It works once and for INVITATION_DAYS days (the time check is made when it
    is opened: a pending invitation past ``expires_at`` reads as expired).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"), max_length=254)
    # The address as mail servers compare it (core.emails.email_key).
    email_key = models.CharField(max_length=254, editable=False)
    role = models.CharField(_("role"), max_length=20, choices=TeamMembership.Role)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PENDING)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "email_key"],
                condition=Q(state="pending"),
                name="invitation_one_pending_per_address",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["organiser", "checkin", "reviewer", "committee"]),
                name="invitation_role_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role}) @ {self.event.slug}: {self.state}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_open(self) -> bool:
        return self.state == self.State.PENDING and not self.is_expired
