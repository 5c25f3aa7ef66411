"""Who does what in the call for abstracts, and conflicts of interest.

A reviewer is conflicted with an abstract when one of its authors shares the reviewer's email
domain (public mail providers excepted: they say nothing about where someone works) or
affiliation, when the reviewer is one of its authors or has written another abstract of the
event with one of them, when the authors named the reviewer's address, or when the reviewer
declared it. A conflicted reviewer is never assigned the abstract and never sees it: every
read a reviewer makes goes through `visible_to_reviewer`, which leaves it out, so it is a 404.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

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


def _affiliations_like(user, event: Event) -> list[str]:
    """The authors' affiliations, as stored, that are the reviewer's (`_same`). Compared here,
    not by the database, whose case rules depend on its locale: over the event's distinct
    affiliations, one short query, and none when the reviewer gave no affiliation."""
    scope = ReviewerScope.objects.filter(event=event, user=user).values_list("affiliation")
    affiliation = (scope.first() or ("",))[0]
    if not affiliation.strip():
        return []
    stored = (
        Author.objects.filter(abstract__event=event)
        .order_by()  # no ordering columns in the DISTINCT
        .values_list("affiliation", flat=True)
        .distinct()
    )
    return [
        author_affiliation
        for author_affiliation in stored
        if _same(affiliation, author_affiliation)
    ]


def conflict(user, event: Event) -> Q:
    """The condition, on abstracts of the event, of a conflict of interest with this user, for
    the database to evaluate with the abstracts it reads: one or two small queries first (the
    reviewer's scope, their affiliation among the authors'), nothing per abstract or author."""
    mine = email_key(user.email) if user.email else ""
    domain = _domain(user.email) if user.email else ""
    if domain in PUBLIC_MAIL_DOMAINS:
        domain = ""
    authors = Author.objects.filter(abstract=OuterRef("pk"))
    found = Q(Exists(DeclaredConflict.objects.filter(user=user, abstract=OuterRef("pk"))))
    if mine:
        # The reviewer's own abstracts, and every abstract of anyone who wrote one with them
        # (themselves included, so their own abstracts too).
        own = Author.objects.filter(abstract__event=event, email_key=mine).values("abstract_id")
        coauthors = Author.objects.filter(abstract_id__in=own).values("email_key")
        found |= Q(Exists(authors.filter(email_key__in=coauthors)))
        # Named by the authors of the abstract.
        found |= Q(declared_conflicts__contains=[mine]) & Q(Exists(authors))
    if domain:
        # The part after the last "@" of an author's key is the reviewer's domain.
        found |= Q(Exists(authors.filter(email_key__endswith=f"@{domain}")))
    affiliations = _affiliations_like(user, event)
    if affiliations:
        found |= Q(Exists(authors.filter(affiliation__in=affiliations)))
    return found


def conflicted_ids(user, event: Event) -> set[int]:
    """The ids of the event's abstracts this user has a conflict of interest with."""
    abstracts = Abstract.objects.filter(event=event).filter(conflict(user, event))
    return set(abstracts.values_list("pk", flat=True))


def is_conflicted(user, abstract: Abstract) -> bool:
    abstracts = Abstract.objects.filter(pk=abstract.pk)
    return abstracts.filter(conflict(user, abstract.event)).exists()


def visible_to_reviewer(user, event: Event) -> QuerySet[Abstract]:
    """The abstracts assigned to this reviewer that they have no conflict with (withdrawn
    ones left out): everything a reviewer is shown, list or single abstract, comes from here."""
    return (
        Abstract.objects.filter(event=event, assignments__reviewer=user)
        .exclude(status=Abstract.Status.WITHDRAWN)
        .exclude(conflict(user, event))
    )
