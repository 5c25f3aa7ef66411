"""The error format every API endpoint answers with."""

import math
import sys

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import Conflict, NotFound


class ErrorSerializer(serializers.Serializer):
    """An error: a message for people and a stable code for programs (`not_found`,
    `not_authenticated`, `permission_denied`, `rate_limited`, `already_registered`...).
    Invalid input is answered as `InvalidInput` instead."""

    detail = serializers.CharField(help_text="What went wrong, in the caller's language.")
    code = serializers.CharField(help_text="What went wrong, as a stable identifier.")


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class _DetailField(serializers.Field):
    """A message, or several (a model validation error that names no field)."""


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        "description": "Why no field is to blame (`invalid`, `parse_error`, `too_large`), or "
        "the messages about an input field itself named `code`.",
    }
)
class _CodeField(serializers.Field):
    """A stable code next to `detail`; for input with a field named `code`, its messages."""


class InvalidInputSerializer(serializers.Serializer):
    """Invalid input: `{"field": ["message", ...]}` for each field at fault (nested as the
    input is: `{"venue": {"city": ["..."]}}`, `{"speakers": [{}, {"name": ["..."]}]}`), or
    `{"detail": ..., "code": ...}` when no field is to blame (unreadable JSON, too large)."""

    detail = _DetailField(required=False)
    code = _CodeField(required=False)


class RateLimited(exceptions.APIException):
    """Too many requests: answered 429 with `Retry-After` (DRF reads `wait`)."""

    status_code = 429
    default_code = "rate_limited"

    def __init__(self, wait: int) -> None:
        self.wait = max(int(wait), 1)
        self.message = wait_message(self.wait)
        super().__init__({"detail": self.message, "code": self.default_code})

    def json(self) -> dict[str, str]:
        return {"detail": self.message, "code": self.default_code}


def wait_message(seconds: int) -> str:
    if seconds < 90:
        return ngettext(
            "Too many attempts. Please wait %(count)d second and try again.",
            "Too many attempts. Please wait %(count)d seconds and try again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many attempts. Please wait %(count)d minute and try again.",
        "Too many attempts. Please wait %(count)d minutes and try again.",
        minutes,
    ) % {"count": minutes}


def with_retry_after(response: HttpResponse, exc: RateLimited) -> HttpResponse:
    response["Retry-After"] = str(exc.wait)
    return response


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": exc.code}, status=409)
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is not None:
        _add_code(response, exc)
    return response


def _as_api_exception(exc: Exception) -> Exception:
    """Django's and our own exceptions as the DRF ones that answer them."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"detail": exc.messages})
    if isinstance(exc, RequestDataTooBig):
        message = _("The request body is too large.")
        return exceptions.ValidationError({"detail": message}, code="too_large")
    if isinstance(exc, NotFound):
        return exceptions.NotFound(str(exc.message))
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Not found."))
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _add_code(response: Response, exc: Exception) -> None:
    """Every `{"detail": ...}` answer says what went wrong as a code too; answers naming the
    fields at fault (`{"field": ["message"]}`) stay as they are."""
    data = response.data
    if not isinstance(data, dict) or "detail" not in data or "code" in data:
        return
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else None
    if isinstance(code, dict):
        code = code.get("detail")
    if isinstance(code, list):
        code = code[0] if code else None
    if not isinstance(code, str):
        code = getattr(exc, "default_code", None) or "error"
    response.data = {**data, "code": code}


def not_found(request, exception=None):
    """404 for any unknown address: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return page_not_found(request, exception)


def _database_unavailable() -> bool:
    """Whether the error being handled is the database being out of reach."""
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request):
    """500 for a bug; 503 with Retry-After when the database is out of reach, which passes.

    Nothing is half-done then: every change runs in one transaction, which the database
    rolls back when the connection drops; Django opens a new connection on the next request.
    """
    if _database_unavailable():
        if request.path.startswith("/api/"):
            message = _("The service is briefly unavailable. Please try again in a moment.")
            response = JsonResponse({"detail": message, "code": "unavailable"}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "10"
        return response
    if request.path.startswith("/api/"):
        message = _("Something went wrong on our side.")
        return JsonResponse({"detail": message, "code": "server_error"}, status=500)
    return default_server_error(request)
