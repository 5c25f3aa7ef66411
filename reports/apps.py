from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Programme accountability and open data: aggregates of events, registrations and
    emails, published without personal data. Builds on events, registration, notifications."""

    name = "reports"
    verbose_name = _("reports and open data")

    def ready(self) -> None:
        from . import receivers  # noqa: F401
