"""The committee board and decisions.

One decision per abstract is the database's rule (the decision's primary key is the
abstract): two committee members deciding at once end with one decision, and the authors'
emails are written in the transaction of the decision that won, so one email round too.
"""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event, Session
from events.services import save_session

from . import selectors
from .models import Abstract, Decision, Review
from .signals import abstract_decided

Outcome = Decision.Outcome
Status = Abstract.Status
MAX_BULK = 500


def board(event: Event, filters: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Every abstract of the event with its review figures, best first, filtered: the API's
    board (all rows; the page shows them a page at a time). One query, see
    `selectors.board_query`."""
    return selectors.board_rows(selectors.board_query(event, filters))


def reviews_for_committee(abstract: Abstract) -> list[Review]:
    return list(
        Review.objects.filter(assignment__abstract=abstract)
        .select_related("assignment__reviewer")
        .order_by("assignment_id")
    )


def comments_to_authors(abstract: Abstract) -> list[str]:
    """What the reviewers wrote to the authors, without saying who wrote it."""
    return [
        text
        for text in Review.objects.filter(assignment__abstract=abstract)
        .order_by("assignment_id")
        .values_list("comment_to_authors", flat=True)
        if text
    ]


def _slot(event: Event, minutes: int) -> tuple:
    """The next free time after the sessions made from abstracts, at first the event's start;
    the organisers move sessions where they belong."""
    last = Session.objects.filter(event=event, from_abstract__isnull=False).aggregate(
        end=Max("end")
    )
    start = last["end"] or event.start
    if start + timedelta(minutes=minutes) > event.end:
        start = event.start
    return start, start + timedelta(minutes=minutes)


def _session(abstract: Abstract, outcome: str, actor) -> Session:
    presenting = [author for author in abstract.authors.all() if author.presenting]
    start, end = _slot(abstract.event, abstract.contribution_type.minutes)
    return save_session(
        abstract.event,
        user=actor,
        data={
            "title_en": abstract.title_en,
            "title_vi": abstract.title_vi,
            "abstract_en": abstract.text_en,
            "abstract_vi": abstract.text_vi,
            "start": start,
            "end": end,
            "speakers": [{"name": a.name, "affiliation": a.affiliation} for a in presenting],
        },
    )


@transaction.atomic
def decide(abstract: Abstract, *, actor, outcome: str) -> Decision:
    """Accept (as a talk or a poster) or reject one abstract; 409 if it is decided already."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose talk, poster or reject.")]})
    # The row lock makes a second decider wait for the first, then find its decision.
    abstract = (
        Abstract.objects.select_for_update(of=("self",))
        .select_related("event", "contribution_type")
        .get(pk=abstract.pk)
    )
    if abstract.status == Status.WITHDRAWN:
        raise Conflict(_("This abstract was withdrawn."), code="withdrawn")
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                abstract=abstract,
                outcome=outcome,
                decided_by=actor,
                # An accepted contribution waits for its presenter's answer (confirmation.py).
                confirmation="" if outcome == Outcome.REJECT else Decision.Confirmation.PENDING,
            )
    except IntegrityError:
        raise Conflict(_("This abstract has been decided already."), code="decided") from None
    abstract.status = Status.REJECTED if outcome == Outcome.REJECT else Status.ACCEPTED
    if decision.accepted:
        abstract.session = _session(abstract, outcome, actor)
    abstract.save(update_fields=["status", "session", "updated_at"])
    abstract_decided.send(sender=Abstract, abstract=abstract, decision=decision)
    return decision


def decide_many(event: Event, ids: list[int], *, actor, outcome: str) -> dict[str, list[int]]:
    """The same decision for several abstracts, each in its own transaction: those decided
    already (by someone else meanwhile) are reported, not decided twice."""
    if len(ids) > MAX_BULK:
        raise ValidationError({"ids": [_("At most %(n)d at once.") % {"n": MAX_BULK}]})
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": [_("Choose talk, poster or reject.")]})
    done, skipped = [], []
    for abstract in Abstract.objects.filter(event=event, pk__in=ids).order_by("id"):
        try:
            decide(abstract, actor=actor, outcome=outcome)
        except Conflict:
            skipped.append(abstract.pk)
        else:
            done.append(abstract.pk)
    unknown = sorted(set(ids) - set(done) - set(skipped))
    return {"decided": done, "skipped": skipped + unknown}


def accepted_in_programme_order(event: Event) -> QuerySet[Abstract]:
    """Accepted abstracts as the programme runs: by their session's start. A contribution its
    presenter declined is not in the programme any more (confirmation.py)."""
    return (
        Abstract.objects.filter(event=event, status=Status.ACCEPTED)
        .exclude(decision__confirmation=Decision.Confirmation.DECLINED)
        .select_related("session", "track", "contribution_type", "topic", "decision")
        .prefetch_related("authors")
        .order_by("session__start", "session_id", "id")
    )
