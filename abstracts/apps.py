from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AbstractsConfig(AppConfig):
    name = "abstracts"
    verbose_name = _("Call for abstracts")

    def ready(self) -> None:
        from . import summaries  # noqa: F401  (its receiver)
