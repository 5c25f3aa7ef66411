"""Turning the errors of services and serializers into what a form shows beside its fields."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import QueryDict
from rest_framework.exceptions import ValidationError as APIValidationError

from core.exceptions import Conflict, NotFound
from registration.models import Question

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


def _answer(question: Question, post: QueryDict) -> Any:
    key = f"answers.{question.pk}"
    if question.kind == Question.Kind.CHECKBOX:
        return key in post
    if question.kind == Question.Kind.MULTIPLE_CHOICE:
        return [int(v) if v.isdigit() else v for v in post.getlist(key)]
    value = post.get(key, "").strip()
    if question.kind == Question.Kind.SINGLE_CHOICE and value.isdigit():
        return int(value)
    return value


def answers_from(questions: list[Question], post: QueryDict) -> dict[str, Any]:
    """The answers fields (`answers.<id>`) in the shape the API takes; the service checks them."""
    return {str(question.pk): _answer(question, post) for question in questions}


def answers_as_form(answers: dict[str, Any]) -> QueryDict:
    """Stored answers as the form shows them (a multiple choice is a repeated field)."""
    form = QueryDict(mutable=True)
    for key, value in answers.items():
        if isinstance(value, bool):
            value = "1" if value else ""
        form.setlist(
            f"answers.{key}", [str(v) for v in value] if isinstance(value, list) else [str(value)]
        )
    return form
