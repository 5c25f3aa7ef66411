"""Query functions: what the pages read about events, programmes, teams and the audit log.

Pages read through these, never through `.objects` themselves, so a read's shape (its joins,
its order) is decided once, next to the models.
"""

from django.conf import settings
from django.db.models import QuerySet

from core.translation import written_in

from .models import AuditLogEntry, Event, FieldOfScience, Programme, Speaker, TeamMembership
from .programme_models import ProgrammeRequest


def event_by_slug(slug: str) -> Event | None:
    return Event.objects.filter(slug=slug).select_related("programme", "host").first()


def published_events() -> QuerySet[Event]:
    return Event.objects.filter(status=Event.Status.PUBLISHED).select_related("seats", "host")


def published_cities() -> QuerySet:
    """The cities of published events, each once, in order (the home page's filter)."""
    return (
        Event.objects.filter(status=Event.Status.PUBLISHED)
        .exclude(venue_city="")
        .values_list("venue_city", flat=True)
        .distinct()
        .order_by("venue_city")
    )


def events_of_team_member(user) -> QuerySet[Event]:
    """The events whose team has this user, newest first; every event for a superuser."""
    if user.is_superuser:
        return Event.objects.order_by("-start")
    return Event.objects.filter(team__user=user).order_by("-start")


def changeable_event_ids(user, roles) -> set[int]:
    return set(
        Event.objects.filter(team__user=user, team__role__in=roles).values_list("pk", flat=True)
    )


def is_on_a_team(user) -> bool:
    return TeamMembership.objects.filter(user=user).exists()


def team_of(event: Event) -> QuerySet[TeamMembership]:
    return TeamMembership.objects.filter(event=event).select_related("user")


def audit_log(event: Event) -> QuerySet[AuditLogEntry]:
    """The event's audit log, newest first."""
    return (
        AuditLogEntry.objects.filter(event=event)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def programmes() -> QuerySet[Programme]:
    return Programme.objects.all()


def programme_by_id(pk: int | None) -> Programme | None:
    return Programme.objects.filter(pk=pk).first()


def other_programmes(event: Event) -> QuerySet[Programme]:
    """The programmes an event could move to, by code."""
    return Programme.objects.exclude(pk=event.programme_id).order_by("code")


def first_staffed_programme(user) -> Programme | None:
    return Programme.objects.filter(staff__user=user).order_by("code").first()


def programme_events(programme: Programme, statuses: list[str]) -> QuerySet[Event]:
    return Event.objects.filter(programme=programme, status__in=statuses).select_related("seats")


def programme_requests() -> QuerySet[ProgrammeRequest]:
    return ProgrammeRequest.objects.select_related("event")


def major_fields() -> QuerySet[FieldOfScience]:
    """The top-level fields of science."""
    return FieldOfScience.objects.filter(parent__isnull=True)


def major_field(pk: int | None) -> FieldOfScience | None:
    return FieldOfScience.objects.filter(parent__isnull=True, pk=pk).first()


def fields_by_code(codes: list[str]) -> QuerySet[FieldOfScience]:
    return FieldOfScience.objects.filter(code__in=codes)


def speaker_of(event: Event, pk: int | str) -> Speaker | None:
    """A speaker of this event's agenda, or None (another event's speaker is not found)."""
    return Speaker.objects.filter(event=event, pk=pk).first()


def team_member_language(event: Event, user) -> str:
    """The language a team member gets the team's emails in: the one they last used the site
    in as a member, else the one the event is written in (its title), else the site's."""
    known = (
        TeamMembership.objects.filter(event=event, user=user)
        .values_list("language", flat=True)
        .first()
    )
    return known or written_in(event.title_en, event.title_vi, settings.LANGUAGE_CODE[:2])
