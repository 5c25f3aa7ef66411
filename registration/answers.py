"""Checking answers to an event's own questions."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from core.countries import resolve_country

from .models import Question

PHONE = re.compile(r"^\+?[0-9 ()./-]{6,25}$")
MAX_TEXT = {Question.Kind.SHORT_TEXT: 300, Question.Kind.LONG_TEXT: 5000}


def _one(question: Question, value: Any) -> Any:
    kind = question.kind
    if kind in MAX_TEXT:
        if not isinstance(value, str):
            raise ValidationError(_("Enter text."))
        value = value.strip()
        if len(value) > MAX_TEXT[kind]:
            raise ValidationError(
                _("Keep this under %(limit)d characters.") % {"limit": MAX_TEXT[kind]}
            )
        return value
    if kind == Question.Kind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValidationError(_("Enter a number."))
        try:
            number = float(value)
        except ValueError:
            raise ValidationError(_("Enter a number.")) from None
        if number != number or abs(number) > 1e12:
            raise ValidationError(_("Enter a number."))
        return int(number) if number.is_integer() else number
    if kind == Question.Kind.CHECKBOX:
        if not isinstance(value, bool):
            raise ValidationError(_("Answer true or false."))
        return value
    if kind == Question.Kind.DATE:
        try:
            return datetime.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD.")) from None
    if kind == Question.Kind.COUNTRY:
        code = resolve_country(str(value))
        if code is None:
            raise ValidationError(
                _("Choose a country from the list, or enter its two-letter code, such as VN.")
            )
        return code
    if kind == Question.Kind.EMAIL:
        address = str(value).strip()
        validate_email(address)
        return address
    if kind == Question.Kind.PHONE:
        number = str(value).strip()
        if not PHONE.match(number):
            raise ValidationError(_("Enter a phone number, such as +84 24 3825 2345."))
        return number
    choice_ids = {choice.pk for choice in question.choices.all()}
    if kind == Question.Kind.SINGLE_CHOICE:
        if isinstance(value, bool) or not isinstance(value, int) or value not in choice_ids:
            raise ValidationError(_("Pick one of the offered choices."))
        return value
    # multiple choice
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v in choice_ids for v in value
    ):
        raise ValidationError(_("Pick from the offered choices."))
    return sorted(set(value))


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value is False


def clean_answers(questions: list[Question], answers: Any) -> dict[str, Any]:
    """Answers keyed by question id (as text). Unknown questions are refused."""
    if answers in (None, ""):
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationError({"answers": [_("Send answers as an object keyed by question id.")]})
    by_id = {str(question.pk): question for question in questions}
    errors: dict[str, list[str]] = {}
    unknown = [key for key in answers if str(key) not in by_id]
    if unknown:
        errors["answers"] = [
            _("These questions do not belong to this event: %(ids)s.")
            % {"ids": ", ".join(map(str, unknown))}
        ]
    cleaned: dict[str, Any] = {}
    for key, question in by_id.items():
        value = answers.get(key, answers.get(int(key)) if key.isdigit() else None)
        if is_blank(value):
            if question.required:
                errors[f"answers.{key}"] = [_("This question needs an answer.")]
            continue
        try:
            cleaned[key] = _one(question, value)
        except ValidationError as exc:
            errors[f"answers.{key}"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return cleaned


def held_choice_ids(questions: list[Question], answers: dict[str, Any]) -> list[int]:
    """The choices this registration holds: those picked in answer to a choice question.

    Only a choice question's own choices count: a number (or any other) answer that happens
    to equal a choice's id holds nothing. Every picked choice is held, limited or not, so its
    `taken` always counts its holders and a capacity put on it later counts them too.
    """
    chosen: list[int] = []
    for question in questions:
        if not question.has_choices:
            continue
        value = answers.get(str(question.pk))
        own = {choice.pk for choice in question.choices.all()}
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and not isinstance(item, bool) and item in own:
                chosen.append(item)
    return sorted(set(chosen))
