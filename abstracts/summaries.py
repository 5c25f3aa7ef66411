"""The review figures the committee board shows (mean, spread, count of the scores), kept in
`ReviewSummary` rows so that the board reads one short row per abstract, whatever the number
of reviews.

`refresh` recomputes them from the reviews in the transaction that changed the reviews:
`reviewing.save_review` calls it, and a review that goes (with its assignment, when the
reviewer declares a conflict or their account is deleted) calls it through `post_delete`.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Avg, Count, StdDev
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Abstract, Assignment, Review, ReviewSummary


@transaction.atomic
def refresh(abstract_ids: Iterable[int]) -> None:
    """Recompute the figures of these abstracts from their reviews (three queries).

    The abstracts' rows are locked first (by id, the order every caller takes): two
    reviewers saving reviews of one abstract at once then compute one after the other, and
    the second sees the first's review, so no review is left out of the figures.
    """
    ids = sorted(set(abstract_ids))
    if not ids:
        return
    ids = list(
        Abstract.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    figures = {
        row["assignment__abstract_id"]: row
        for row in Review.objects.filter(assignment__abstract_id__in=ids)
        .values("assignment__abstract_id")
        .annotate(mean=Avg("score"), spread=StdDev("score"), count=Count("pk"))
    }
    ReviewSummary.objects.bulk_create(
        [
            ReviewSummary(
                abstract_id=abstract_id,
                mean=row["mean"],
                spread=row["spread"],
                count=row["count"],
            )
            for abstract_id, row in figures.items()
        ],
        update_conflicts=True,
        unique_fields=["abstract"],
        update_fields=["mean", "spread", "count"],
    )
    # An abstract left without reviews keeps its row with no figures. No row is made for it:
    # its reviews may be going because the abstract itself is being deleted.
    ReviewSummary.objects.filter(abstract_id__in=set(ids) - set(figures)).update(
        mean=None, spread=None, count=0
    )


@receiver(post_delete, sender=Review, dispatch_uid="abstracts.summaries.review_deleted")
def _on_review_deleted(sender, instance: Review, **kwargs) -> None:
    # Django deletes a review before the assignment it hangs on (and sends this signal
    # in between), so the assignment still names the abstract.
    abstract_id = (
        Assignment.objects.filter(pk=instance.assignment_id)
        .values_list("abstract_id", flat=True)
        .first()
    )
    if abstract_id is not None:
        refresh([abstract_id])
