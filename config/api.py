"""The error format every API endpoint answers with."""

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from events.exceptions import Conflict, NotFound


class ErrorSerializer(serializers.Serializer):
    """Errors are `{"detail": "..."}`, or for invalid input `{"field": ["message", ...]}`."""

    detail = serializers.CharField()


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
