from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The web pages: public site, attendee pages and the organiser area.

    It builds on every other app and holds no business rule of its own: each page parses the
    request, calls a service of events, registration or notifications, and renders.
    """

    name = "web"
    verbose_name = _("web pages")
