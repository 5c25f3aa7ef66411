"""What a programme asks of its events: targets, the programme's staff, and requests to host an
event in the programme."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Event, FieldOfScience, Programme


class ProgrammeTarget(models.Model):
    """What a programme commits to in one year: a number of events (all, of one scope or
    one major field), of participants, or a share of international participants (percent)."""

    class Metric(models.TextChoices):
        EVENTS = "events", _("events held")
        PARTICIPANTS = "participants", _("participants")
        INTERNATIONAL_SHARE = "international_share", _("international participants (%)")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("target"), max_length=30, choices=Metric)
    scope = models.CharField(_("scope"), max_length=20, choices=Event.Scope, blank=True)
    field = models.ForeignKey(
        FieldOfScience,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
        verbose_name=_("field"),
    )
    value = models.PositiveIntegerField(_("value"))

    class Meta:
        ordering = ["programme", "year", "metric", "scope", "field__code"]
        verbose_name = _("programme target")
        verbose_name_plural = _("programme targets")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "metric", "scope"],
                condition=Q(field__isnull=True),
                name="target_one_per_scope",
            ),
            models.UniqueConstraint(
                fields=["programme", "year", "metric", "field"],
                condition=Q(field__isnull=False),
                name="target_one_per_field",
            ),
            models.CheckConstraint(
                condition=~Q(metric="international_share") | Q(value__lte=100),
                name="target_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(metric="events") | (Q(scope="") & Q(field__isnull=True)),
                name="target_breakdown_only_for_events",
            ),
            models.CheckConstraint(
                condition=Q(scope="") | Q(field__isnull=True),
                name="target_scope_or_field_not_both",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} {self.year} {self.metric} {self.value}"


class ProgrammeStaff(models.Model):
    """Programme staff see every event of their programme, read-only, and set its targets."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="programme_roles"
    )

    class Meta:
        verbose_name = _("programme staff member")
        verbose_name_plural = _("programme staff")
        constraints = [
            models.UniqueConstraint(fields=["programme", "user"], name="programme_staff_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme.code}: {self.user}"


class ProgrammeRequest(models.Model):
    """An organiser asks for an event to count for a programme; the programme's staff decide.

    Only an accepted request sets the event's programme, so what counts for a programme's
    figures is always its staff's choice.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the programme")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme_requests")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requests")
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("programme request")
        verbose_name_plural = _("programme requests")
        constraints = [
            models.UniqueConstraint(
                fields=["event"], condition=Q(state="pending"), name="programme_request_one_open"
            ),
            models.CheckConstraint(
                condition=Q(state="pending") | Q(decided_at__isnull=False),
                name="programme_request_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.slug} → {self.programme.code} ({self.state})"
