"""Inviting people to the team by email (events.invitations and its API)."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from core.exceptions import Conflict, NotFound
from events import audit, invitations
from events.models import AuditLogEntry, Invitation, TeamMembership
from notifications.models import Delivery
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def token_of(delivery: Delivery) -> str:
    return delivery.context["invitation_url"].rsplit("/", 1)[1]


def invite(event, owner, email="mai@example.org", role="checkin") -> str:
    """Invite and return the link's token, read from the email written to the outbox."""
    invitations.invite(event, user=owner, email=email, role=role)
    return token_of(Delivery.objects.filter(kind="team_invitation").latest("id"))


# --- Service --------------------------------------------------------------------------------


def test_invite_stores_only_the_hash_of_the_token(event, owner):
    token = invite(event, owner)

    stored = Invitation.objects.get(event=event)
    assert token not in stored.token_hash
    assert len(token) >= 43  # 256 random bits, URL-safe base64
    assert stored.expires_at - stored.created_at == timedelta(days=7)


def test_invite_writes_one_email_to_the_address(event, owner):
    invite(event, owner, email="Mai@Example.org")

    delivery = Delivery.objects.get(kind="team_invitation")
    assert delivery.to_email == "Mai@Example.org"
    assert delivery.registration is None


def test_accept_makes_a_team_member_with_the_role(event, owner):
    token = invite(event, owner, role="organiser")
    mai = UserFactory(username="mai")

    membership = invitations.accept(invitations.find(token), user=mai)

    assert (membership.user, membership.role) == (mai, "organiser")
    assert Invitation.objects.get().state == Invitation.State.ACCEPTED


def test_accept_works_once(event, owner):
    token = invite(event, owner)
    invitations.accept(invitations.find(token), user=UserFactory())

    with pytest.raises(invitations.InvitationGone):
        invitations.find(token)


def test_find_expired_invitation_is_gone(event, owner):
    token = invite(event, owner)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(invitations.InvitationGone):
        invitations.find(token)


def test_find_unknown_token_is_not_found(event):
    with pytest.raises(NotFound):
        invitations.find("made-up")


def test_withdraw_stops_the_link(event, owner):
    token = invite(event, owner)

    invitations.withdraw(Invitation.objects.get(), user=owner)

    with pytest.raises(invitations.InvitationGone):
        invitations.find(token)


def test_withdraw_twice_is_conflict(event, owner):
    invite(event, owner)
    invitations.withdraw(Invitation.objects.get(), user=owner)

    with pytest.raises(Conflict):
        invitations.withdraw(Invitation.objects.get(), user=owner)


def test_invite_again_replaces_the_pending_invitation(event, owner):
    first = invite(event, owner, email="mai@example.org")
    second = invite(event, owner, email='"MAI"@example.org')

    assert Invitation.objects.filter(state="pending").count() == 1
    assert invitations.find(second).email == '"MAI"@example.org'
    with pytest.raises(invitations.InvitationGone):
        invitations.find(first)


def test_database_refuses_two_pending_invitations_per_address(event, owner):
    invite(event, owner)
    first = Invitation.objects.get()

    with pytest.raises(IntegrityError):
        Invitation.objects.create(
            event=event,
            email="MAI@example.org",
            email_key=first.email_key,
            role="checkin",
            token_hash="0" * 64,
            expires_at=first.expires_at,
        )


def test_invite_writes_the_same_whether_or_not_an_account_exists(event, owner):
    UserFactory(username="known", email="known@example.org")

    for address in ("known@example.org", "unknown@example.org"):
        invite(event, owner, email=address)

    rows = Invitation.objects.order_by("id").values_list("state", "role", "accepted_by")
    assert list(rows) == [("pending", "checkin", None)] * 2
    assert Delivery.objects.filter(kind="team_invitation").count() == 2


def test_accept_with_new_account_refuses_an_address_with_an_account(event, owner):
    UserFactory(username="known", email="known@example.org")
    token = invite(event, owner, email="KNOWN@example.org")

    with pytest.raises(Conflict):
        invitations.accept_with_new_account(
            invitations.find(token), username="new", password="a long pass phrase 7"
        )


def test_invitation_audit_entries_read_as_sentences(event, owner):
    owner.first_name, owner.last_name = "Mai", "Tran"
    owner.save()
    token = invite(event, owner, email="an@example.org")
    an = UserFactory(username="an", first_name="An", last_name="Nguyen")
    invitations.accept(invitations.find(token), user=an)
    invite(event, owner, email="binh@example.org")
    invitations.withdraw(Invitation.objects.get(state="pending"), user=owner)

    entries = AuditLogEntry.objects.filter(action__startswith="team.").order_by("id")
    assert audit.sentences(entries) == [
        "Mai Tran invited an@example.org to the team as Check-in staff.",
        "An Nguyen accepted the invitation and joined as Check-in staff.",
        "Mai Tran invited binh@example.org to the team as Check-in staff.",
        "Mai Tran withdrew the invitation of binh@example.org.",
    ]


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def invitations_url(event):
    return f"/api/v1/events/{event.slug}/team/invitations/"


def test_api_invite_answers_202_the_same_for_known_and_unknown(owner_api, invitations_url):
    UserFactory(username="known", email="known@example.org")

    answers = [
        owner_api.post(invitations_url, {"email": address, "role": "organiser"}, format="json")
        for address in ("known@example.org", "unknown@example.org")
    ]

    assert [(a.status_code, a.json()) for a in answers] == [
        (202, {"detail": "Invitation sent."})
    ] * 2


def test_api_invite_bad_address_is_400(owner_api, invitations_url):
    response = owner_api.post(invitations_url, {"email": "nope", "role": "checkin"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["email"]


def test_api_invite_as_owner_role_is_400(owner_api, invitations_url):
    response = owner_api.post(
        invitations_url, {"email": "a@example.org", "role": "owner"}, format="json"
    )

    assert response.status_code == 400


def test_api_lists_pending_invitations(owner_api, invitations_url, event, owner):
    invite(event, owner, email="a@example.org", role="organiser")

    body = owner_api.get(invitations_url).json()

    assert [(i["email"], i["role"], i["state"]) for i in body] == [
        ("a@example.org", "organiser", "pending")
    ]


def test_api_withdraw_answers_204_and_stops_the_link(owner_api, invitations_url, event, owner):
    token = invite(event, owner)
    pk = Invitation.objects.get().pk

    response = owner_api.delete(f"{invitations_url}{pk}/")

    assert response.status_code == 204
    with pytest.raises(invitations.InvitationGone):
        invitations.find(token)


def test_api_organiser_cannot_invite(event, invitations_url):
    organiser = UserFactory()
    TeamMembership.objects.create(event=event, user=organiser, role="organiser")

    response = client_for(organiser).post(
        invitations_url, {"email": "a@example.org", "role": "checkin"}, format="json"
    )

    assert response.status_code == 403
    assert not Invitation.objects.exists()
