"""Business rules for events: creating, changing, publishing, cancelling, teams and agendas.

Every function takes the acting user, checks nothing about permissions (callers do, through
``events.access``) and records what it changed in the audit log.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from core.text import fold

from . import signals
from .agenda_models import Session, Speaker
from .models import AuditLogEntry, Event, Organisation, PrivacyNotice, Programme, TeamMembership
from .programme_models import ProgrammeTarget

# Changing these tells registrants (see notifications) and moves unsent reminders.
SCHEDULE_FIELDS = ("start", "end", "timezone", "venue_name", "venue_address", "venue_city")
MANY_FIELDS = ("fields", "partners")
SEARCHED_FIELDS = (
    "title_en",
    "title_vi",
    "summary_en",
    "summary_vi",
    "venue_name",
    "venue_city",
    "slug",
)


def unique_slug(title: str) -> str:
    base = slugify(fold(title))[:80] or "event"
    slug, n = base, 1
    while Event.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def organisation_named(name: str) -> Organisation:
    organisation, _created = Organisation.objects.get_or_create(name=name.strip())
    return organisation


def record(event: Event | None, actor: AbstractBaseUser | None, action: str, **changes) -> None:
    AuditLogEntry.objects.create(
        event=event,
        event_slug=event.slug if event else "",
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        changes=changes,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _apply(event: Event, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set simple fields from data; return {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in data.items():
        if name in MANY_FIELDS:
            continue
        if name == "host" and isinstance(value, str):
            value = organisation_named(value) if value.strip() else None
        old = getattr(event, name)
        if old != value:
            changed[name] = [_plain(old), _plain(value)]
            setattr(event, name, value)
    return changed


def _apply_many(event: Event, data: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {}
    if "fields" in data:
        old = sorted(event.fields.values_list("code", flat=True))
        new = sorted(field.code for field in data["fields"])
        if old != new:
            event.fields.set(data["fields"])
            changed["fields"] = [old, new]
    if "partners" in data:
        old = sorted(event.partners.values_list("name", flat=True))
        partners = [organisation_named(name) for name in data["partners"] if name.strip()]
        new = sorted(p.name for p in partners)
        if old != new:
            event.partners.set(partners)
            changed["partners"] = [old, new]
    return changed


NOTICE_FIELDS = ("privacy_notice_en", "privacy_notice_vi")


def _clean_notice(data: dict[str, Any]) -> dict[str, Any]:
    for name in NOTICE_FIELDS:
        if name in data:
            data[name] = (data[name] or "").strip()
    return data


def _bump_notice_version(event: Event, changed: dict[str, Any]) -> bool:
    """A changed notice is a new version (before saving the event: it is locked, or new)."""
    if not any(name in changed for name in NOTICE_FIELDS):
        return False
    event.privacy_notice_version += 1
    changed["privacy_notice_version"] = [
        event.privacy_notice_version - 1,
        event.privacy_notice_version,
    ]
    return True


def _keep_notice(event: Event, user: AbstractBaseUser | None) -> None:
    """Every version with a text is kept for good (after saving the event), so consents
    given earlier still point at the words that were agreed to."""
    if event.has_own_privacy_notice:
        PrivacyNotice.objects.create(
            event=event,
            version=event.privacy_notice_version,
            text_en=event.privacy_notice_en,
            text_vi=event.privacy_notice_vi,
            created_by=user if user and user.is_authenticated else None,
        )


def index_for_search(event: Event) -> None:
    event.search_text = fold(" ".join(getattr(event, name) or "" for name in SEARCHED_FIELDS))


@transaction.atomic
def create_event(*, user: AbstractBaseUser, data: dict[str, Any]) -> Event:
    """A new draft event; its creator becomes the owner of its team."""
    data = _clean_notice(dict(data))
    event = Event(created_by=user)
    notice_changed = _bump_notice_version(event, _apply(event, data))
    if not event.slug:
        event.slug = unique_slug(event.title_en or event.title_vi)
    event.clean()
    if Event.objects.filter(slug=event.slug).exists():
        raise ValidationError({"slug": [_("This slug is already taken by another event.")]})
    index_for_search(event)
    event.save()
    _apply_many(event, data)
    if notice_changed:
        _keep_notice(event, user)
    TeamMembership.objects.create(event=event, user=user, role=TeamMembership.Role.OWNER)
    record(event, user, "event.created", slug=event.slug)
    return event


@transaction.atomic
def update_event(event: Event, *, user: AbstractBaseUser, data: dict[str, Any]) -> Event:
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if "slug" in data and data["slug"] != event.slug:
        if event.status != Event.Status.DRAFT:
            raise ValidationError({"slug": [_("The address of a published event cannot change.")]})
        if Event.objects.filter(slug=data["slug"]).exclude(pk=event.pk).exists():
            raise ValidationError({"slug": [_("This slug is already taken by another event.")]})
    changed = _apply(event, _clean_notice(dict(data)))
    notice_changed = _bump_notice_version(event, changed)
    event.clean()
    index_for_search(event)
    event.save()
    if notice_changed:
        _keep_notice(event, user)
    changed.update(_apply_many(event, data))
    if changed:
        record(event, user, "event.updated", **changed)
    schedule_changes = {name: changed[name] for name in SCHEDULE_FIELDS if name in changed}
    if schedule_changes and event.status == Event.Status.PUBLISHED:
        signals.event_rescheduled.send(
            sender=Event, event=event, actor=user, changes=schedule_changes
        )
    return event


@transaction.atomic
def publish_event(event: Event, *, user: AbstractBaseUser) -> Event:
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if event.status == Event.Status.PUBLISHED:
        return event
    if event.status == Event.Status.CANCELLED:
        raise Conflict(_("A cancelled event cannot be published again."), "event_cancelled")
    event.clean()
    if event.format != Event.Format.IN_PERSON and not event.online_url:
        raise ValidationError(
            {"online_url": [_("Online and hybrid events need a join link before publishing.")]}
        )
    event.status = Event.Status.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    record(event, user, "event.published")
    signals.event_published.send(sender=Event, event=event, actor=user)
    return event


@transaction.atomic
def cancel_event(event: Event, *, user: AbstractBaseUser, reason: str = "") -> Event:
    event = Event.objects.select_for_update(no_key=True).get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        return event
    was_published = event.status == Event.Status.PUBLISHED
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    record(event, user, "event.cancelled", reason=reason)
    if was_published:
        signals.event_cancelled.send(sender=Event, event=event, actor=user)
    return event


@transaction.atomic
def delete_event(event: Event, *, user: AbstractBaseUser) -> None:
    if event.status != Event.Status.DRAFT:
        raise Conflict(
            _("A published event cannot be deleted: cancel it instead."), "event_not_draft"
        )
    record(event, user, "event.deleted", slug=event.slug, title=event.title)
    event.delete()


# --- Team -----------------------------------------------------------------------------------


@transaction.atomic
def add_team_member(
    event: Event, *, user: AbstractBaseUser, member: AbstractBaseUser, role: str
) -> TeamMembership:
    if role == TeamMembership.Role.OWNER:
        raise ValidationError({"role": [_("An event has exactly one owner.")]})
    if TeamMembership.objects.filter(event=event, user=member).exists():
        raise Conflict(_("This person is already on the team."), "already_on_team")
    membership = TeamMembership.objects.create(event=event, user=member, role=role)
    record(event, user, "team.added", member=member.get_username(), role=role)
    return membership


def remember_language(event: Event, user: AbstractBaseUser, language: str) -> None:
    """A team member used the site in this language for their team work: their team emails
    (review reminders) will be written in it. One UPDATE, which writes only a change."""
    language = (language or "")[:2]
    if language in ("en", "vi"):
        TeamMembership.objects.filter(event=event, user=user).exclude(language=language).update(
            language=language
        )


@transaction.atomic
def change_team_role(
    membership: TeamMembership, *, user: AbstractBaseUser, role: str
) -> TeamMembership:
    if membership.role == TeamMembership.Role.OWNER or role == TeamMembership.Role.OWNER:
        raise ValidationError({"role": [_("The owner's role cannot be changed here.")]})
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        membership.event,
        user,
        "team.role_changed",
        member=membership.user.get_username(),
        role=[old, role],
    )
    return membership


@transaction.atomic
def remove_team_member(membership: TeamMembership, *, user: AbstractBaseUser) -> None:
    if membership.role == TeamMembership.Role.OWNER:
        raise Conflict(_("The owner cannot be removed from the team."), "owner_cannot_leave")
    record(membership.event, user, "team.removed", member=membership.user.get_username())
    membership.delete()


# --- Agenda ---------------------------------------------------------------------------------


def _touch(event: Event) -> None:
    """The agenda is part of the event: its change dates the event (ETag, Last-Modified)."""
    Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())


def _speakers(event: Event, people: list[dict[str, str]]) -> list[Speaker]:
    speakers = []
    for person in people:
        speaker, _created = Speaker.objects.get_or_create(
            event=event,
            name=person["name"].strip(),
            affiliation=person.get("affiliation", "").strip(),
            defaults={"bio": person.get("bio", "")},
        )
        if "bio" in person and speaker.bio != person["bio"]:
            speaker.bio = person["bio"]
            speaker.save(update_fields=["bio"])
        speakers.append(speaker)
    return speakers


def validate_session(session: Session) -> None:
    errors: dict[str, list[str]] = {}
    if not (session.title_en or session.title_vi):
        errors["title"] = [_("Give the session a title.")]
    if session.start and session.end and session.end <= session.start:
        errors["end"] = [_("The session must end after it starts.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_session(
    event: Event,
    *,
    user: AbstractBaseUser,
    data: dict[str, Any],
    session: Session | None = None,
) -> Session:
    data = dict(data)
    people = data.pop("speakers", None)
    creating = session is None
    session = session or Session(event=event)
    changed = {}
    for name, value in data.items():
        if getattr(session, name) != value:
            changed[name] = [_plain(getattr(session, name)), _plain(value)]
            setattr(session, name, value)
    validate_session(session)
    session.save()
    if people is not None:
        session.speakers.set(_speakers(event, people))
        changed["speakers"] = [p["name"] for p in people]
    action = "session.created" if creating else "session.updated"
    record(event, user, action, session=session.title, **changed)
    _touch(event)
    return session


@transaction.atomic
def delete_session(session: Session, *, user: AbstractBaseUser) -> None:
    record(session.event, user, "session.deleted", session=session.title)
    session.delete()
    _touch(session.event)


# --- Programme targets ----------------------------------------------------------------------


@transaction.atomic
def set_target(
    programme: Programme, *, user: AbstractBaseUser, data: dict[str, Any]
) -> ProgrammeTarget:
    """Set one yearly target; setting the same target again replaces its value."""
    target = ProgrammeTarget(programme=programme, **data)
    if target.metric != ProgrammeTarget.Metric.EVENTS and (target.scope or target.field_id):
        raise ValidationError(
            {"metric": [_("Only the number of events can be set per scope or field.")]}
        )
    if target.scope and target.field_id:
        raise ValidationError({"field": [_("Choose a scope or a field, not both.")]})
    if target.metric == ProgrammeTarget.Metric.INTERNATIONAL_SHARE and target.value > 100:
        raise ValidationError({"value": [_("A share is a percentage: at most 100.")]})
    first, last = programme.first_year, programme.last_year
    if (first and target.year < first) or (last and target.year > last):
        raise ValidationError({"year": [_("This year is outside the programme's period.")]})
    ProgrammeTarget.objects.filter(
        programme=programme,
        year=target.year,
        metric=target.metric,
        scope=target.scope,
        field=target.field,
    ).delete()
    target.save()
    record(None, user, "target.set", programme=programme.code, target=str(target))
    return target


@transaction.atomic
def delete_target(target: ProgrammeTarget, *, user: AbstractBaseUser) -> None:
    record(None, user, "target.deleted", programme=target.programme.code, target=str(target))
    target.delete()
