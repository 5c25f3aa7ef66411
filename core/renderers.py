import json
from types import SimpleNamespace

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer

CALENDAR = "text/calendar"
PNG = "image/png"
PDF = "application/pdf"
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FileRenderer(BaseRenderer):
    """For views that answer a file themselves (iCalendar, PNG, PDF, CSV): lets a client
    ask for the file's own type in Accept. Errors still come out as JSON, labelled so."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        # The file itself is an HttpResponse that no renderer touches: what arrives here is an
        # error body, which is JSON whatever type the client asked for.
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data, ensure_ascii=False).encode()


def file_renderers(media_type: str) -> list[type[BaseRenderer]]:
    """JSON first (errors), then the file's own type, so that `Accept: text/calendar` is
    served as such, then any type, so that no Accept header is ever refused with 406."""
    named = type(
        f"{media_type.split('/')[-1].split('.')[-1].title()}FileRenderer",
        (FileRenderer,),
        {"media_type": media_type},
    )
    return [JSONRenderer, named, FileRenderer]


FILE_RENDERERS = [JSONRenderer, FileRenderer]


class FileActionsMixin:
    """Views whose actions answer files: `file_actions` maps each such action to the media
    type of its file."""

    file_actions: dict[str, str] = {}

    def get_renderers(self):
        media_type = self.file_actions.get(getattr(self, "action", None))
        if media_type:
            return [renderer() for renderer in file_renderers(media_type)]
        return super().get_renderers()


class NoFormatOverride(DefaultContentNegotiation):
    """For views whose `?format=` is a filter (in person, online, hybrid): the renderer is
    chosen by the Accept header only, so `?format=online` filters instead of answering 404."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)
