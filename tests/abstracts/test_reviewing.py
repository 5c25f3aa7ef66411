"""Reviewers: assignment, conflicts of interest, blind review, reviews and reminders."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from abstracts import reviewing, tasks
from abstracts.models import Assignment, Call, ReviewerScope
from core.exceptions import Conflict
from notifications import rendering as notifications_rendering
from notifications import sending as notifications_sending
from notifications.models import Delivery
from tests.abstracts.helpers import assign, author, member, open_call, review, submit
from tests.conftest import client_for
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db
A = "/api/v1/events/{}/abstracts/{}/"


@pytest.fixture
def call(event):
    return open_call(event)


def test_reviewer_from_an_authors_email_domain_is_conflicted(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="colleague@uni2.edu.vn")

    with pytest.raises(Conflict):
        assign(abstract, reviewer)


def test_public_mail_domain_is_no_conflict(event, call):
    abstract = submit(event, authors=[author(1, presenting=True, email="an@gmail.com")])
    reviewer = member(event, "reviewer", email="someone@gmail.com")

    assert assign(abstract, reviewer).pk


def test_reviewer_of_an_authors_affiliation_is_conflicted(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    owner = event.team.get(role="owner").user
    reviewing.set_scope(event, reviewer, actor=owner, affiliation="university 1", track_ids=[])

    with pytest.raises(Conflict):
        assign(abstract, reviewer)


def test_reviewer_of_an_authors_affiliation_written_otherwise_is_conflicted(event, call):
    authors = [author(1, presenting=True, affiliation="Trường Đại học Khoa học Tự nhiên")]
    abstract = submit(event, authors=authors)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    owner = event.team.get(role="owner").user
    written = "  TRƯỜNG ĐẠI HỌC KHOA HỌC TỰ NHIÊN "
    reviewing.set_scope(event, reviewer, actor=owner, affiliation=written, track_ids=[])

    with pytest.raises(Conflict):
        assign(abstract, reviewer)


def test_reviewer_from_a_subdomain_of_an_authors_domain_is_no_conflict(event, call):
    abstract = submit(event)  # authors at uni1.edu.vn and uni2.edu.vn
    reviewer = member(event, "reviewer", email="r@physics.uni2.edu.vn")

    assert assign(abstract, reviewer).pk


def test_coauthor_of_an_author_is_conflicted(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    submit(event, authors=[author(9, presenting=True, email="r@elsewhere.org"), author(2)])

    with pytest.raises(Conflict):
        assign(abstract, reviewer)


def test_conflict_named_by_the_authors_is_respected(event, call):
    abstract = submit(event, conflicts=["Rival@Elsewhere.org"])
    reviewer = member(event, "reviewer", email="rival@elsewhere.org")

    with pytest.raises(Conflict):
        assign(abstract, reviewer)


def test_conflicted_reviewer_gets_404_and_an_empty_list(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)
    client = client_for(reviewer)
    assert client.get(A.format(event.slug, abstract.pk)).status_code == 200

    response = client.post(A.format(event.slug, abstract.pk) + "conflict/")

    assert response.status_code == 204
    assert client.get(A.format(event.slug, abstract.pk)).status_code == 404
    assert client.get(A.format(event.slug, abstract.pk) + "review/").status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}/reviews/").data == []


def test_conflict_found_after_assignment_hides_the_abstract(event, call):
    """The reviewer moved to an author's university after being assigned."""
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)
    reviewer.email = "r@uni1.edu.vn"
    reviewer.save()
    client = client_for(reviewer)

    assert client.get(A.format(event.slug, abstract.pk)).status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}/reviews/").data == []
    response = client.put(
        A.format(event.slug, abstract.pk) + "review/", {"recommendation": "talk"}, format="json"
    )
    assert response.status_code == 404


def test_review_queue_costs_the_same_queries_for_many_abstracts(
    event, call, django_assert_num_queries
):
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    owner = event.team.get(role="owner").user
    reviewing.set_scope(event, reviewer, actor=owner, affiliation="Elsewhere", track_ids=[])
    client = client_for(reviewer)
    assign(submit(event), reviewer)
    # The event, the role, the scope and its matching affiliations, the call, the abstracts
    # (conflicts found by the database), their authors.
    with django_assert_num_queries(7):
        client.get(f"/api/v1/events/{event.slug}/reviews/")
    for n in range(5):
        assign(submit(event, authors=[author(n, presenting=True)]), reviewer)
    submit(event, authors=[author(9, presenting=True, email="r@elsewhere.org")])

    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/events/{event.slug}/reviews/")

    assert len(response.data) == 6


