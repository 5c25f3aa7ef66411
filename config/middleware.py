"""Refusing request bodies larger than the site ever needs, before anything reads them."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _


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
