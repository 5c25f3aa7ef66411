"""Submitting an abstract (no account needed), and what its private link allows: view, edit
until the call closes, withdraw."""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.countries import resolve_country
from core.emails import email_key
from core.exceptions import Conflict, NotFound
from events.models import Event
from registration.answers import clean_answers

from . import setup
from .models import Abstract, AbstractQuestion, Author
from .signals import abstract_submitted

WORD = re.compile(r"\w+(?:[-'’]\w+)*")
MAX_AUTHORS = 50
MAX_KEYWORDS = 10
LANGUAGES = ("en", "vi")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def check_open(event: Event) -> None:
    call = setup.call_of(event)
    if call is None:
        raise Conflict(_("This event has no call for abstracts."), code="no_call")
    if not setup.is_open(call):
        raise Conflict(_("The call for abstracts is not open."), code="call_closed")


def _authors(items: Any, errors: dict[str, list[str]]) -> list[Author]:
    if not isinstance(items, list) or not items:
        errors["authors"] = [_("Name at least one author.")]
        return []
    if len(items) > MAX_AUTHORS:
        errors["authors"] = [_("At most %(n)d authors.") % {"n": MAX_AUTHORS}]
        return []
    authors, seen = [], set()
    for position, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        prefix = f"authors.{position}"
        name = str(item.get("name") or "").strip()
        email = str(item.get("email") or "").strip()
        if not name:
            errors[f"{prefix}.name"] = [_("Enter the author's name.")]
        try:
            validate_email(email)
        except ValidationError:
            errors[f"{prefix}.email"] = [_("Enter a valid email address.")]
        else:
            if email_key(email) in seen:
                errors[f"{prefix}.email"] = [_("Each author needs their own address.")]
            seen.add(email_key(email))
        country = str(item.get("country") or "").strip()
        code = resolve_country(country) if country else ""
        if code is None:
            errors[f"{prefix}.country"] = [
                _("Choose a country from the list, or enter its two-letter code, such as VN.")
            ]
        language = item.get("language") or "en"
        authors.append(
            Author(
                position=position,
                name=name[:200],
                email=email[:254],
                affiliation=str(item.get("affiliation") or "").strip()[:300],
                country=code or "",
                presenting=item.get("presenting") is True,
                language=language if language in LANGUAGES else "en",
            )
        )
    if sum(author.presenting for author in authors) != 1:
        errors.setdefault("authors", []).append(_("Mark exactly one author as presenting."))
    return authors


