"""Reads of the call for abstracts, for the API and the pages (views never query models)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from events.models import Event

from .models import Abstract, Author, Call, Review, ReviewerScope

STATUSES = set(Abstract.Status.values)


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
