"""Reads of the call for abstracts, for the API and the pages (views never query models)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from core.translation import choose
from events.models import Event

from .models import (
    Abstract,
    Author,
    Call,
    ContributionType,
    Decision,
    Review,
    ReviewerScope,
    Track,
)

STATUSES = set(Abstract.Status.values)
# The columns of a board row: the abstract's short fields and the names of its track and type
# (joined, so no query per row and none for the names).
BOARD_COLUMNS = (
    "id", "status", "title_en", "title_vi", "topic__code", "decision__outcome",
    "track_id", "track__name_en", "track__name_vi",
    "contribution_type_id", "contribution_type__name_en", "contribution_type__name_vi",
    "review_summary__mean", "review_summary__spread", "review_summary__count",
    "decision__confirmation",
)  # fmt: skip


def _int(value: Any) -> int | None:
    return int(value) if str(value).isdigit() else None


def _score(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() and 0 <= number <= 100 else None


def board_filters(params) -> dict[str, Any]:
    """The board's filters from a query string; what cannot be read is ignored."""
    return {
        "track": _int(params.get("track", "")),
        "contribution_type": _int(params.get("contribution_type", "")),
        "status": params.get("status") if params.get("status") in STATUSES else None,
        "min_score": _score(params["min_score"]) if params.get("min_score") else None,
        "max_score": _score(params["max_score"]) if params.get("max_score") else None,
    }


def board_query(event: Event, filters: dict[str, Any] | None = None) -> QuerySet:
    """The committee board in one query: each abstract of the event with its review figures
    (the `ReviewSummary` row: no aggregation of reviews at read time), filtered (track,
    contribution_type, status, min_score, max_score) and ordered best first by PostgreSQL.
    Rows are tuples of `BOARD_COLUMNS` (see `board_rows`); slice it to read one page."""
    filters = filters or {}
    abstracts = Abstract.objects.filter(event=event)
    for name in ("track", "contribution_type"):
        if filters.get(name):
            abstracts = abstracts.filter(**{f"{name}_id": filters[name]})
    if filters.get("status"):
        abstracts = abstracts.filter(status=filters["status"])
    # An abstract without reviews has no mean and never passes a score filter.
    if filters.get("min_score") is not None:
        abstracts = abstracts.filter(review_summary__mean__gte=filters["min_score"])
    if filters.get("max_score") is not None:
        abstracts = abstracts.filter(review_summary__mean__lte=filters["max_score"])
    return abstracts.values_list(*BOARD_COLUMNS).order_by(
        F("review_summary__mean").desc(nulls_last=True), "id"
    )


