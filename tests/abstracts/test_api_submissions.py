"""The presenting author's answer through the API: `POST /api/v1/abstracts/<token>/confirm/`
and `/decline/`, beside the private link; the committee sees the answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Event
from tests.abstracts.helpers import decide, member, open_call, submit
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
MINE = "/api/v1/abstracts/{}/"


@pytest.fixture
def accepted(event):
    open_call(event)
    abstract = submit(event)
    decide(abstract, "talk")
    return abstract


def test_confirm_answers_200_with_the_answer(api, accepted):
    response = api.post(MINE.format(accepted.token) + "confirm/")

    assert response.status_code == 200
    assert response.data["confirmation"] == "confirmed"
    assert response.data["confirmation_at"] is not None


def test_confirm_twice_answers_the_same(api, accepted):
    first = api.post(MINE.format(accepted.token) + "confirm/")
    second = api.post(MINE.format(accepted.token) + "confirm/")

    assert second.status_code == 200
    assert second.data["confirmation_at"] == first.data["confirmation_at"]


def test_decline_answers_200_with_the_answer(api, accepted):
    response = api.post(MINE.format(accepted.token) + "decline/")

    assert response.status_code == 200
    assert response.data["confirmation"] == "declined"


def test_decline_after_confirm_is_409(api, accepted):
    api.post(MINE.format(accepted.token) + "confirm/")

    response = api.post(MINE.format(accepted.token) + "decline/")

    assert response.status_code == 409
    assert response.json()["code"] == "already_answered"


def test_confirm_of_a_submitted_abstract_is_409(api, event):
    open_call(event)
    abstract = submit(event)

    response = api.post(MINE.format(abstract.token) + "confirm/")

    assert response.status_code == 409
    assert response.json()["code"] == "not_accepted"


def test_confirm_after_the_event_started_is_409(api, accepted):
    Event.objects.filter(pk=accepted.event_id).update(
        start=timezone.now() - timedelta(minutes=1), end=timezone.now() + timedelta(hours=5)
    )

    response = api.post(MINE.format(accepted.token) + "confirm/")

    assert response.status_code == 409
    assert response.json()["code"] == "event_started"


@pytest.mark.parametrize("answer", ["confirm", "decline"])
def test_answer_with_an_unknown_link_is_404(api, answer):
    assert api.post(MINE.format("x" * 43) + f"{answer}/").status_code == 404


def test_private_link_shows_the_pending_answer(api, accepted):
    assert api.get(MINE.format(accepted.token)).data["confirmation"] == "pending"


def test_private_link_of_a_submitted_abstract_has_no_answer(api, event):
    open_call(event)
    abstract = submit(event)

    assert api.get(MINE.format(abstract.token)).data["confirmation"] is None


def test_committee_sees_the_answer_in_the_abstract_and_on_the_board(api, accepted):
    api.post(MINE.format(accepted.token) + "decline/")
    committee = client_for(member(accepted.event, "committee"))
    base = f"/api/v1/events/{accepted.event.slug}/abstracts/"

    detail = committee.get(f"{base}{accepted.pk}/").data
    [row] = committee.get(base).data

    assert detail["confirmation"] == "declined"
    assert (row["confirmation"], row["confirmation_label"]) == (
        "declined",
        "Declined by the presenter",
    )


def test_schema_documents_the_answers_and_their_409(api):
    paths = api.get("/api/schema/?format=json").json()["paths"]

    for answer in ("confirm", "decline"):
        answers = paths[f"/api/v1/abstracts/{{token}}/{answer}/"]["post"]["responses"]
        assert {"200", "404", "409"} <= set(answers)
