"""Inviting on the team step, and the emailed `/invitations/<token>` link."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from events import invitations
from events.models import Invitation, TeamMembership
from notifications.models import Delivery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def team_page(event) -> str:
    return f"/en/organiser/events/{event.slug}/team/"


def invite(event, owner, email="mai@example.org", role="checkin") -> str:
    invitations.invite(event, user=owner, email=email, role=role)
    delivery = Delivery.objects.filter(kind="team_invitation").latest("id")
    return "/invitations/" + delivery.context["invitation_url"].rsplit("/", 1)[1]


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


# --- The team step --------------------------------------------------------------------------


def test_team_page_invites_by_email_with_the_same_answer_for_any_address(owner_client, event):
    UserFactory(username="known", email="known@example.org")

    pages = [
        owner_client.post(team_page(event), {"user": address, "role": "checkin"}, follow=True)
        for address in ("known@example.org", "unknown@example.org")
    ]

    assert [p.status_code for p in pages] == [200, 200]
    assert all("Invitation sent." in p.content.decode() for p in pages)
    assert not TeamMembership.objects.filter(event=event, user__username="known").exists()


def test_team_page_lists_pending_invitations(owner_client, event, owner):
    invite(event, owner, email="pending@example.org", role="organiser")

    html = owner_client.get(team_page(event)).content.decode()

    assert "pending@example.org" in html
    assert "Pending invitations" in html


def test_team_page_withdraws_an_invitation(owner_client, event, owner):
    link = invite(event, owner)
    invitation = Invitation.objects.get()

    owner_client.post(team_page(event), {"action": "withdraw", "invitation": invitation.pk})

    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.WITHDRAWN
    assert owner_client.get(link).status_code == 410


def test_team_page_bad_address_answers_400(owner_client, event):
    response = owner_client.post(team_page(event), {"user": "mai@", "role": "checkin"})

    assert response.status_code == 400
    assert not Invitation.objects.exists()


# --- The link -------------------------------------------------------------------------------


def test_link_signed_in_accepts_and_lands_on_the_event(client, event, owner):
    link = invite(event, owner, role="organiser")
    mai = UserFactory(username="mai")
    client.force_login(mai)

    response = client.post(link)

    assert response.status_code == 302
    assert response["Location"] == f"/en/organiser/events/{event.slug}/registrations/"
    assert TeamMembership.objects.get(event=event, user=mai).role == "organiser"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_link_accepted_remembers_the_language_of_the_page(client, event, owner, language):
    link = invite(event, owner, role="reviewer")
    reviewer = UserFactory(username="lan")
    client.force_login(reviewer)

    client.post(link, HTTP_ACCEPT_LANGUAGE=language)

    assert TeamMembership.objects.get(event=event, user=reviewer).language == language


def test_link_accepted_with_a_new_account_remembers_the_language(client, event, owner):
    link = invite(event, owner, email="new@example.org", role="reviewer")

    client.post(
        link,
        {"username": "newbie", "password": "a long pass phrase 7"},
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert TeamMembership.objects.get(event=event, user__username="newbie").language == "vi"


def test_link_opened_does_not_accept_before_the_button(client, event, owner):
    link = invite(event, owner)
    client.force_login(UserFactory())

    response = client.get(link)

    assert response.status_code == 200
    assert "Join the team" in response.content.decode()
    assert Invitation.objects.get().state == Invitation.State.PENDING


def test_link_without_account_creates_one_and_accepts(client, event, owner):
    link = invite(event, owner, email="new@example.org", role="checkin")

    response = client.post(link, {"username": "newbie", "password": "a long pass phrase 7"})

    user = get_user_model().objects.get(username="newbie")
    assert user.email == "new@example.org"
    assert user.check_password("a long pass phrase 7")
    assert TeamMembership.objects.get(event=event, user=user).role == "checkin"
    assert response["Location"] == f"/en/organiser/events/{event.slug}/check-in/"
    assert client.get(response["Location"]).status_code == 200  # signed in as the new account


def test_link_without_account_with_a_weak_password_answers_400(client, event, owner):
    link = invite(event, owner, email="new@example.org")

    response = client.post(link, {"username": "newbie", "password": "123"})

    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="newbie").exists()
    assert Invitation.objects.get().state == Invitation.State.PENDING


def test_link_for_an_address_with_an_account_asks_to_sign_in(client, event, owner):
    UserFactory(username="known", email="Known@example.org")
    link = invite(event, owner, email="known@example.org")

    html = client.get(link).content.decode()

    assert f"/en/sign-in/?next=%2Finvitations%2F{link.rsplit('/', 1)[1]}" in html
    assert 'name="password"' not in html


def test_link_past_seven_days_answers_410(client, event, owner):
    link = invite(event, owner)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(UserFactory())

    response = client.post(link)

    assert response.status_code == 410
    assert "no longer works" in response.content.decode()
    assert not TeamMembership.objects.filter(event=event, role="checkin").exists()


def test_link_used_once_answers_410_the_second_time(client, event, owner):
    link = invite(event, owner)
    client.force_login(UserFactory())
    client.post(link)

    assert client.get(link).status_code == 410


def test_link_never_sent_answers_404(client, db):
    assert client.get("/invitations/made-up-token").status_code == 404
