"""Who may do what: one explicitly asserted status code per (action, role) cell.

Roles: anonymous; stranger (signed in, organiser of *another* event); checkin, organiser and
owner on the event under test. Writes by anonymous callers answer 401, by signed-in people
without the right role 403; drafts are invisible (404) to anyone outside their team.
"""

import pytest
from rest_framework.test import APIClient

from events.models import Event, TeamMembership
from tests.factories import EventFactory, SessionFactory, TeamMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_SESSION = {
    "title": "Keynote",
    "start": "2027-03-01T09:00:00",
    "end": "2027-03-01T10:00:00",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """UserFactory hashes a password for every user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def statuses(*, anonymous: int, stranger: int, checkin: int, organiser: int, owner: int):
    """Parametrize rows for every role: each cell must be given, none has a default."""
    cells = {
        "anonymous": anonymous,
        "stranger": stranger,
        "checkin": checkin,
        "organiser": organiser,
        "owner": owner,
    }
    return [pytest.param(role, status, id=f"{role}-{status}") for role, status in cells.items()]


def signed_in(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def as_role():
    """A client acting with `role` on `event`."""

    def make(role: str, event: Event) -> APIClient:
        if role == "anonymous":
            return APIClient()
        if role == "owner":
            return signed_in(event.team.get(role=TeamMembership.Role.OWNER).user)
        user = UserFactory()
        if role == "stranger":
            TeamMembershipFactory(event=EventFactory(), user=user, role="organiser")
        else:
            TeamMembershipFactory(event=event, user=user, role=role)
        return signed_in(user)

    return make


@pytest.fixture
def session(event):
    return SessionFactory(event=event)


@pytest.fixture
def member(event):
    """Someone else on the team, to have their role changed or be removed."""
    return TeamMembershipFactory(event=event, role=TeamMembership.Role.CHECKIN)


@pytest.fixture
def superuser_api():
    return signed_in(UserFactory(username="root", is_superuser=True, is_staff=True))


# --- The event itself -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=200, stranger=200, checkin=200, organiser=200, owner=200),
)
def test_retrieve_published_event(as_role, event, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=200, stranger=200, checkin=200, organiser=200, owner=200),
)
def test_list_events_includes_published_event(as_role, event, role, expected):
    response = as_role(role, event).get("/api/v1/events/")

    assert response.status_code == expected
    assert event.slug in {e["slug"] for e in response.json()["results"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=200, owner=200),
)
def test_patch_published_event(as_role, event, role, expected):
    response = as_role(role, event).patch(
        f"/api/v1/events/{event.slug}/", {"capacity": 50}, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=200, owner=200),
)
def test_put_published_event(as_role, event, role, expected):
    body = {
        "title_en": "Renamed",
        "start": "2027-03-01T09:00:00",
        "end": "2027-03-01T17:00:00",
    }

    response = as_role(role, event).put(f"/api/v1/events/{event.slug}/", body, format="json")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=404, checkin=403, organiser=403, owner=204),
)
def test_delete_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).delete(f"/api/v1/events/{draft.slug}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=403, owner=409),
)
def test_delete_published_event(as_role, event, role, expected):
    response = as_role(role, event).delete(f"/api/v1/events/{event.slug}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=200, owner=200),
)
def test_publish_published_event(as_role, event, role, expected):
    response = as_role(role, event).post(f"/api/v1/events/{event.slug}/publish/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=404, checkin=403, organiser=200, owner=200),
)
def test_publish_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).post(f"/api/v1/events/{draft.slug}/publish/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=200, owner=200),
)
def test_cancel_published_event(as_role, event, role, expected):
    response = as_role(role, event).post(
        f"/api/v1/events/{event.slug}/cancel/", {"reason": "Typhoon"}, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=200, stranger=200, checkin=200, organiser=200, owner=200),
)
def test_calendar_of_published_event(as_role, event, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/calendar.ics")

    assert response.status_code == expected


# --- Sessions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=200, stranger=200, checkin=200, organiser=200, owner=200),
)
def test_list_sessions_of_published_event(as_role, event, session, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/sessions/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=200, stranger=200, checkin=200, organiser=200, owner=200),
)
def test_retrieve_session_of_published_event(as_role, event, session, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/sessions/{session.pk}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=201, owner=201),
)
def test_create_session(as_role, event, role, expected):
    response = as_role(role, event).post(
        f"/api/v1/events/{event.slug}/sessions/", NEW_SESSION, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=200, owner=200),
)
def test_patch_session(as_role, event, session, role, expected):
    response = as_role(role, event).patch(
        f"/api/v1/events/{event.slug}/sessions/{session.pk}/", {"room": "Hall B"}, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=204, owner=204),
)
def test_delete_session(as_role, event, session, role, expected):
    response = as_role(role, event).delete(f"/api/v1/events/{event.slug}/sessions/{session.pk}/")

    assert response.status_code == expected


# --- Team and audit log ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=200, organiser=200, owner=200),
)
def test_list_team(as_role, event, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/team/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=200, organiser=200, owner=200),
)
def test_retrieve_team_member(as_role, event, member, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/team/{member.pk}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=403, owner=201),
)
def test_add_team_member(as_role, event, role, expected):
    newcomer = UserFactory()

    response = as_role(role, event).post(
        f"/api/v1/events/{event.slug}/team/",
        {"user": newcomer.username, "role": "organiser"},
        format="json",
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=403, owner=200),
)
def test_change_team_role(as_role, event, member, role, expected):
    response = as_role(role, event).patch(
        f"/api/v1/events/{event.slug}/team/{member.pk}/", {"role": "organiser"}, format="json"
    )

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=403, organiser=403, owner=204),
)
def test_remove_team_member(as_role, event, member, role, expected):
    response = as_role(role, event).delete(f"/api/v1/events/{event.slug}/team/{member.pk}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=403, checkin=200, organiser=200, owner=200),
)
def test_read_audit_log(as_role, event, role, expected):
    response = as_role(role, event).get(f"/api/v1/events/{event.slug}/audit-log/")

    assert response.status_code == expected


# --- Denied writes change nothing -----------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "stranger", "checkin"])
def test_patch_event_denied_leaves_event_unchanged(as_role, event, role):
    as_role(role, event).patch(f"/api/v1/events/{event.slug}/", {"capacity": 50}, format="json")

    event.refresh_from_db()
    assert event.capacity is None


@pytest.mark.parametrize("role", ["anonymous", "stranger", "checkin", "organiser"])
def test_delete_draft_denied_keeps_event(as_role, draft, role):
    as_role(role, draft).delete(f"/api/v1/events/{draft.slug}/")

    assert Event.objects.filter(pk=draft.pk).exists()


@pytest.mark.parametrize("role", ["anonymous", "stranger", "checkin", "organiser"])
def test_add_team_member_denied_adds_nobody(as_role, event, role):
    client = as_role(role, event)
    newcomer = UserFactory()

    client.post(
        f"/api/v1/events/{event.slug}/team/",
        {"user": newcomer.username, "role": "organiser"},
        format="json",
    )

    assert not TeamMembership.objects.filter(event=event, user=newcomer).exists()


def test_anonymous_write_asks_for_credentials(event):
    response = APIClient().patch(f"/api/v1/events/{event.slug}/", {"capacity": 5}, format="json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


# --- Drafts are invisible outside their team ------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=404, stranger=404, checkin=200, organiser=200, owner=200),
)
def test_retrieve_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).get(f"/api/v1/events/{draft.slug}/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        pytest.param("anonymous", False, id="anonymous-hidden"),
        pytest.param("stranger", False, id="stranger-hidden"),
        pytest.param("checkin", True, id="checkin-listed"),
        pytest.param("organiser", True, id="organiser-listed"),
        pytest.param("owner", True, id="owner-listed"),
    ],
)
def test_list_events_shows_draft_only_to_its_team(as_role, draft, role, expected):
    response = as_role(role, draft).get("/api/v1/events/")

    assert (draft.slug in {e["slug"] for e in response.json()["results"]}) is expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=404, stranger=404, checkin=200, organiser=200, owner=200),
)
def test_list_sessions_of_draft_event(as_role, draft, role, expected):
    SessionFactory(event=draft)

    response = as_role(role, draft).get(f"/api/v1/events/{draft.slug}/sessions/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=404, stranger=404, checkin=200, organiser=200, owner=200),
)
def test_calendar_of_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).get(f"/api/v1/events/{draft.slug}/calendar.ics")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    # Anonymous callers are asked to sign in before the event is looked up, which reveals
    # nothing: an unknown slug answers 401 too (see the test below).
    statuses(anonymous=401, stranger=404, checkin=200, organiser=200, owner=200),
)
def test_list_team_of_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).get(f"/api/v1/events/{draft.slug}/team/")

    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=404, checkin=200, organiser=200, owner=200),
)
def test_read_audit_log_of_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).get(f"/api/v1/events/{draft.slug}/audit-log/")

    assert response.status_code == expected


def test_team_of_unknown_event_asks_anonymous_to_sign_in():
    response = APIClient().get("/api/v1/events/no-such-event/team/")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    statuses(anonymous=401, stranger=404, checkin=403, organiser=200, owner=200),
)
def test_patch_draft_event(as_role, draft, role, expected):
    response = as_role(role, draft).patch(
        f"/api/v1/events/{draft.slug}/", {"capacity": 50}, format="json"
    )

    assert response.status_code == expected


# --- Superusers act as owners ---------------------------------------------------------------


def test_superuser_sees_draft_of_any_event(superuser_api, draft):
    response = superuser_api.get(f"/api/v1/events/{draft.slug}/")

    assert response.status_code == 200
    assert response.json()["my_role"] == "owner"


def test_superuser_lists_drafts_of_every_event(superuser_api, draft):
    body = superuser_api.get("/api/v1/events/").json()

    assert draft.slug in {e["slug"] for e in body["results"]}


def test_superuser_patches_event(superuser_api, event):
    response = superuser_api.patch(f"/api/v1/events/{event.slug}/", {"capacity": 50}, format="json")

    assert response.status_code == 200


def test_superuser_deletes_draft(superuser_api, draft):
    response = superuser_api.delete(f"/api/v1/events/{draft.slug}/")

    assert response.status_code == 204


def test_superuser_delete_published_event_is_conflict(superuser_api, event):
    response = superuser_api.delete(f"/api/v1/events/{event.slug}/")

    assert response.status_code == 409


def test_superuser_publishes_draft(superuser_api, draft):
    response = superuser_api.post(f"/api/v1/events/{draft.slug}/publish/")

    assert response.status_code == 200


def test_superuser_cancels_event(superuser_api, event):
    response = superuser_api.post(f"/api/v1/events/{event.slug}/cancel/")

    assert response.status_code == 200


def test_superuser_creates_session(superuser_api, event):
    response = superuser_api.post(
        f"/api/v1/events/{event.slug}/sessions/", NEW_SESSION, format="json"
    )

    assert response.status_code == 201


def test_superuser_lists_team(superuser_api, event):
    response = superuser_api.get(f"/api/v1/events/{event.slug}/team/")

    assert response.status_code == 200


def test_superuser_adds_team_member(superuser_api, event):
    response = superuser_api.post(
        f"/api/v1/events/{event.slug}/team/",
        {"user": UserFactory().username, "role": "checkin"},
        format="json",
    )

    assert response.status_code == 201


def test_superuser_changes_team_role(superuser_api, event, member):
    response = superuser_api.patch(
        f"/api/v1/events/{event.slug}/team/{member.pk}/", {"role": "organiser"}, format="json"
    )

    assert response.status_code == 200


def test_superuser_removes_team_member(superuser_api, event, member):
    response = superuser_api.delete(f"/api/v1/events/{event.slug}/team/{member.pk}/")

    assert response.status_code == 204


def test_superuser_reads_audit_log(superuser_api, event):
    response = superuser_api.get(f"/api/v1/events/{event.slug}/audit-log/")

    assert response.status_code == 200