def _fill(abstract: Abstract, data: dict[str, Any]) -> list[Author]:
    """Check everything the submitter gave and put it on `abstract`; all errors at once."""
    event, errors = abstract.event, {}
    call = setup.call_of(event)
    for field in ("title_en", "title_vi", "text_en", "text_vi"):
        if field in data:
            setattr(abstract, field, str(data[field] or "").strip())
    if not (abstract.title_en or abstract.title_vi):
        errors["title_en"] = [_("Give the abstract a title in English or Vietnamese.")]
    if not (abstract.text_en or abstract.text_vi):
        errors["text_en"] = [_("Write the abstract in English or Vietnamese.")]
    for field in ("text_en", "text_vi"):
        words = word_count(getattr(abstract, field))
        if call and words > call.word_limit:
            errors[field] = [
                _("%(words)d words: keep it within %(limit)d.")
                % {"words": words, "limit": call.word_limit}
            ]
    if "keywords" in data:
        keywords = [str(k).strip()[:60] for k in data["keywords"] or [] if str(k).strip()]
        if len(keywords) > MAX_KEYWORDS:
            errors["keywords"] = [_("At most %(n)d keywords.") % {"n": MAX_KEYWORDS}]
        abstract.keywords = keywords
    offer = setup.offer(event)
    if "track" in data or abstract.pk is None:
        tracks = {track.pk: track for track in offer["tracks"]}
        abstract.track = tracks.get(data.get("track"))
        if tracks and abstract.track is None:
            errors["track"] = [_("Choose one of the call's tracks.")]
    if "contribution_type" in data or abstract.pk is None:
        types = {kind.pk: kind for kind in offer["contribution_types"]}
        abstract.contribution_type = types.get(data.get("contribution_type"))
        if abstract.contribution_type_id is None:
            errors["contribution_type"] = [_("Choose a contribution type.")]
    if data.get("topic"):
        topics = {field.code: field for field in offer["topics"]}
        abstract.topic = topics.get(str(data["topic"]))
        if abstract.topic is None:
            errors["topic"] = [_("Choose one of the event's fields of science.")]
    if "answers" in data or abstract.pk is None:
        try:
            abstract.answers = clean_answers(offer["questions"], data.get("answers"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "conflicts" in data:
        abstract.declared_conflicts = sorted(
            {email_key(str(a)) for a in data["conflicts"] or [] if "@" in str(a)}
        )
    authors = _authors(data["authors"], errors) if "authors" in data else None
    if abstract.pk is None and authors is None:
        errors["authors"] = [_("Name at least one author.")]
    if errors:
        raise ValidationError(errors)
    return authors


@transaction.atomic
def submit(event: Event, data: dict[str, Any]) -> Abstract:
    """One abstract, while the call is open; the submitter is emailed its private link and the
    other authors are told they were listed (notifications, in this transaction)."""
    check_open(event)
    language = data.get("language") if data.get("language") in LANGUAGES else "en"
    abstract = Abstract(event=event, language=language)
    authors = _fill(abstract, data)
    if data.get("consent") is not True:
        raise ValidationError(
            {"consent": [_("Please agree to the data-processing notice to submit.")]}
        )
    abstract.consent_at = timezone.now()
    abstract.consent_notice_version = event.privacy_notice_label
    abstract.save()
    _save_authors(abstract, authors)
    abstract_submitted.send(sender=Abstract, abstract=abstract, submitter=data.get("submitter"))
    return abstract


def _save_authors(abstract: Abstract, authors: list[Author]) -> None:
    Author.objects.filter(abstract=abstract).delete()
    for author in authors:
        author.abstract = abstract
    Author.objects.bulk_create(authors)


def find_by_token(token: str) -> Abstract:
    abstract = (
        Abstract.objects.select_related("event", "track", "contribution_type", "topic")
        .filter(token=token)
        .first()
    )
    if abstract is None:
        raise NotFound(_("This link is not valid any more."))
    return abstract


def can_edit(abstract: Abstract) -> bool:
    call = setup.call_of(abstract.event)
    return (
        abstract.status == Abstract.Status.SUBMITTED
        and call is not None
        and timezone.now() < call.closes_at
    )


@transaction.atomic
def edit(abstract: Abstract, data: dict[str, Any]) -> Abstract:
    """The submitter changes their abstract, until the call closes."""
    abstract = Abstract.objects.select_for_update().select_related("event").get(pk=abstract.pk)
    if not can_edit(abstract):
        raise Conflict(_("This abstract can no longer be changed."), code="not_editable")
    authors = _fill(abstract, data)
    abstract.save()
    if authors is not None:
        _save_authors(abstract, authors)
    return abstract


@transaction.atomic
def withdraw(abstract: Abstract) -> Abstract:
    """Withdrawn before a decision: reviewers and the committee stop seeing it."""
    abstract = Abstract.objects.select_for_update().get(pk=abstract.pk)
    if abstract.status == Abstract.Status.WITHDRAWN:
        return abstract
    if abstract.status != Abstract.Status.SUBMITTED:
        raise Conflict(_("A decided abstract cannot be withdrawn."), code="decided")
    abstract.status = Abstract.Status.WITHDRAWN
    abstract.save(update_fields=["status", "updated_at"])
    return abstract


def authors_of(abstract: Abstract) -> list[Author]:
    return list(Author.objects.filter(abstract=abstract).order_by("position"))


def questions_of(event: Event) -> list[AbstractQuestion]:
    return list(AbstractQuestion.objects.filter(event=event))
