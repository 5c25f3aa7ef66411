"""Reviewers: who they are, assigning abstracts to them (by hand or automatically), their
reviews, and the one reminder before the review deadline."""

from collections import Counter
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict, NotFound
from events.models import Event, TeamMembership
from events.services import record

from . import access, setup, summaries
from .models import (
    Abstract,
    Assignment,
    Criterion,
    DeclaredConflict,
    Review,
    ReviewerScope,
    Track,
)
from .serializers import ReviewerScopeSerializer
from .signals import review_reminder_due

User = get_user_model()


def reviewers_of(event: Event) -> list:
    """The event's reviewers (team members with the reviewer role), by id."""
    return list(
        User.objects.filter(
            event_memberships__event=event,
            event_memberships__role=TeamMembership.Role.REVIEWER,
        ).order_by("id")
    )


@transaction.atomic
def set_scope(event: Event, user, *, actor, affiliation: str, track_ids: list[int]) -> None:
    """Where a reviewer works (for conflicts of interest) and which tracks they review."""
    if user not in reviewers_of(event):
        raise NotFound(_("This person is not a reviewer of this event."))
    scope, _created = ReviewerScope.objects.get_or_create(event=event, user=user)
    scope.affiliation = affiliation.strip()[:300]
    scope.save()
    scope.tracks.set(Track.objects.filter(event=event, pk__in=track_ids))
    record(event, actor, "reviewer.scope", reviewer=user.get_username())


def scope_reviewer(event: Event, user_id: int, *, actor, data: Mapping[str, Any]) -> None:
    """What `PUT …/reviewers/{user_id}/` and the reviewers page do: the body checked by the
    API's serializer (400), then `set_scope` (404 for someone not reviewing this event)."""
    serializer = ReviewerScopeSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    reviewer = User.objects.filter(pk=user_id).first()
    if reviewer is None:
        raise NotFound(_("This person is not a reviewer of this event."))
    set_scope(
        event,
        reviewer,
        actor=actor,
        affiliation=serializer.validated_data.get("affiliation", ""),
        track_ids=serializer.validated_data.get("tracks", []),
    )


def _in_scope(user, abstract: Abstract, scopes: dict[int, set[int]]) -> bool:
    tracks = scopes.get(user.pk) or set()
    return not tracks or abstract.track_id in tracks


def _scopes(event: Event) -> dict[int, set[int]]:
    scopes: dict[int, set[int]] = {}
    for user_id, track_id in ReviewerScope.tracks.through.objects.filter(
        reviewerscope__event=event
    ).values_list("reviewerscope__user_id", "track_id"):
        scopes.setdefault(user_id, set()).add(track_id)
    return scopes


@transaction.atomic
def assign(abstract: Abstract, reviewer, *, actor) -> Assignment:
    """An organiser gives one abstract to one reviewer: never a conflicted one."""
    event = abstract.event
    if reviewer not in reviewers_of(event):
        raise ValidationError({"reviewer": [_("This person is not a reviewer of this event.")]})
    if access.is_conflicted(reviewer, abstract):
        raise Conflict(
            _("This reviewer has a conflict of interest with this abstract."), code="conflict"
        )
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(abstract=abstract, reviewer=reviewer)
    except IntegrityError:
        raise Conflict(_("This reviewer already has this abstract."), code="assigned") from None
    record(event, actor, "abstract.assigned", abstract=abstract.pk)
    return assignment


@transaction.atomic
def assign_automatically(event: Event, *, actor, per_abstract: int | None = None) -> int:
    """Give each submitted abstract `per_abstract` reviewers (the call's number by default):
    the least loaded reviewers first, in their tracks, never a conflicted one. Returns how many
    assignments were made; abstracts that cannot get enough reviewers get as many as can."""
    call = setup.call_of(event)
    wanted = per_abstract or (call.reviewers_per_abstract if call else 2)
    reviewers = reviewers_of(event)
    scopes = _scopes(event)
    conflicts = {reviewer.pk: access.conflicted_ids(reviewer, event) for reviewer in reviewers}
    existing = list(
        Assignment.objects.filter(abstract__event=event).values_list("abstract_id", "reviewer_id")
    )
    load = Counter(reviewer_id for _a, reviewer_id in existing)
    has: dict[int, set[int]] = {}
    for abstract_id, reviewer_id in existing:
        has.setdefault(abstract_id, set()).add(reviewer_id)
    new = []
    abstracts = Abstract.objects.filter(event=event, status=Abstract.Status.SUBMITTED)
    for abstract in abstracts.order_by("id"):
        taken = has.setdefault(abstract.pk, set())
        candidates = [
            r
            for r in reviewers
            if r.pk not in taken
            and abstract.pk not in conflicts[r.pk]
            and _in_scope(r, abstract, scopes)
        ]
        candidates.sort(key=lambda r: (load[r.pk], r.pk))
        for reviewer in candidates[: max(wanted - len(taken), 0)]:
            new.append(Assignment(abstract=abstract, reviewer=reviewer))
            taken.add(reviewer.pk)
            load[reviewer.pk] += 1
    Assignment.objects.bulk_create(new, ignore_conflicts=True)
    record(event, actor, "abstracts.assigned", count=len(new))
    return len(new)


