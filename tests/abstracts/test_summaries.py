"""The committee board's review figures, kept in step with the reviews in their transaction."""

import threading
import time

import pytest
from django.db import connection, transaction

from abstracts import reviewing, summaries
from abstracts.models import Abstract, Review, ReviewSummary
from tests.abstracts.helpers import assign, member, open_call, review, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(event):
    return open_call(event)


def figures(abstract) -> tuple:
    summary = ReviewSummary.objects.get(abstract=abstract)
    return summary.mean, summary.spread, summary.count


def reviewers(event, count: int) -> list:
    return [member(event, "reviewer", email=f"r{n}@review{n}.org") for n in range(count)]


def test_summary_has_mean_spread_and_count_of_the_reviews(event, call):
    abstract = submit(event)
    for reviewer, score in zip(reviewers(event, 3), (1, 2, 4), strict=True):
        assign(abstract, reviewer)
        review(abstract, reviewer, score=score)

    mean, spread, count = figures(abstract)

    # 1, 2, 4: the population standard deviation, as the board has always shown.
    assert (f"{mean:.4f}", f"{spread:.4f}", count) == ("2.3333", "1.2472", 3)


def test_summary_follows_a_changed_review(event, call):
    abstract = submit(event)
    [reviewer] = reviewers(event, 1)
    assign(abstract, reviewer)
    review(abstract, reviewer, score=2)

    review(abstract, reviewer, score=5)

    assert figures(abstract) == (5, 0, 1)


def test_summary_drops_the_review_of_a_reviewer_who_declares_a_conflict(event, call):
    abstract = submit(event)
    first, second = reviewers(event, 2)
    for reviewer, score in ((first, 2), (second, 4)):
        assign(abstract, reviewer)
        review(abstract, reviewer, score=score)

    reviewing.declare_conflict(abstract, second)

    assert figures(abstract) == (2, 0, 1)


def test_summary_drops_the_reviews_of_a_deleted_reviewer_account(event, call):
    abstract = submit(event)
    [reviewer] = reviewers(event, 1)
    assign(abstract, reviewer)
    review(abstract, reviewer, score=3)

    reviewer.delete()

    assert figures(abstract) == (None, None, 0)


def test_abstract_with_reviews_can_be_deleted(event, call):
    abstract = submit(event)
    [reviewer] = reviewers(event, 1)
    assign(abstract, reviewer)
    review(abstract, reviewer, score=3)

    with transaction.atomic():
        Abstract.objects.get(pk=abstract.pk).delete()
        connection.check_constraints()  # the deferred foreign keys, as at commit

    assert not ReviewSummary.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_figures_refreshed_at_once_count_both_reviews(owner):
    # Straight through `refresh`, without save_review's own row locks: its lock alone must
    # make the second refresh wait for the first transaction and see its review.
    from tests.factories import EventFactory

    event = EventFactory(owner=owner)
    open_call(event)
    abstract = submit(event)
    first, second = (assign(abstract, reviewer) for reviewer in reviewers(event, 2))
    started = threading.Barrier(2)

    def write(assignment, score):
        Review.objects.create(assignment=assignment, scores={}, score=score, recommendation="talk")
        summaries.refresh([abstract.pk])

    def first_review():
        try:
            with transaction.atomic():  # stays open while the second review is written
                write(first, 2)
                started.wait()
                time.sleep(0.5)
        finally:
            connection.close()

    def second_review():
        try:
            started.wait()
            with transaction.atomic():
                write(second, 4)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_review), threading.Thread(target=second_review)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert figures(abstract) == (3, 1, 2)
