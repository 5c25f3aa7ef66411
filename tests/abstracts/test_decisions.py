"""The committee board, decisions (one by one, in bulk, concurrent) and what follows them."""

import threading
from email.utils import parseaddr

import pytest
from django.db import connection

from abstracts import decisions
from abstracts.models import Abstract, Decision
from core.exceptions import Conflict
from notifications import sending as notifications_sending
from notifications.models import Delivery
from tests.abstracts.helpers import assign, author, decide, member, open_call, review, submit
from tests.conftest import client_for
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db
E = "/api/v1/events/{}"


@pytest.fixture
def call(event):
    return open_call(event)


def test_board_shows_mean_spread_and_count(event, call):
    abstract = submit(event)
    for n, score in enumerate((2, 4)):
        reviewer = member(event, "reviewer", email=f"r{n}@review{n}.org")
        assign(abstract, reviewer)
        review(abstract, reviewer, score=score)
    committee = member(event, "committee")

    [row] = client_for(committee).get(E.format(event.slug) + "/abstracts/").data

    assert (row["score_mean"], row["review_count"]) == ("3.00", 2)
    assert float(row["score_spread"]) == 1.0  # population standard deviation


def test_board_filters_by_track_and_score(event, call):
    energy = event.tracks.get(name_en="Energy")
    low, high = submit(event), submit(event, track=energy.pk)
    reviewer = member(event, "reviewer", email="r@review.org")
    for abstract, score in ((low, 1), (high, 5)):
        assign(abstract, reviewer)
        review(abstract, reviewer, score=score)

    by_track = decisions.board(event, {"track": energy.pk})
    by_score = decisions.board(event, {"min_score": 3})

    assert [a["id"] for a in by_track] == [high.pk]
    assert [a["id"] for a in by_score] == [high.pk]


def reviewed(event, reviewer, count: int) -> None:
    for _n in range(count):
        abstract = submit(event)
        assign(abstract, reviewer)
        review(abstract, reviewer, score=3)


def test_board_costs_the_same_queries_for_many_abstracts(event, call, django_assert_num_queries):
    reviewer = member(event, "reviewer", email="r@review.org")
    reviewed(event, reviewer, 2)
    submit(event)  # one without reviews
    client = client_for(member(event, "committee"))
    # The event, the caller's role, then the board: one query, review figures included.
    with django_assert_num_queries(3):
        client.get(E.format(event.slug) + "/abstracts/")
    reviewed(event, reviewer, 8)

    with django_assert_num_queries(3):
        response = client.get(E.format(event.slug) + "/abstracts/?min_score=1")

    assert len(response.data) == 10


def test_board_lists_best_mean_first_and_unreviewed_last(event, call):
    unreviewed, low, high = submit(event), submit(event), submit(event)
    reviewer = member(event, "reviewer", email="r@review.org")
    for abstract, score in ((low, 2), (high, 4)):
        assign(abstract, reviewer)
        review(abstract, reviewer, score=score)

    rows = decisions.board(event)

    assert [row["id"] for row in rows] == [high.pk, low.pk, unreviewed.pk]
    assert (rows[2]["score_mean"], rows[2]["review_count"]) == (None, 0)


def test_reviewer_cannot_see_the_board(event, call):
    reviewer = member(event, "reviewer", email="r@review.org")

    assert client_for(reviewer).get(E.format(event.slug) + "/abstracts/").status_code == 403


def test_second_decision_is_409(event, call):
    abstract = submit(event)
    decide(abstract, "talk")

    with pytest.raises(Conflict):
        decide(abstract, "reject")

    assert Decision.objects.get().outcome == "talk"


def test_bulk_decision_reports_what_was_decided_already(event, call):
    first, second = submit(event), submit(event)
    decide(first, "reject")
    committee = member(event, "committee")

    response = client_for(committee).post(
        E.format(event.slug) + "/abstracts/decisions/",
        {"ids": [first.pk, second.pk], "outcome": "poster"},
        format="json",
    )

    assert response.data == {"decided": [second.pk], "skipped": [first.pk]}
    assert Abstract.objects.get(pk=second.pk).status == "accepted"


def test_accepted_abstract_becomes_a_session_in_the_api_and_the_calendar(api, event, call):
    abstract = submit(event, title_vi="Màng graphene cho nước sạch")

    decide(abstract, "talk")

    sessions = api.get(E.format(event.slug) + "/sessions/").data
    assert [s["title_en"] for s in sessions] == ["Graphene membranes for clean water"]
    assert sessions[0]["speakers"][0]["name"] == "Nguyễn Văn 1"
    assert sessions[0]["abstract"].startswith("We make membranes")  # the text, not a relation
    calendar = api.get(E.format(event.slug) + "/calendar.ics").content.decode()
    assert "SUMMARY:Graphene membranes for clean water" in calendar.replace("\r\n ", "")


def test_rejected_abstract_makes_no_session(event, call):
    decide(submit(event), "reject")

    assert not event.sessions.exists()


def test_decision_emails_every_author_once_in_their_language(event, call, settings):
    abstract = submit(event, authors=[author(1, presenting=True), author(2, language="vi")])
    reviewer = member(event, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    review(abstract, reviewer, comment_to_authors="Clear and convincing.")
    Delivery.objects.all().delete()
    decide(abstract, "talk")

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        notifications_sending.drain()
        notifications_sending.drain()

    messages = {parseaddr(m["To"])[1]: m for m in server.sink.messages}
    assert sorted(messages) == ["author1@uni1.edu.vn", "author2@uni2.edu.vn"]
    assert len(server.sink.messages) == 2
    assert messages["author2@uni2.edu.vn"]["Content-Language"] == "vi"
    [text, _html] = messages["author1@uni1.edu.vn"].get_payload()
    body = text.get_payload(decode=True).decode()
    assert "Clear and convincing." in body
    assert "r@review.org" not in body and reviewer.username not in body


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_end_with_one_decision_and_one_email_round(owner):
    from tests.factories import EventFactory

    event = EventFactory(owner=owner)
    open_call(event)
    abstract = submit(event)
    deciders = [member(event, "committee") for _n in range(2)]
    Delivery.objects.all().delete()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide_as(user, outcome):
        try:
            barrier.wait()
            decisions.decide(Abstract.objects.get(pk=abstract.pk), actor=user, outcome=outcome)
            outcomes.append("decided")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=decide_as, args=(user, outcome))
        for user, outcome in zip(deciders, ("talk", "reject"), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "decided"]
    assert Decision.objects.count() == 1
    assert Delivery.objects.filter(kind="abstract_decided").count() == 2  # two authors, once
    assert event.sessions.count() == (1 if Decision.objects.get().outcome == "talk" else 0)
