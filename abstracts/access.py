"""Who does what in the call for abstracts, and conflicts of interest.

A reviewer is conflicted with an abstract when one of its authors shares the reviewer's email
domain (public mail providers excepted: they say nothing about where someone works) or
affiliation, when the reviewer is one of its authors or has written another abstract of the
event with one of them, when the authors named the reviewer's address, or when the reviewer
declared it. A conflicted reviewer is never assigned the abstract and never sees it: every
read a reviewer makes goes through `visible_to_reviewer`, which leaves it out, so it is a 404.
"""

from django.db.models import QuerySet

from core.emails import email_key
from events import access as event_access
from events.models import Event, TeamMembership

from .models import Abstract, Author, DeclaredConflict, ReviewerScope

Role = TeamMembership.Role
DECIDE_ROLES = {Role.OWNER, Role.ORGANISER, Role.COMMITTEE}
# Addresses anyone can have: sharing one of these domains is no conflict.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.com.vn",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "163.com",
    ]
)


def can_manage(user, event: Event) -> bool:
    """Set up the call, see every abstract and its authors, assign reviewers."""
    return event_access.can_change(user, event)


def can_decide(user, event: Event) -> bool:
    """The committee board and decisions: the committee, and the organisers who run the call."""
    return event_access.role_of(user, event) in DECIDE_ROLES


def is_reviewer(user, event: Event) -> bool:
    return event_access.role_of(user, event) == Role.REVIEWER


def _domain(address: str) -> str:
    return email_key(address).rpartition("@")[2]


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and a.strip().casefold() == b.strip().casefold()


def conflicted_ids(user, event: Event) -> set[int]:
    """The ids of the event's abstracts this user has a conflict of interest with.

    Three queries, whatever the number of abstracts: the authors of the event, the reviewer's
    scope, the conflicts they declared.
    """
    mine = email_key(user.email) if user.email else ""
    domain = _domain(user.email) if user.email else ""
    if domain in PUBLIC_MAIL_DOMAINS:
        domain = ""
    scope = ReviewerScope.objects.filter(event=event, user=user).only("affiliation").first()
    affiliation = scope.affiliation if scope else ""
    authors = list(
        Author.objects.filter(abstract__event=event).values_list(
            "abstract_id", "email_key", "affiliation", "abstract__declared_conflicts"
        )
    )
    # The reviewer's own abstracts, then everyone who wrote with them.
    own = {abstract_id for abstract_id, key, _a, _d in authors if mine and key == mine}
    coauthors = {key for abstract_id, key, _a, _d in authors if abstract_id in own}
    conflicted = set(own)
    for abstract_id, key, author_affiliation, declared in authors:
        if (
            (domain and key.rpartition("@")[2] == domain)
            or _same(affiliation, author_affiliation)
            or key in coauthors
            or (mine and mine in (declared or []))
        ):
            conflicted.add(abstract_id)
    conflicted |= set(
        DeclaredConflict.objects.filter(user=user, abstract__event=event).values_list(
            "abstract_id", flat=True
        )
    )
    return conflicted


def is_conflicted(user, abstract: Abstract) -> bool:
    return abstract.pk in conflicted_ids(user, abstract.event)


def visible_to_reviewer(user, event: Event) -> QuerySet[Abstract]:
    """The abstracts assigned to this reviewer that they have no conflict with (withdrawn
    ones left out): everything a reviewer is shown, list or single abstract, comes from here."""
    return (
        Abstract.objects.filter(event=event, assignments__reviewer=user)
        .exclude(status=Abstract.Status.WITHDRAWN)
        .exclude(pk__in=conflicted_ids(user, event))
    )
