"""The error format every API endpoint answers with."""

import sys

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from events.exceptions import Conflict, NotFound


class ErrorSerializer(serializers.Serializer):
    """Errors are `{"detail": "..."}`, or for invalid input `{"field": ["message", ...]}`."""

    detail = serializers.CharField()


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
)
class _DetailField(serializers.Field):
    """A message, or several (a model validation error that names no field)."""


class InvalidInputSerializer(serializers.Serializer):
    """Invalid input: `{"field": ["message", ...]}` for each field at fault (nested as the
    input is), or `{"detail": ...}` when no field is to blame."""

    detail = _DetailField(required=False)


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "message_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": exc.messages})
    elif isinstance(exc, Conflict):
        return Response({"detail": str(exc.message), "code": exc.code}, status=409)
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ValidationError({"detail": _("The request body is too large.")})
    elif isinstance(exc, NotFound):
        exc = exceptions.NotFound(str(exc.message))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """404 for any unknown address: JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
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
        return JsonResponse({"detail": _("Something went wrong on our side.")}, status=500)
    return default_server_error(request)
