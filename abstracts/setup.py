"""The organisers set up the call: its window, tracks, contribution types, review criteria and
extra questions, all in one action (the API's PUT and the page's form call `set_up`)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event
from events.services import record

from .models import AbstractQuestion, Call, ContributionType, Criterion, Track
from .serializers import CallSerializer

CALL_FIELDS = (
    "opens_at",
    "closes_at",
    "review_deadline",
    "word_limit",
    "reviewers_per_abstract",
    "blind",
    "remind_hours_before",
)
# Each list of the call: its model, and the fields an item may set.
LISTS: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "tracks": (Track, ("name_en", "name_vi")),
    "contribution_types": (ContributionType, ("name_en", "name_vi", "is_poster", "minutes")),
    "criteria": (Criterion, ("name_en", "name_vi", "max_score")),
    "questions": (AbstractQuestion, ("kind", "label_en", "label_vi", "required")),
}
DEFAULT_TYPES = (
    {"name_en": "Talk", "name_vi": "Báo cáo", "is_poster": False, "minutes": 15},
    {"name_en": "Poster", "name_vi": "Áp phích", "is_poster": True, "minutes": 60},
)
DEFAULT_CRITERIA = (
    {"name_en": "Relevance", "name_vi": "Mức độ phù hợp"},
    {"name_en": "Originality", "name_vi": "Tính mới"},
    {"name_en": "Clarity", "name_vi": "Tính rõ ràng"},
)


def call_of(event: Event) -> Call | None:
    return Call.objects.filter(event=event).first()


def is_open(call: Call | None, now=None) -> bool:
    now = now or timezone.now()
    return (
        call is not None
        and call.event.status == Event.Status.PUBLISHED
        and call.opens_at <= now < call.closes_at
    )


def _check(call: Call) -> None:
    errors: dict[str, list[str]] = {}
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        errors["closes_at"] = [_("The call must close after it opens.")]
    if call.review_deadline and call.closes_at and call.review_deadline <= call.closes_at:
        errors["review_deadline"] = [_("Reviews are due after the call closes.")]
    if call.word_limit is not None and call.word_limit < 10:
        errors["word_limit"] = [_("Allow at least 10 words.")]
    if errors:
        raise ValidationError(errors)


def set_up(event: Event, *, actor, data: Mapping[str, Any]) -> Call:
    """Set up the event's call from the API's body or the page's form: one set of field rules
    (the API's serializer), times without an offset read on the event's clock, then
    `configure`. Bad input raises the serializer's ValidationError (400), removing an item
    abstracts use a Conflict (409)."""
    with timezone.override(event.tzinfo):
        serializer = CallSerializer(data=data)
        serializer.is_valid(raise_exception=True)
    return configure(event, actor=actor, data=serializer.validated_data)


@transaction.atomic
def configure(event: Event, *, actor, data: dict[str, Any]) -> Call:
    """Create or change the event's call. Lists given replace the current ones (items with an
    `id` are kept and changed); an item in use by an abstract cannot be removed (409)."""
    call = Call.objects.select_for_update().filter(event=event).first()
    creating = call is None
    call = call or Call(event=event)
    for name in CALL_FIELDS:
        if name in data:
            setattr(call, name, data[name])
    _check(call)
    call.save()
    for name, (model, fields) in LISTS.items():
        if name in data:
            _replace(event, model, fields, data[name], name)
    if creating:
        if "contribution_types" not in data:
            _replace(event, ContributionType, LISTS["contribution_types"][1], DEFAULT_TYPES, "")
        if "criteria" not in data:
            _replace(event, Criterion, LISTS["criteria"][1], DEFAULT_CRITERIA, "")
    record(
        event,
        actor,
        "call.created" if creating else "call.updated",
        **{name: str(data[name]) for name in CALL_FIELDS if name in data},
    )
    return call


def _replace(
    event: Event, model: type[models.Model], fields: tuple[str, ...], items, name: str
) -> None:
    current = {row.pk: row for row in model.objects.filter(event=event)}
    kept = set()
    for position, item in enumerate(items):
        row = current.get(item.get("id")) if item.get("id") else None
        if item.get("id") and row is None:
            raise ValidationError({name: [_("Item %(id)s is not part of this call.") % item]})
        row = row or model(event=event)
        for field in fields:
            if field in item:
                setattr(row, field, item[field])
        row.position = position
        if not (getattr(row, "name_en", None) or getattr(row, "name_vi", None)) and not (
            getattr(row, "label_en", None) or getattr(row, "label_vi", None)
        ):
            raise ValidationError({name: [_("Give each item a name in English or Vietnamese.")]})
        row.save()
        kept.add(row.pk)
    try:
        model.objects.filter(event=event).exclude(pk__in=kept).delete()
    except ProtectedError:
        raise Conflict(
            _("Abstracts use an item you removed: keep it, or move the abstracts first."),
            code="in_use",
        ) from None


def offer(event: Event) -> dict[str, list]:
    """What a submitter chooses from: tracks, types, topics (the event's fields of science,
    or every major field when it names none) and the extra questions."""
    from events.models import FieldOfScience

    topics = list(event.fields.all()) or list(FieldOfScience.objects.filter(parent__isnull=True))
    return {
        "tracks": list(Track.objects.filter(event=event)),
        "contribution_types": list(ContributionType.objects.filter(event=event)),
        "topics": topics,
        "questions": list(AbstractQuestion.objects.filter(event=event)),
        "criteria": list(Criterion.objects.filter(event=event)),
    }
