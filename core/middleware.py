"""HTTP policies applied to every answer: body size limit, static files, CORS for public
files, no caching of pages behind a secret token."""

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from whitenoise.middleware import WhiteNoiseMiddleware


class RequestSizeLimitMiddleware:
    """No page or endpoint takes a file: a body above `DATA_UPLOAD_MAX_MEMORY_SIZE` (by its
    Content-Length) is refused with 400 at once, multipart uploads included, which Django's
    own limit does not count."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            message = _("The request body is too large.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "too_large"}, status=400)
            return HttpResponseBadRequest(message)
        return self.get_response(request)


# --- Static files ---------------------------------------------------------------------------


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with a year's cache (not its ten) for files whose names carry a content
    hash: `Cache-Control: max-age=31536000, public, immutable`. Unhashed names keep the short
    `WHITENOISE_MAX_AGE`."""

    FOREVER = 365 * 24 * 60 * 60


# --- Cross-origin reads of public files -----------------------------------------------------

# Open data and the iCalendar feeds are meant to be read by other sites' pages. Nothing else
# of the API is: the rest answers per caller (session cookie or token) and stays same-origin.
PUBLIC_FILES = re.compile(
    r"^/api/v1/(?:open-data/[^/]+|events/calendar\.ics|events/[-a-zA-Z0-9_]+/calendar\.ics)$"
)
# Browsers hide response headers from scripts unless listed; Last-Modified is always shown.
EXPOSED_HEADERS = "ETag, Content-Disposition"


class PublicFilesCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on public files only, error answers included. Never
    with credentials: a cross-site read gets what an anonymous visitor gets. A preflight
    (a script sending If-None-Match, say) is answered here."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not PUBLIC_FILES.match(request.path_info):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
        else:
            response = self.get_response(request)
            response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        response["Access-Control-Allow-Origin"] = "*"
        return response


# --- Pages behind a secret token ------------------------------------------------------------

# The attendee's page and files (/r/, the API's /registrations/<token>/...) and the
# unsubscribe page (/u/) show personal data to whoever holds the link: no shared or browser
# cache may keep them, whatever the answer (errors and redirects too).
TOKEN_PATHS = re.compile(r"^/(?:r|u)/|^/api/v1/registrations/[^/]+(?:/|$)")


class TokenPagesNoStoreMiddleware:
    """`Cache-Control: private, no-store` on every answer under a manage or unsubscribe
    token."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if TOKEN_PATHS.match(request.path_info):
            response["Cache-Control"] = "private, no-store"
        return response
