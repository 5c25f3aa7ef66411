"""The organisers' email composer: who a message reaches, and how it reads, before sending.

The preview and the sending use the same `recipients`, so the count shown is the number of
emails that go out.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from events import dates
from events.models import Event
from registration.models import Choice, Question, Registration

from .models import Message
from .outbox import audience
from .rendering import MESSAGE_SUBJECTS, fill

LANGUAGES = ("en", "vi")


def choice_filter(event: Event, choice_ids: list[int]) -> Q:
    """People who picked any of these choices (of this event's choice questions)."""
    choices = list(
        Choice.objects.filter(pk__in=choice_ids, question__event=event).select_related("question")
    )
    unknown = set(choice_ids) - {choice.pk for choice in choices}
    if unknown:
        raise ValidationError(
            {"choices": [_("These choices are not choices of this event's questions.")]}
        )
    wanted = Q(pk__in=[])
    for choice in choices:
        key = str(choice.question_id)
        if choice.question.kind == Question.Kind.MULTIPLE_CHOICE:
            wanted |= Q(answers__contains={key: [choice.pk]})
        else:
            wanted |= Q(answers__contains={key: choice.pk})
    return wanted


def recipients(event: Event, data: dict[str, Any]) -> QuerySet[Registration]:
    """Who a broadcast with these filters reaches (people who opted out excluded)."""
    people = audience(
        event,
        statuses=data.get("statuses") or [Registration.Status.CONFIRMED],
        participant_types=data.get("participant_types") or [],
        checked_in=data.get("checked_in"),
    )
    if data.get("choices"):
        people = people.filter(choice_filter(event, list(data["choices"])))
    return people


def choice_options(event: Event) -> list[tuple[str, list[tuple[int, str]]]]:
    """The event's choice questions with their choices, for the composer's filter."""
    questions = Question.objects.filter(
        event=event, kind__in=(Question.Kind.SINGLE_CHOICE, Question.Kind.MULTIPLE_CHOICE)
    ).prefetch_related("choices")
    return [
        (question.label, [(choice.pk, choice.label) for choice in question.choices.all()])
        for question in questions
    ]


def preview(event: Event, data: dict[str, Any]) -> dict[str, Any]:
    """How many people the message reaches, and how it reads in each language."""
    people = recipients(event, data)
    message = Message(
        event=event,
        kind=Message.Kind.BROADCAST,
        subject_en=data.get("subject_en", ""),
        subject_vi=data.get("subject_vi", ""),
        body_en=data.get("body_en", ""),
        body_vi=data.get("body_vi", ""),
    )
    counts = dict.fromkeys(LANGUAGES, 0)
    for language in people.values_list("language", flat=True):
        counts[language if language in counts else "en"] += 1
    versions = []
    for language in LANGUAGES:
        with translation.override(language):
            # Personal placeholders stay visible: each person gets their own name and link.
            values = {
                "event": event.title,
                "start": dates.when(event.start, event.timezone),
                "venue": ", ".join(
                    p for p in (event.venue_name, event.venue_address, event.venue_city) if p
                ),
                "join_link": event.online_url,
            }
            subject = message.subject(language)
            subject = (
                fill(subject, values)
                if subject
                else MESSAGE_SUBJECTS[message.kind]() % {**values, "name": "{name}"}
            )
            versions.append(
                {
                    "language": language,
                    "count": counts[language],
                    "subject": subject,
                    "body": fill(message.body(language), values),
                }
            )
    return {"count": sum(counts.values()), "versions": versions}
