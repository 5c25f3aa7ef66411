"""Turning the errors of services and serializers into what a form shows beside its fields."""

from typing import Any

from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as APIValidationError

from events.exceptions import Conflict, NotFound

NON_FIELD = "__all__"

Errors = dict[str, list[str]]


def _flatten(detail: Any, prefix: str = "") -> Errors:
    if isinstance(detail, dict):
        errors: Errors = {}
        for key, value in detail.items():
            name = NON_FIELD if key in ("non_field_errors", NON_FIELD) else str(key)
            errors.update(_flatten(value, f"{prefix}.{name}" if prefix else name))
        return errors
    if isinstance(detail, list) and detail and all(isinstance(v, dict) for v in detail):
        errors = {}
        for index, value in enumerate(detail):
            errors.update(_flatten(value, f"{prefix}.{index}"))
        return errors
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or NON_FIELD: [str(message) for message in messages]}


def errors_from(exc: Exception) -> Errors:
    """Field name → messages, for a Django or DRF ValidationError, Conflict or NotFound."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return {
                (NON_FIELD if key == "__all__" else key): [str(m) for m in ValidationError(v)]
                for key, v in exc.error_dict.items()
            }
        return {NON_FIELD: [str(message) for message in exc.messages]}
    if isinstance(exc, APIValidationError):
        return _flatten(exc.detail)
    if isinstance(exc, Conflict | NotFound):
        return {NON_FIELD: [str(exc.message)]}
    raise TypeError(f"not a validation error: {exc!r}")


def validated(serializer_class, data: Any, **kwargs: Any) -> dict[str, Any]:
    """Run an API serializer over form data: the same field rules as the API, one place."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
