"""Programme requests in the pages: the details step asks, the programme page decides;
programme staff land on their programme after sign-in."""

import pytest

from events import programme_requests as requests
from events.models import AuditLogEntry, TeamMembership
from events.programme_models import ProgrammeRequest, ProgrammeStaff
from tests.factories import EventFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db
State = ProgrammeRequest.State


@pytest.fixture
def programme():
    return ProgrammeFactory(code="NT/01", title_en="Nano technology")


@pytest.fixture
def staff(programme):
    user = UserFactory(username="officer")
    ProgrammeStaff.objects.create(programme=programme, user=user)
    return user


def details(event, language: str = "en") -> str:
    return f"/{language}/organiser/events/{event.slug}/edit/"


def ask_url(event) -> str:
    return f"/en/organiser/events/{event.slug}/programme-request/"


def decide_url(programme) -> str:
    return f"/en/programmes/{programme.slug}/requests/"


# --- The details step -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "vi"])
def test_details_step_offers_the_programmes(client, owner, event, programme, language):
    client.force_login(owner)

    page = client.get(details(event, language)).content.decode()

    assert f'<option value="{programme.pk}">NT/01 – ' in page
    assert 'name="programme"' in page


def test_details_step_asking_creates_a_pending_request(client, owner, event, programme):
    client.force_login(owner)

    response = client.post(ask_url(event), {"action": "ask", "programme": programme.pk})

    assert response.status_code == 302 and response["Location"].endswith(details(event))
    assert ProgrammeRequest.objects.get(event=event).state == State.PENDING


def test_details_step_shows_a_pending_request_with_withdraw(client, owner, event, programme):
    requests.ask(event, programme, user=owner)
    client.force_login(owner)

    page = client.get(details(event)).content.decode()

    assert 'data-state="pending"' in page and "Waiting for the programme" in page
    assert 'value="withdraw"' in page and 'name="programme"' not in page


def test_details_step_withdraw_closes_the_request(client, owner, event, programme):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(owner)

    client.post(ask_url(event), {"action": "withdraw"})

    asked.refresh_from_db()
    assert asked.state == State.WITHDRAWN


def test_details_step_shows_a_declined_request_and_lets_ask_again(
    client, owner, event, programme, staff
):
    requests.decline(requests.ask(event, programme, user=owner), user=staff)
    client.force_login(owner)

    page = client.get(details(event, "vi")).content.decode()

    assert 'data-state="declined"' in page and "Đã từ chối" in page
    assert 'name="programme"' in page


def test_details_step_unknown_programme_says_so(client, owner, event):
    client.force_login(owner)

    response = client.post(ask_url(event), {"action": "ask", "programme": "99999"}, follow=True)

    assert "Choose a programme from the list." in response.content.decode()
    assert not ProgrammeRequest.objects.exists()


def test_details_step_asking_is_refused_to_check_in_staff(client, event, programme):
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    client.force_login(user)

    response = client.post(ask_url(event), {"action": "ask", "programme": programme.pk})

    assert response.status_code == 403
    assert not ProgrammeRequest.objects.exists()


# --- The programme page ---------------------------------------------------------------------


def test_programme_page_lists_pending_requests_for_staff(client, owner, event, programme, staff):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(staff)

    page = client.get(f"/en/programmes/{programme.slug}/").content.decode()

    assert f'data-request="{asked.pk}"' in page and event.title_en in page


def test_programme_page_hides_requests_from_the_public(client, owner, event, programme):
    requests.ask(event, programme, user=owner)

    page = client.get(f"/en/programmes/{programme.slug}/").content.decode()

    assert "data-request=" not in page and event.title_en not in page


def test_programme_page_accept_sets_the_programme_and_audits(
    client, owner, event, programme, staff
):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(staff)

    response = client.post(decide_url(programme), {"action": "accept", "request": asked.pk})

    event.refresh_from_db()
    assert response.status_code == 302 and event.programme == programme
    entry = AuditLogEntry.objects.get(event=event, action="programme_request.accepted")
    assert entry.actor == staff


def test_programme_page_decline_keeps_the_event_out(client, owner, event, programme, staff):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(staff)

    client.post(decide_url(programme), {"action": "decline", "request": asked.pk})

    event.refresh_from_db()
    asked.refresh_from_db()
    assert (asked.state, event.programme) == (State.DECLINED, None)


def test_programme_page_decision_is_refused_to_the_event_owner(client, owner, event, programme):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(owner)

    response = client.post(decide_url(programme), {"action": "accept", "request": asked.pk})

    event.refresh_from_db()
    assert (response.status_code, event.programme) == (403, None)


def test_programme_page_request_of_another_programme_is_404(client, owner, event, staff):
    asked = requests.ask(event, ProgrammeFactory(), user=owner)
    client.force_login(staff)
    mine = ProgrammeStaff.objects.get(user=staff).programme

    response = client.post(decide_url(mine), {"action": "accept", "request": asked.pk})

    assert response.status_code == 404


def test_programme_page_answering_twice_says_it_is_closed(client, owner, event, programme, staff):
    asked = requests.ask(event, programme, user=owner)
    client.force_login(staff)
    client.post(decide_url(programme), {"action": "decline", "request": asked.pk})

    response = client.post(
        decide_url(programme), {"action": "accept", "request": asked.pk}, follow=True
    )

    assert "already answered or withdrawn" in response.content.decode()


# --- Landing after sign-in ------------------------------------------------------------------


def sign_in(client, username: str, **extra):
    data = {"username": username, "password": "correct-horse-battery"}
    return client.post("/en/sign-in/" + extra.get("query", ""), data)


def test_programme_staff_land_on_their_programme(client, programme, staff):
    response = sign_in(client, "officer")

    assert response["Location"] == f"/en/programmes/{programme.slug}/"


def test_programme_staff_of_several_land_on_the_first_by_code(client, programme, staff):
    ProgrammeStaff.objects.create(programme=ProgrammeFactory(code="AA/00"), user=staff)

    response = sign_in(client, "officer")

    assert response["Location"] == "/en/programmes/aa-00/"


def test_programme_staff_with_events_land_on_my_events(client, programme, staff):
    EventFactory(owner=staff)

    response = sign_in(client, "officer")

    assert response["Location"].endswith("/organiser/")


def test_sign_in_next_address_wins_over_the_programme(client, programme, staff):
    response = sign_in(client, "officer", query="?next=/en/organiser/events/new/")

    assert response["Location"] == "/en/organiser/events/new/"


def test_organiser_lands_on_my_events(client, owner, event):
    response = sign_in(client, "owner")

    assert response["Location"].endswith("/organiser/")
