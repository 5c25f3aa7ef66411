"""Asking for an event to count for a programme: the services and the API."""

import pytest
from django.db import IntegrityError

from core.exceptions import Conflict
from events import programme_requests as requests
from events.models import AuditLogEntry
from events.programme_models import ProgrammeRequest, ProgrammeStaff
from tests.conftest import client_for
from tests.factories import EventFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
State = ProgrammeRequest.State


@pytest.fixture
def programme():
    return ProgrammeFactory(code="NT/01")


@pytest.fixture
def staff(programme):
    user = UserFactory(username="officer")
    ProgrammeStaff.objects.create(programme=programme, user=user)
    return user


@pytest.fixture
def asked(event, programme, owner):
    return requests.ask(event, programme, user=owner)


# --- Services -------------------------------------------------------------------------------


def test_ask_creates_a_pending_request_without_setting_the_programme(event, programme, owner):
    asked = requests.ask(event, programme, user=owner)

    event.refresh_from_db()
    assert (asked.state, asked.requested_by, event.programme) == (State.PENDING, owner, None)


def test_ask_is_audited(event, programme, owner):
    requests.ask(event, programme, user=owner)

    entry = AuditLogEntry.objects.get(event=event, action="programme_request.created")
    assert (entry.actor, entry.changes) == (owner, {"programme": "NT/01"})


def test_ask_twice_while_one_is_open_is_a_conflict(asked, event, owner):
    with pytest.raises(Conflict) as raised:
        requests.ask(event, ProgrammeFactory(), user=owner)

    assert raised.value.code == "request_open"


def test_ask_for_the_programme_it_already_counts_for_is_a_conflict(owner, programme):
    event = EventFactory(owner=owner, programme=programme)

    with pytest.raises(Conflict) as raised:
        requests.ask(event, programme, user=owner)

    assert raised.value.code == "already_linked"


def test_database_keeps_one_open_request_per_event(asked, event, owner):
    with pytest.raises(IntegrityError):
        ProgrammeRequest.objects.create(event=event, programme=ProgrammeFactory())


def test_accept_sets_the_event_programme(asked, event, programme, staff):
    decided = requests.accept(asked, user=staff)

    event.refresh_from_db()
    assert (decided.state, decided.decided_by, event.programme) == (
        State.ACCEPTED,
        staff,
        programme,
    )
    assert decided.decided_at is not None


def test_accept_is_audited_with_the_programme_change(asked, event, staff):
    requests.accept(asked, user=staff)

    actions = set(AuditLogEntry.objects.filter(event=event).values_list("action", flat=True))
    assert {"programme_request.accepted", "event.updated"} <= actions


def test_decline_leaves_the_event_without_programme(asked, event, staff):
    decided = requests.decline(asked, user=staff)

    event.refresh_from_db()
    assert (decided.state, event.programme) == (State.DECLINED, None)
    assert AuditLogEntry.objects.filter(event=event, action="programme_request.declined").exists()


def test_withdraw_closes_the_request_so_another_can_be_asked(asked, event, owner):
    requests.withdraw(asked, user=owner)

    again = requests.ask(event, ProgrammeFactory(), user=owner)
    assert again.state == State.PENDING


def test_answering_a_closed_request_is_a_conflict(asked, staff):
    requests.decline(asked, user=staff)

    with pytest.raises(Conflict) as raised:
        requests.accept(asked, user=staff)

    assert raised.value.code == "request_closed"


def test_latest_for_shows_the_most_recent_request(asked, event, owner, staff):
    requests.decline(asked, user=staff)
    newer = requests.ask(event, ProgrammeFactory(), user=owner)

    assert requests.latest_for(event) == newer


# --- API ------------------------------------------------------------------------------------


def url(event) -> str:
    return f"/api/v1/events/{event.slug}/programme-request/"


def test_api_ask_answers_201_with_the_request(owner_api, event, programme):
    response = owner_api.post(url(event), {"programme": "NT/01"}, format="json")

    assert response.status_code == 201
    assert (response.json()["state"], response.json()["programme"]) == ("pending", "NT/01")


def test_api_ask_for_an_unknown_programme_is_400(owner_api, event):
    response = owner_api.post(url(event), {"programme": "NOPE"}, format="json")

    assert response.status_code == 400
    assert "programme" in response.json()


def test_api_ask_while_one_is_open_is_409(owner_api, event, asked):
    response = owner_api.post(url(event), {"programme": "NT/01"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "request_open"


def test_api_get_shows_the_latest_request(owner_api, event, asked):
    assert owner_api.get(url(event)).json()["id"] == asked.pk


def test_api_get_without_request_is_404(owner_api, event):
    assert owner_api.get(url(event)).status_code == 404


def test_api_withdraw_closes_the_pending_request(owner_api, event, asked):
    response = owner_api.post(url(event) + "withdraw/")

    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")


def test_api_accept_by_programme_staff_sets_the_programme(event, asked, staff):
    response = client_for(staff).post(f"/api/v1/programme-requests/{asked.pk}/accept/")

    event.refresh_from_db()
    assert (response.status_code, response.json()["state"]) == (200, "accepted")
    assert event.programme.code == "NT/01"


def test_api_accept_by_the_event_owner_is_403(owner_api, event, asked):
    response = owner_api.post(f"/api/v1/programme-requests/{asked.pk}/accept/")

    event.refresh_from_db()
    assert (response.status_code, event.programme) == (403, None)


def test_api_decline_by_staff_of_another_programme_is_403(asked):
    other = UserFactory()
    ProgrammeStaff.objects.create(programme=ProgrammeFactory(), user=other)

    response = client_for(other).post(f"/api/v1/programme-requests/{asked.pk}/decline/")

    assert response.status_code == 403


def test_api_decline_twice_is_409(asked, staff):
    api = client_for(staff)
    api.post(f"/api/v1/programme-requests/{asked.pk}/decline/")

    response = api.post(f"/api/v1/programme-requests/{asked.pk}/decline/")

    assert (response.status_code, response.json()["code"]) == (409, "request_closed")
