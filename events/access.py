"""Who may see and change which event. Used by the API, the web pages and the admin alike."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from .models import Event, Programme, TeamMembership
from .programme_models import ProgrammeStaff

Role = TeamMembership.Role
CHANGE_ROLES = {Role.OWNER, Role.ORGANISER}
# The people who run the event: its registrations, door and audit log. Reviewers and the
# programme committee are on the team for the call for abstracts only (abstracts.access).
STAFF_ROLES = {Role.OWNER, Role.ORGANISER, Role.CHECKIN}
PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)

AnyUser = AbstractBaseUser | AnonymousUser


def role_of(user: AnyUser, event: Event) -> str | None:
    """The user's role on the event's team; superusers act as owners everywhere."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.OWNER
    cache = getattr(user, "_event_roles", None)
    if cache is not None:
        return cache.get(event.pk)
    membership = TeamMembership.objects.filter(event=event, user=user).only("role").first()
    return membership.role if membership else None


def remember_roles(user: AnyUser) -> None:
    """Load every role of the user in one query, so listing events costs no query per event."""
    if user.is_authenticated and not user.is_superuser:
        user._event_roles = dict(
            TeamMembership.objects.filter(user=user).values_list("event_id", "role")
        )


def is_programme_staff(user: AnyUser, programme: Programme | None) -> bool:
    """Programme staff see every event of their programme (read-only) and set its targets."""
    if programme is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return ProgrammeStaff.objects.filter(programme=programme, user=user).exists()


def visible_events(user: AnyUser) -> QuerySet[Event]:
    """Public events for everyone, plus drafts of the events whose team the user is on and
    of the programmes the user is staff of."""
    events = Event.objects.all()
    if user.is_authenticated and user.is_superuser:
        return events
    public = Q(status__in=PUBLIC_STATUSES)
    if not user.is_authenticated:
        return events.filter(public)
    mine = TeamMembership.objects.filter(user=user).values("event_id")
    staffed = ProgrammeStaff.objects.filter(user=user).values("programme_id")
    return events.filter(public | Q(pk__in=mine) | Q(programme_id__in=staffed))


def listed_events(user: AnyUser) -> QuerySet[Event]:
    """What the event list shows by default: published events and the caller's own events.
    Cancelled events stay reachable by their address, and by filtering on status."""
    events = visible_events(user)
    if user.is_authenticated and user.is_superuser:
        return events
    cancelled = Q(status=Event.Status.CANCELLED)
    if user.is_authenticated:
        mine = TeamMembership.objects.filter(user=user).values("event_id")
        return events.exclude(cancelled & ~Q(pk__in=mine))
    return events.exclude(cancelled)


def can_view_team_data(user: AnyUser, event: Event) -> bool:
    return role_of(user, event) in STAFF_ROLES


def can_change(user: AnyUser, event: Event) -> bool:
    return role_of(user, event) in CHANGE_ROLES


def is_owner(user: AnyUser, event: Event) -> bool:
    return role_of(user, event) == Role.OWNER


def can_check_in(user: AnyUser, event: Event) -> bool:
    return role_of(user, event) in STAFF_ROLES


def can_view_personal_data(user: AnyUser, event: Event) -> bool:
    """Registrants' contact details, organisations, answers, exports and the emails sent to
    them: owner and organisers. Check-in staff (often volunteers) see only what the door
    needs: name, participant type, status, ticket code and check-in time."""
    return role_of(user, event) in CHANGE_ROLES


def events_run_by(user: AnyUser, roles=CHANGE_ROLES) -> QuerySet[Event]:
    """The events on whose team the user has one of these roles (all of them: superusers)."""
    if user.is_authenticated and user.is_superuser:
        return Event.objects.all()
    if not user.is_authenticated:
        return Event.objects.none()
    mine = TeamMembership.objects.filter(user=user, role__in=roles).values("event_id")
    return Event.objects.filter(pk__in=mine)
