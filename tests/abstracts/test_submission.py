"""Submitting an abstract through the API, and the submitter's private link."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from abstracts.models import Abstract, Author
from notifications.models import Delivery
from tests.abstracts.helpers import author, open_call, payload, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/{}/abstracts/"


def test_submit_while_open_answers_201_with_id_and_status(api, event):
    open_call(event)

    response = api.post(URL.format(event.slug), payload(event), format="json")

    assert response.status_code == 201, response.data
    assert response.data["status"] == "submitted"
    abstract = Abstract.objects.get(pk=response.data["id"])
    assert [a.name for a in abstract.authors.order_by("position")] == [
        "Nguyễn Văn 1",
        "Nguyễn Văn 2",
    ]


def test_submit_before_the_call_opens_is_409(api, event):
    now = timezone.now()
    open_call(event, opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=3))

    response = api.post(URL.format(event.slug), payload(event), format="json")

    assert response.status_code == 409
    assert response.data["code"] == "call_closed"


def test_submit_after_the_call_closes_is_409(api, event):
    now = timezone.now()
    open_call(event, opens_at=now - timedelta(days=3), closes_at=now - timedelta(minutes=1))

    response = api.post(URL.format(event.slug), payload(event), format="json")

    assert response.status_code == 409


def test_submit_without_a_call_is_409(api, event):
    response = api.post(URL.format(event.slug), {"title_en": "x"}, format="json")

    assert response.status_code == 409
    assert response.data["code"] == "no_call"


def test_submit_names_every_field_at_fault(api, event):
    open_call(event)
    data = payload(
        event,
        text_en="word " * 51,
        authors=[author(1, country="Atlantis"), author(2)],
        contribution_type=999999,
    )

    response = api.post(URL.format(event.slug), data, format="json")

    assert response.status_code == 400
    assert set(response.data) >= {"text_en", "authors", "authors.0.country", "contribution_type"}
    assert not Abstract.objects.exists()


def test_submit_without_consent_is_refused(api, event):
    open_call(event)

    response = api.post(URL.format(event.slug), payload(event, consent=False), format="json")

    assert response.status_code == 400
    assert "consent" in response.data


def test_call_window_is_read_in_the_event_timezone(owner_api, event):
    response = owner_api.put(
        f"/api/v1/events/{event.slug}/call-for-abstracts/",
        {"opens_at": "2030-03-01T08:00", "closes_at": "2030-04-01T17:00"},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert response.data["opens_at"] == "2030-03-01T08:00:00+07:00"
    assert event.call.opens_at == datetime.fromisoformat("2030-03-01T01:00:00+00:00")


def test_call_offers_default_types_and_the_event_topics(api, event):
    open_call(event)

    data = api.get(f"/api/v1/events/{event.slug}/call-for-abstracts/").data

    assert [t["name_en"] for t in data["contribution_types"]] == ["Talk", "Poster"]
    assert data["is_open"] is True and len(data["topics"]) == 6


def test_submitter_gets_the_link_and_coauthors_are_told(event):
    open_call(event)

    abstract = submit(event, authors=[author(1, presenting=True), author(2), author(3)])

    rows = Delivery.objects.order_by("id")
    assert [(d.kind, d.to_email) for d in rows] == [
        ("abstract_submitted", "author1@uni1.edu.vn"),
        ("abstract_listed", "author2@uni2.edu.vn"),
        ("abstract_listed", "author3@uni3.edu.vn"),
    ]
    assert rows[0].once_key == f"abstract-submitted:{abstract.authors.first().pk}"


def test_private_link_shows_the_abstract(api, event):
    open_call(event)
    abstract = submit(event)

    response = api.get(f"/api/v1/abstracts/{abstract.token}/")

    assert response.status_code == 200
    assert response.data["editable"] is True
    assert response.data["authors"][0]["email"] == "author1@uni1.edu.vn"


def test_private_link_edits_until_the_deadline(api, event):
    open_call(event)
    abstract = submit(event)

    response = api.patch(
        f"/api/v1/abstracts/{abstract.token}/", {"title_en": "Better title"}, format="json"
    )

    assert response.status_code == 200
    abstract.refresh_from_db()
    assert abstract.title_en == "Better title"


def test_private_link_refuses_edits_after_the_deadline(api, event):
    call = open_call(event)
    abstract = submit(event)
    call.closes_at = timezone.now() - timedelta(seconds=1)
    call.opens_at = call.closes_at - timedelta(days=1)
    call.save()

    response = api.patch(f"/api/v1/abstracts/{abstract.token}/", {"title_en": "X"}, format="json")

    assert response.status_code == 409


def test_private_link_replaces_authors(api, event):
    open_call(event)
    abstract = submit(event)

    response = api.patch(
        f"/api/v1/abstracts/{abstract.token}/",
        {"authors": [author(5), author(6, presenting=True)]},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert list(Author.objects.filter(abstract=abstract).values_list("name", "presenting")) == [
        ("Nguyễn Văn 5", False),
        ("Nguyễn Văn 6", True),
    ]


def test_withdraw_through_the_private_link(api, event):
    open_call(event)
    abstract = submit(event)

    response = api.post(f"/api/v1/abstracts/{abstract.token}/withdraw/")

    assert response.status_code == 200
    assert response.data["status"] == "withdrawn"


def test_unknown_private_link_is_404(api):
    assert api.get("/api/v1/abstracts/not-a-real-token-at-all-xyz/").status_code == 404


def test_two_presenting_authors_are_refused(event):
    open_call(event)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        submit(event, authors=[author(1, presenting=True), author(2, presenting=True)])

    assert "authors" in error.value.message_dict