def test_unassigned_abstract_is_404_for_a_reviewer(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")

    assert client_for(reviewer).get(A.format(event.slug, abstract.pk)).status_code == 404


def test_automatic_assignment_gives_n_reviewers_balanced_and_never_conflicted(event, call):
    abstracts = [
        submit(event, authors=[author(n, presenting=True), author(n + 100)]) for n in range(6)
    ]
    reviewers = [member(event, "reviewer", email=f"r{n}@review{n}.org") for n in range(4)]
    conflicted = member(event, "reviewer", email="x@uni0.edu.vn")  # conflicted with abstract 0
    owner = event.team.get(role="owner").user

    made = reviewing.assign_automatically(event, actor=owner, per_abstract=2)

    assert made == 12
    for abstract in abstracts:
        assert abstract.assignments.count() == 2
    assert not Assignment.objects.filter(abstract=abstracts[0], reviewer=conflicted).exists()
    loads = [Assignment.objects.filter(reviewer=r).count() for r in [*reviewers, conflicted]]
    assert max(loads) - min(loads) <= 1


def test_automatic_assignment_keeps_reviewers_to_their_tracks(event, call):
    energy = event.tracks.get(name_en="Energy")
    abstract = submit(event, track=energy.pk)
    materials_only = member(event, "reviewer", email="m@review.org")
    owner = event.team.get(role="owner").user
    materials = event.tracks.get(name_en="Materials")
    reviewing.set_scope(
        event, materials_only, actor=owner, affiliation="", track_ids=[materials.pk]
    )

    assert reviewing.assign_automatically(event, actor=owner) == 0
    assert not abstract.assignments.exists()


def test_double_blind_reviewer_outputs_carry_no_author_details(event, settings):
    open_call(
        event,
        blind=Call.Blind.DOUBLE,
        closes_at=timezone.now() + timedelta(hours=1),
        review_deadline=timezone.now() + timedelta(hours=2),
    )
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)
    client = client_for(reviewer)
    outputs = [
        json.dumps(client.get(A.format(event.slug, abstract.pk)).data, ensure_ascii=False),
        json.dumps(client.get(f"/api/v1/events/{event.slug}/reviews/").data, ensure_ascii=False),
    ]
    reviewing.remind_reviewers()
    reminder = Delivery.objects.get(kind="review_reminder")
    email = notifications_rendering.render(reminder)
    outputs += [email.body, email.alternatives[0].content, email.subject]

    for author_detail in ("Nguyễn Văn", "uni1.edu.vn", "uni2.edu.vn", "University 1", "author1@"):
        assert all(author_detail not in output for output in outputs), author_detail
    assert "Graphene" in outputs[0]


def test_open_review_shows_authors_but_no_addresses(event):
    open_call(event, blind=Call.Blind.OFF)
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)

    data = client_for(reviewer).get(A.format(event.slug, abstract.pk)).data

    assert data["authors"][0]["name"] == "Nguyễn Văn 1"
    assert "uni1.edu.vn" not in json.dumps(data)


def test_review_scores_every_criterion(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)

    with pytest.raises(ValidationError) as error:
        reviewing.save_review(abstract, reviewer, {"scores": {}, "recommendation": "talk"})

    assert len(error.value.message_dict) == 3


def test_review_is_editable_until_the_deadline(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)
    review(abstract, reviewer, score=2)
    changed = review(abstract, reviewer, score=5, recommendation="poster")
    assert (changed.score, changed.recommendation) == (5, "poster")
    Call.objects.filter(pk=call.pk).update(review_deadline=timezone.now() - timedelta(seconds=1))

    with pytest.raises(Conflict):
        review(abstract, reviewer, score=1)


def test_review_api_round_trip(event, call):
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@elsewhere.org")
    assign(abstract, reviewer)
    scores = {str(c.pk): 3 for c in event.review_criteria.all()}
    url = A.format(event.slug, abstract.pk) + "review/"

    put = client_for(reviewer).put(
        url, {"scores": scores, "recommendation": "reject"}, format="json"
    )

    assert put.status_code == 200, put.data
    assert client_for(reviewer).get(url).data["recommendation"] == "reject"


def test_reminder_goes_once_through_the_outbox(event, settings):
    open_call(
        event,
        closes_at=timezone.now() + timedelta(hours=1),
        review_deadline=timezone.now() + timedelta(hours=3),
    )
    abstract = submit(event)
    done, waiting = (member(event, "reviewer", email=f"r{n}@review{n}.org") for n in (1, 2))
    assign(abstract, done)
    assign(abstract, waiting)
    review(abstract, done)
    Delivery.objects.all().delete()

    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        assert tasks.remind_reviewers.apply().get() == 1
        assert tasks.remind_reviewers.apply().get() == 0
        notifications_sending.drain()
        notifications_sending.drain()

    [message] = server.sink.messages
    assert message["To"] == "r2@review2.org"


def test_reminder_waits_until_the_reminder_time(event):
    open_call(event, review_deadline=timezone.now() + timedelta(days=9))
    abstract = submit(event)
    assign(abstract, member(event, "reviewer", email="r@review.org"))

    assert reviewing.remind_reviewers() == 0


def test_put_reviewer_scope_sets_tracks_and_affiliation(owner_api, event, call):
    reviewer = member(event, "reviewer")
    energy = event.tracks.get(name_en="Energy")

    response = owner_api.put(
        f"/api/v1/events/{event.slug}/reviewers/{reviewer.pk}/",
        {"affiliation": "VAST", "tracks": [energy.pk]},
        format="json",
    )

    scope = ReviewerScope.objects.get(event=event, user=reviewer)
    assert response.status_code == 204
    assert scope.affiliation == "VAST" and list(scope.tracks.all()) == [energy]


@pytest.mark.parametrize("who", ["nobody", "committee"])
def test_scope_of_someone_not_reviewing_answers_404(owner_api, event, call, who):
    user_id = 0 if who == "nobody" else member(event, who).pk

    response = owner_api.put(f"/api/v1/events/{event.slug}/reviewers/{user_id}/", {}, format="json")

    assert response.status_code == 404
    assert not ReviewerScope.objects.exists()


def test_scope_with_tracks_that_are_not_numbers_answers_400(owner_api, event, call):
    reviewer = member(event, "reviewer")

    response = owner_api.put(
        f"/api/v1/events/{event.slug}/reviewers/{reviewer.pk}/", {"tracks": ["x"]}, format="json"
    )

    assert response.status_code == 400
    assert not ReviewerScope.objects.exists()