def abstract_for_reviewer(event: Event, user, abstract_id: int) -> Abstract:
    """An abstract as its reviewer may see it: a conflicted or unassigned one is not found."""
    abstract = access.visible_to_reviewer(user, event).filter(pk=abstract_id).first()
    if abstract is None:
        raise NotFound(_("Not found."))
    return abstract


def queue_of(event: Event, user) -> QuerySet[Abstract]:
    """A reviewer's abstracts (conflicts left out), with their own review if written."""
    return (
        access.visible_to_reviewer(user, event)
        .select_related("track", "contribution_type", "topic")
        .order_by("id")
    )


def review_of(abstract: Abstract, user) -> Review | None:
    return Review.objects.filter(assignment__abstract=abstract, assignment__reviewer=user).first()


def _check_scores(event: Event, scores: Any) -> dict[str, int]:
    criteria = list(Criterion.objects.filter(event=event))
    if not isinstance(scores, dict):
        raise ValidationError({"scores": [_("Score every criterion.")]})
    cleaned, errors = {}, {}
    for criterion in criteria:
        value = scores.get(str(criterion.pk), scores.get(criterion.pk))
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            errors[f"scores.{criterion.pk}"] = [_("Score this criterion.")]
        elif not 1 <= value <= criterion.max_score:
            errors[f"scores.{criterion.pk}"] = [
                _("Give a score from 1 to %(max)d.") % {"max": criterion.max_score}
            ]
        else:
            cleaned[str(criterion.pk)] = value
    unknown = set(map(str, scores)) - {str(c.pk) for c in criteria}
    if unknown:
        errors["scores"] = [
            _("These are not criteria of this call: %(ids)s.") % {"ids": ", ".join(sorted(unknown))}
        ]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_review(abstract: Abstract, user, data: dict[str, Any]) -> Review:
    """A reviewer writes or changes their review, until the review deadline."""
    event = abstract.event
    assignment = (
        Assignment.objects.select_for_update().filter(abstract=abstract, reviewer=user).first()
    )
    if assignment is None or access.is_conflicted(user, abstract):
        raise NotFound(_("Not found."))
    call = setup.call_of(event)
    if call and call.review_deadline and timezone.now() >= call.review_deadline:
        raise Conflict(_("The review deadline has passed."), code="review_closed")
    if abstract.status != Abstract.Status.SUBMITTED:
        raise Conflict(_("This abstract is no longer under review."), code="decided")
    scores = _check_scores(event, data.get("scores"))
    if data.get("recommendation") not in Review.Recommendation.values:
        raise ValidationError({"recommendation": [_("Choose a recommendation.")]})
    review = Review.objects.filter(assignment=assignment).first() or Review(assignment=assignment)
    review.scores = scores
    mean = sum(scores.values()) / len(scores) if scores else 0
    review.score = Decimal(str(round(mean, 2)))
    review.recommendation = data["recommendation"]
    review.comment_to_authors = str(data.get("comment_to_authors") or "").strip()[:5000]
    review.comment_to_committee = str(data.get("comment_to_committee") or "").strip()[:5000]
    review.save()
    summaries.refresh([abstract.pk])  # the board's figures, in this transaction
    return review


@transaction.atomic
def declare_conflict(abstract: Abstract, user) -> None:
    """A reviewer says they cannot judge this abstract: it leaves their list, with their
    assignment and any review they wrote."""
    DeclaredConflict.objects.get_or_create(abstract=abstract, user=user)
    Assignment.objects.filter(abstract=abstract, reviewer=user).delete()


def remind_reviewers(now=None) -> int:
    """Unfinished reviews whose deadline is within the call's reminder time: one reminder
    per assignment (the mark is set in the transaction that writes the email; the outbox
    refuses a second email for the same assignment anyway)."""
    now = now or timezone.now()
    due = Assignment.objects.filter(
        reminded_at__isnull=True,
        review__isnull=True,
        abstract__status=Abstract.Status.SUBMITTED,
        abstract__event__call__review_deadline__gt=now,
    ).select_related("abstract__event__call", "reviewer")
    sent = 0
    for assignment in due.iterator():
        call = assignment.abstract.event.call
        if now < call.review_deadline - timedelta(hours=call.remind_hours_before):
            continue
        with transaction.atomic():
            marked = Assignment.objects.filter(
                Q(pk=assignment.pk) & Q(reminded_at__isnull=True)
            ).update(reminded_at=now)
            if marked and not access.is_conflicted(assignment.reviewer, assignment.abstract):
                review_reminder_due.send(sender=Assignment, assignment=assignment)
                sent += 1
    return sent
