"""An event's own registration questions: kept per process until they change, edited by the
team."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event
from events.services import record

from .models import (
    Choice,
    Question,
    Seats,
)

_question_cache: dict[tuple[Any, int], list[Question]] = {}


def questions_of(event: Event) -> list[Question]:
    """The event's questions with their choices, cached per process until they change.

    The version comes with the event when it was loaded with `select_related("seats")`,
    so the registration hot path reads no question rows at all.
    """
    seats = getattr(event, "seats", None)
    version = seats.version if seats else None
    if version is None:
        return list(event.questions.prefetch_related("choices"))
    key = (event.uuid, version)
    if key not in _question_cache:
        if len(_question_cache) > 512:
            _question_cache.clear()
        _question_cache[key] = list(event.questions.prefetch_related("choices"))
    return _question_cache[key]


def questions_changed(event: Event) -> None:
    # The kept questions and the copies of the event web processes keep are outdated.
    Seats.objects.filter(pk=event.pk).update(version=F("version") + 1)


# --- Questions ------------------------------------------------------------------------------


@transaction.atomic
def save_question(
    event: Event, data: dict[str, Any], *, actor, question: Question | None = None
) -> Question:
    data = dict(data)
    choices = data.pop("choices", None)
    creating = question is None
    question = question or Question(event=event)
    for name, value in data.items():
        setattr(question, name, value)
    question.save()
    if choices is not None:
        _save_choices(question, choices)
    questions_changed(event)
    record(
        event,
        actor,
        "question.created" if creating else "question.updated",
        question=question.label,
    )
    return question


def _save_choices(question: Question, choices: list[dict[str, Any]]) -> None:
    existing = {choice.pk: choice for choice in question.choices.select_for_update()}
    kept = set()
    for position, data in enumerate(choices):
        choice = existing.get(data.get("id")) or Choice(question=question)
        capacity = data.get("capacity", choice.capacity)
        if capacity is not None and capacity < choice.taken:
            raise ValidationError(
                {
                    "choices": [
                        _("“%(choice)s” already has %(taken)d people: capacity cannot be lower.")
                        % {"choice": choice.label, "taken": choice.taken}
                    ]
                }
            )
        choice.label_en = data.get("label_en", choice.label_en)
        choice.label_vi = data.get("label_vi", choice.label_vi)
        choice.capacity = capacity
        choice.position = position
        choice.save()
        kept.add(choice.pk)
    for pk, choice in existing.items():
        if pk not in kept:
            if choice.taken:
                raise ValidationError(
                    {
                        "choices": [
                            _("“%(choice)s” has been chosen already and cannot be removed.")
                            % {"choice": choice.label}
                        ]
                    }
                )
            choice.delete()


@transaction.atomic
def delete_question(question: Question, *, actor) -> None:
    if Choice.objects.filter(question=question, taken__gt=0).exists():
        raise Conflict(
            _("People have already answered this question: it cannot be deleted."),
            "question_answered",
        )
    record(question.event, actor, "question.deleted", question=question.label)
    question.delete()
    questions_changed(question.event)
