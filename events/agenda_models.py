"""An event's agenda: its sessions and their speakers."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.translation import pick

from .models import Event


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    bio = models.TextField(_("short bio"), blank=True, max_length=2000)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """One slot of an event's agenda."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300, blank=True)
    abstract_en = models.TextField(_("abstract (English)"), blank=True)
    abstract_vi = models.TextField(_("abstract (Vietnamese)"), blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.CharField(_("room"), max_length=100, blank=True)
    speakers = models.ManyToManyField(
        Speaker, related_name="sessions", blank=True, verbose_name=_("speakers")
    )

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="session_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def abstract(self) -> str:
        return pick(self, "abstract")