def _two(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def board_rows(rows) -> list[dict[str, Any]]:
    """Rows of `board_query` as the API and the page show them, in the active language.
    Labels are translated once per call and the few tracks and types named once each, not
    once per row: 2,000 rows cost a few milliseconds."""
    language = get_language()

    def pick(en: str, vi: str) -> str:
        return choose(en, vi, language)

    statuses = {value: str(label) for value, label in Abstract.Status.choices}
    outcomes = {value: str(label) for value, label in Decision.Outcome.choices}
    answers = {value: str(label) for value, label in Decision.Confirmation.choices}
    named: dict[tuple[str, int], dict[str, Any]] = {}
    result = []
    for (
        pk, status, title_en, title_vi, topic, outcome,
        track, track_en, track_vi, kind, kind_en, kind_vi, mean, spread, count, answer,
    ) in rows:  # fmt: skip
        if ("track", track) not in named:
            named["track", track] = {"id": track, "name": pick(track_en, track_vi)}
        if ("type", kind) not in named:
            named["type", kind] = {"id": kind, "name": pick(kind_en, kind_vi)}
        # The decision is shown once the abstract is no longer under review.
        outcome = outcome if status != Abstract.Status.SUBMITTED else None
        # The presenter's answer to an accepted contribution (none for a rejection).
        answer = (answer or None) if outcome else None
        result.append(
            {
                "id": pk,
                "status": status,
                "status_label": statuses[status],
                "title": pick(title_en, title_vi),
                "track": named["track", track] if track is not None else None,
                "contribution_type": named["type", kind],
                "topic": topic,
                "score_mean": _two(mean),
                "score_spread": _two(spread),
                "review_count": count or 0,
                "decision": outcome,
                "decision_label": outcomes[outcome] if outcome else None,
                "confirmation": answer,
                "confirmation_label": answers[answer] if answer else None,
            }
        )
    return result


def board_choices(event: Event) -> dict[str, list[tuple[str, str]]]:
    """The board's filter choices: the event's tracks and contribution types."""
    return {
        "tracks": [(str(t.pk), t.name) for t in Track.objects.filter(event=event)],
        "types": [(str(t.pk), t.name) for t in ContributionType.objects.filter(event=event)],
    }


def full(pk: int) -> Abstract:
    """One abstract with its authors, type, track and decision, in one round of queries."""
    return (
        Abstract.objects.select_related("event", "track", "contribution_type", "topic", "decision")
        .prefetch_related(Prefetch("authors", queryset=Author.objects.order_by("position")))
        .get(pk=pk)
    )


def for_committee(event: Event, pk: int) -> Abstract | None:
    abstract = (
        Abstract.objects.filter(event=event, pk=pk)
        .select_related("event", "track", "contribution_type", "topic", "decision")
        .prefetch_related("authors")
        .first()
    )
    if abstract is not None:
        abstract.committee_reviews = list(
            Review.objects.filter(assignment__abstract=abstract)
            .select_related("assignment__reviewer")
            .order_by("assignment_id")
        )
    return abstract


def reviewed_abstract_ids(user, abstracts: list[Abstract]) -> set[int]:
    """Which of these abstracts the reviewer has already reviewed (one query)."""
    return set(
        Review.objects.filter(
            assignment__reviewer=user, assignment__abstract__in=abstracts
        ).values_list("assignment__abstract_id", flat=True)
    )


def blind_mode(event: Event) -> str:
    call = Call.objects.filter(event=event).only("blind").first()
    return call.blind if call else Call.Blind.SINGLE


def items_in_use(event: Event) -> dict[str, dict[int, int]]:
    """How many abstracts (withdrawn ones too) use each track and contribution type: the
    set-up page offers to remove only the others, as the call refuses to (two queries)."""
    used: dict[str, dict[int, int]] = {}
    for field, name in (("track", "tracks"), ("contribution_type", "contribution_types")):
        rows = (
            Abstract.objects.filter(event=event, **{f"{field}__isnull": False})
            .values(field)
            .annotate(abstracts=Count("id"))
            .order_by()
        )
        used[name] = {row[field]: row["abstracts"] for row in rows}
    return used


def reviewer_scopes(event: Event) -> dict[int, ReviewerScope]:
    """Each reviewer's affiliation and tracks, by user id (two queries)."""
    scopes = ReviewerScope.objects.filter(event=event).prefetch_related("tracks")
    return {scope.user_id: scope for scope in scopes}


def author_countries(abstracts: QuerySet[Abstract]) -> QuerySet:
    """Authors of these abstracts per country, each person once (by email), most first."""
    return (
        Author.objects.filter(abstract__in=abstracts)
        .exclude(country="")
        .values("country")
        .annotate(authors=Count("email_key", distinct=True))
        .order_by("-authors", "country")
    )


def figures(event: Event) -> dict[str, Any]:
    """Submissions, acceptance per track and type, and authors' countries (distinct people
    per abstract), for the event report."""
    abstracts = Abstract.objects.filter(event=event).exclude(status=Abstract.Status.WITHDRAWN)
    decided = Q(status__in=[Abstract.Status.ACCEPTED, Abstract.Status.REJECTED])
    accepted = Q(status=Abstract.Status.ACCEPTED)

    def per(field: str) -> list[dict[str, Any]]:
        rows = (
            abstracts.values(f"{field}__name_en", f"{field}__name_vi")
            .annotate(
                submitted=Count("id"),
                decided=Count("id", filter=decided),
                accepted=Count("id", filter=accepted),
            )
            .order_by(f"{field}__position", f"{field}__name_en")
        )
        return [
            {
                "name_en": row[f"{field}__name_en"] or "",
                "name_vi": row[f"{field}__name_vi"] or "",
                "submitted": row["submitted"],
                "accepted": row["accepted"],
                "acceptance_rate": round(100 * row["accepted"] / row["decided"])
                if row["decided"]
                else None,
            }
            for row in rows
        ]

    countries = author_countries(abstracts)
    totals = abstracts.aggregate(
        submitted=Count("id"),
        decided=Count("id", filter=decided),
        accepted=Count("id", filter=accepted),
    )
    return {
        **totals,
        "acceptance_rate": round(100 * totals["accepted"] / totals["decided"])
        if totals["decided"]
        else None,
        "per_track": per("track"),
        "per_type": per("contribution_type"),
        "countries": [{"country": r["country"], "authors": r["authors"]} for r in countries],
    }
