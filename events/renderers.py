import json
from types import SimpleNamespace

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer


class FileRenderer(BaseRenderer):
    """For views that answer a file themselves (iCalendar, PNG, PDF, CSV): lets a client
    ask for the file's own type in Accept. Errors still come out as JSON text."""

    media_type = "*/*"
    format = "file"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


FILE_RENDERERS = [JSONRenderer, FileRenderer]


class FileActionsMixin:
    """Views whose actions named in `file_actions` answer files."""

    file_actions: tuple[str, ...] = ()

    def get_renderers(self):
        if getattr(self, "action", None) in self.file_actions:
            return [renderer() for renderer in FILE_RENDERERS]
        return super().get_renderers()


class NoFormatOverride(DefaultContentNegotiation):
    """For views whose `?format=` is a filter (in person, online, hybrid): the renderer is
    chosen by the Accept header only, so `?format=online` filters instead of answering 404."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)
