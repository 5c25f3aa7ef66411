"""The team (/events/{slug}/team/) and agenda (/events/{slug}/sessions/) endpoints."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from events.agenda_models import Session, Speaker
from events.models import AuditLogEntry, Invitation, TeamMembership
from tests.factories import (
    EventFactory,
    SessionFactory,
    SpeakerFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """UserFactory hashes a password for every user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team_url(event):
    return f"/api/v1/events/{event.slug}/team/"


@pytest.fixture
def sessions_url(event):
    return f"/api/v1/events/{event.slug}/sessions/"


@pytest.fixture
def lan(db):
    return UserFactory(username="lan", email="Lan.Nguyen@example.org")


@pytest.fixture
def berlin(owner):
    """A winter event in Berlin (UTC+1), owned by `owner`."""
    start = datetime(2027, 1, 15, 9, 0, tzinfo=BERLIN)
    return EventFactory(
        slug="berlin",
        timezone="Europe/Berlin",
        start=start,
        end=start + timedelta(hours=8),
        owner=owner,
    )


# --- Team: adding ---------------------------------------------------------------------------


def test_add_member_by_username_answers_201(owner_api, team_url, lan):
    response = owner_api.post(team_url, {"user": "lan", "role": "organiser"}, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["username"], body["email"], body["role"]) == ("lan", "", "organiser")


def test_team_answers_show_an_email_only_to_its_own_account(owner_api, team_url, lan):
    owner_api.post(team_url, {"user": "lan", "role": "organiser"}, format="json")
    as_lan = APIClient()
    as_lan.force_authenticate(lan)

    seen_by_owner = {m["username"]: m["email"] for m in owner_api.get(team_url).json()}
    seen_by_lan = {m["username"]: m["email"] for m in as_lan.get(team_url).json()}

    assert seen_by_owner["lan"] == ""
    assert seen_by_lan["lan"] == "Lan.Nguyen@example.org"


def test_team_page_does_not_show_other_members_emails(client, event, owner, lan):
    TeamMembership.objects.create(event=event, user=lan, role="organiser")
    client.force_login(owner)

    page = client.get(f"/en/organiser/events/{event.slug}/team/").content.decode()

    assert "lan" in page and "Lan.Nguyen@example.org" not in page


def test_add_member_by_username_puts_them_on_team(owner_api, team_url, event, lan):
    owner_api.post(team_url, {"user": "lan", "role": "organiser"}, format="json")

    assert TeamMembership.objects.get(event=event, user=lan).role == "organiser"


def test_add_member_by_email_invites_and_adds_nobody_yet(owner_api, team_url, event, lan):
    response = owner_api.post(
        team_url, {"user": "Lan.Nguyen@example.org", "role": "checkin"}, format="json"
    )

    assert response.status_code == 202, response.json()
    assert response.json() == {"detail": "Invitation sent."}
    assert not TeamMembership.objects.filter(event=event, user=lan).exists()
    assert Invitation.objects.get(event=event).email_key == "lan.nguyen@example.org"


def test_add_member_by_email_answers_the_same_without_an_account(owner_api, team_url, lan):
    known = owner_api.post(
        team_url, {"user": "LAN.NGUYEN@EXAMPLE.ORG", "role": "checkin"}, format="json"
    )
    unknown = owner_api.post(
        team_url, {"user": "nobody@example.org", "role": "checkin"}, format="json"
    )

    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())


def test_add_member_by_username_ignores_case(owner_api, team_url, lan):
    response = owner_api.post(team_url, {"user": "LAN", "role": "checkin"}, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["username"] == "lan"


def test_add_member_records_audit_entry(owner_api, team_url, event, lan):
    owner_api.post(team_url, {"user": "lan", "role": "checkin"}, format="json")

    entry = AuditLogEntry.objects.get(event=event, action="team.added")
    assert entry.changes == {"member": "lan", "role": "checkin"}


def test_add_member_already_on_team_is_conflict(owner_api, team_url, event, lan):
    TeamMembershipFactory(event=event, user=lan, role="checkin")

    response = owner_api.post(team_url, {"user": "lan", "role": "organiser"}, format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "already_on_team"
    assert response.json()["detail"]


def test_add_owner_to_own_team_is_conflict(owner_api, team_url):
    response = owner_api.post(team_url, {"user": "owner", "role": "organiser"}, format="json")

    assert response.status_code == 409


def test_add_unknown_user_is_rejected(owner_api, team_url):
    response = owner_api.post(team_url, {"user": "nobody", "role": "organiser"}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["user"]


def test_add_inactive_user_is_rejected(owner_api, team_url):
    UserFactory(username="gone", is_active=False)

    response = owner_api.post(team_url, {"user": "gone", "role": "organiser"}, format="json")

    assert response.status_code == 400
    assert "user" in response.json()


def test_add_member_as_owner_is_rejected(owner_api, team_url, lan):
    response = owner_api.post(team_url, {"user": "lan", "role": "owner"}, format="json")

    assert response.status_code == 400
    assert "role" in response.json()


def test_add_member_without_role_is_rejected(owner_api, team_url, lan):
    response = owner_api.post(team_url, {"user": "lan"}, format="json")

    assert response.status_code == 400
    assert "role" in response.json()


def test_add_member_to_other_event_does_not_touch_this_one(owner_api, event, owner, lan):
    other = EventFactory(owner=owner)

    owner_api.post(
        f"/api/v1/events/{other.slug}/team/", {"user": "lan", "role": "checkin"}, format="json"
    )

    assert not TeamMembership.objects.filter(event=event, user=lan).exists()


# --- Team: listing, changing, removing ------------------------------------------------------


def test_team_list_shows_owner(owner_api, team_url):
    body = owner_api.get(team_url).json()

    assert [(m["username"], m["role"]) for m in body] == [("owner", "owner")]


def test_team_list_shows_every_member(owner_api, team_url, event, lan):
    TeamMembershipFactory(event=event, user=lan, role="checkin")

    body = owner_api.get(team_url).json()

    assert sorted((m["username"], m["role"]) for m in body) == [
        ("lan", "checkin"),
        ("owner", "owner"),
    ]


def test_team_list_does_not_show_other_events_teams(owner_api, team_url, lan):
    TeamMembershipFactory(user=lan)

    body = owner_api.get(team_url).json()

    assert "lan" not in {m["username"] for m in body}


def test_team_list_does_not_expose_password(owner_api, team_url):
    body = owner_api.get(team_url).json()

    assert set(body[0]) == {"id", "username", "email", "role", "created_at"}


def test_change_role_answers_new_role(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="checkin")

    response = owner_api.patch(f"{team_url}{membership.pk}/", {"role": "organiser"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "organiser"


def test_change_role_saves_new_role(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="checkin")

    owner_api.patch(f"{team_url}{membership.pk}/", {"role": "organiser"}, format="json")

    assert TeamMembership.objects.get(pk=membership.pk).role == "organiser"


def test_change_role_to_owner_is_rejected(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="organiser")

    response = owner_api.patch(f"{team_url}{membership.pk}/", {"role": "owner"}, format="json")

    assert response.status_code == 400
    assert TeamMembership.objects.get(pk=membership.pk).role == "organiser"


def test_change_owner_role_is_rejected(owner_api, team_url, event):
    membership = event.team.get(role="owner")

    response = owner_api.patch(f"{team_url}{membership.pk}/", {"role": "checkin"}, format="json")

    assert response.status_code == 400
    assert "role" in response.json()


def test_change_role_of_other_events_member_is_not_found(owner_api, team_url, owner):
    stranger = TeamMembershipFactory(event=EventFactory(owner=owner), role="checkin")

    response = owner_api.patch(f"{team_url}{stranger.pk}/", {"role": "organiser"}, format="json")

    assert response.status_code == 404


def test_remove_member_answers_204(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="checkin")

    response = owner_api.delete(f"{team_url}{membership.pk}/")

    assert response.status_code == 204


def test_remove_member_takes_them_off_team(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="checkin")

    owner_api.delete(f"{team_url}{membership.pk}/")

    assert not TeamMembership.objects.filter(event=event, user=lan).exists()


def test_removed_member_loses_access_to_team_data(owner_api, team_url, event, lan):
    membership = TeamMembershipFactory(event=event, user=lan, role="organiser")
    client = APIClient()
    client.force_authenticate(lan)

    owner_api.delete(f"{team_url}{membership.pk}/")

    assert client.get(team_url).status_code == 403


def test_remove_owner_is_conflict(owner_api, team_url, event):
    membership = event.team.get(role="owner")

    response = owner_api.delete(f"{team_url}{membership.pk}/")

    assert response.status_code == 409
    assert response.json()["code"] == "owner_cannot_leave"
    assert TeamMembership.objects.filter(pk=membership.pk).exists()


def test_remove_unknown_member_is_not_found(owner_api, team_url):
    response = owner_api.delete(f"{team_url}999999/")

    assert response.status_code == 404


# --- Sessions: creating ---------------------------------------------------------------------


KEYNOTE = {
    "title": "Opening keynote",
    "start": "2027-03-01T09:00:00",
    "end": "2027-03-01T10:00:00",
    "room": "Hall A",
    "speakers": [
        {"name": "Prof. Nguyễn Văn An", "affiliation": "VNU", "bio": "Physicist."},
        {"name": "Dr Lan", "affiliation": "VAST"},
    ],
}


def test_create_session_answers_201_with_speakers(owner_api, sessions_url):
    response = owner_api.post(sessions_url, KEYNOTE, format="json")

    assert response.status_code == 201, response.json()
    assert sorted(s["name"] for s in response.json()["speakers"]) == [
        "Dr Lan",
        "Prof. Nguyễn Văn An",
    ]


def test_create_session_saves_it_on_the_event(owner_api, sessions_url, event):
    body = owner_api.post(sessions_url, KEYNOTE, format="json").json()

    session = Session.objects.get(pk=body["id"])
    assert (session.event, session.title_en, session.room) == (event, "Opening keynote", "Hall A")


def test_create_session_saves_speakers_on_the_event(owner_api, sessions_url, event):
    owner_api.post(sessions_url, KEYNOTE, format="json")

    speaker = Speaker.objects.get(event=event, name="Prof. Nguyễn Văn An")
    assert (speaker.affiliation, speaker.bio) == ("VNU", "Physicist.")


def test_create_session_reuses_existing_speaker(owner_api, sessions_url, event):
    existing = SpeakerFactory(event=event, name="Dr Lan", affiliation="VAST")

    owner_api.post(sessions_url, KEYNOTE, format="json")

    assert Speaker.objects.filter(event=event, name="Dr Lan").get() == existing


def test_create_session_without_speakers_has_none(owner_api, sessions_url):
    data = {k: v for k, v in KEYNOTE.items() if k != "speakers"}

    response = owner_api.post(sessions_url, data, format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["speakers"] == []


def test_create_session_title_goes_to_request_language(owner_api, sessions_url):
    response = owner_api.post(sessions_url, KEYNOTE, format="json", HTTP_ACCEPT_LANGUAGE="vi")

    body = response.json()
    assert (body["title_vi"], body["title_en"]) == ("Opening keynote", "")


def test_create_session_records_audit_entry(owner_api, sessions_url, event):
    owner_api.post(sessions_url, KEYNOTE, format="json")

    entry = AuditLogEntry.objects.get(event=event, action="session.created")
    assert entry.changes["session"] == "Opening keynote"


def test_created_session_appears_in_event_detail(owner_api, sessions_url, event):
    owner_api.post(sessions_url, KEYNOTE, format="json")

    body = owner_api.get(f"/api/v1/events/{event.slug}/").json()

    assert [s["title"] for s in body["sessions"]] == ["Opening keynote"]


# --- Sessions: changing and deleting --------------------------------------------------------


def test_patch_session_answers_changed_session(owner_api, sessions_url, event):
    session = SessionFactory(event=event, room="Hall A")

    response = owner_api.patch(f"{sessions_url}{session.pk}/", {"room": "Hall B"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["room"] == "Hall B"


def test_patch_session_saves_change(owner_api, sessions_url, event):
    session = SessionFactory(event=event, room="Hall A")

    owner_api.patch(f"{sessions_url}{session.pk}/", {"room": "Hall B"}, format="json")

    assert Session.objects.get(pk=session.pk).room == "Hall B"


def test_patch_session_replaces_speakers(owner_api, sessions_url, event):
    session = SessionFactory(event=event)
    session.speakers.set([SpeakerFactory(event=event, name="Dr Old")])

    response = owner_api.patch(
        f"{sessions_url}{session.pk}/", {"speakers": [{"name": "Dr New"}]}, format="json"
    )

    assert [s["name"] for s in response.json()["speakers"]] == ["Dr New"]


def test_patch_session_without_speakers_keeps_them(owner_api, sessions_url, event):
    session = SessionFactory(event=event)
    session.speakers.set([SpeakerFactory(event=event, name="Dr Lan")])

    response = owner_api.patch(f"{sessions_url}{session.pk}/", {"room": "B"}, format="json")

    assert [s["name"] for s in response.json()["speakers"]] == ["Dr Lan"]


def test_patch_session_end_before_start_is_rejected(owner_api, sessions_url, event):
    session = SessionFactory(event=event)
    end = (session.start - timedelta(minutes=5)).isoformat()

    response = owner_api.patch(f"{sessions_url}{session.pk}/", {"end": end}, format="json")

    assert response.status_code == 400
    assert "end" in response.json()


def test_delete_session_answers_204(owner_api, sessions_url, event):
    session = SessionFactory(event=event)

    response = owner_api.delete(f"{sessions_url}{session.pk}/")

    assert response.status_code == 204


def test_delete_session_removes_it(owner_api, sessions_url, event):
    session = SessionFactory(event=event)

    owner_api.delete(f"{sessions_url}{session.pk}/")

    assert not Session.objects.filter(pk=session.pk).exists()


def test_delete_session_keeps_its_speakers(owner_api, sessions_url, event):
    session = SessionFactory(event=event)
    speaker = SpeakerFactory(event=event)
    session.speakers.set([speaker])

    owner_api.delete(f"{sessions_url}{session.pk}/")

    assert Speaker.objects.filter(pk=speaker.pk).exists()


def test_session_of_other_event_is_not_found(owner_api, sessions_url, owner):
    other = SessionFactory(event=EventFactory(owner=owner))

    response = owner_api.patch(f"{sessions_url}{other.pk}/", {"room": "B"}, format="json")

    assert response.status_code == 404
    assert Session.objects.get(pk=other.pk).room == ""


# --- Sessions: listing and times ------------------------------------------------------------


def test_list_sessions_is_ordered_by_start(api, event, sessions_url):
    for title, hour in [("Afternoon", 5), ("Morning", 0), ("Lunch", 3)]:
        start = event.start + timedelta(hours=hour)
        SessionFactory(event=event, title_en=title, start=start, end=start + timedelta(hours=1))

    body = api.get(sessions_url).json()

    assert [s["title"] for s in body] == ["Morning", "Lunch", "Afternoon"]


def test_list_sessions_shows_only_this_events_sessions(api, event, sessions_url):
    SessionFactory(event=event, title_en="Ours")
    SessionFactory(title_en="Theirs")

    body = api.get(sessions_url).json()

    assert [s["title"] for s in body] == ["Ours"]


def test_list_sessions_is_a_plain_list(api, event, sessions_url):
    SessionFactory(event=event)

    body = api.get(sessions_url).json()

    assert isinstance(body, list)


def test_session_times_are_rendered_in_event_timezone(api, berlin):
    start = datetime(2027, 1, 15, 10, 0, tzinfo=BERLIN)
    SessionFactory(event=berlin, start=start, end=start + timedelta(minutes=45))

    body = api.get("/api/v1/events/berlin/sessions/").json()

    assert (body[0]["start"], body[0]["end"]) == (
        "2027-01-15T10:00:00+01:00",
        "2027-01-15T10:45:00+01:00",
    )


def test_session_times_in_summer_use_summer_offset(api, owner):
    start = datetime(2027, 7, 15, 9, 0, tzinfo=BERLIN)
    event = EventFactory(
        slug="summer", timezone="Europe/Berlin", start=start, end=start + timedelta(hours=8)
    )
    SessionFactory(event=event, start=start, end=start + timedelta(hours=1))

    body = api.get("/api/v1/events/summer/sessions/").json()

    assert body[0]["start"] == "2027-07-15T09:00:00+02:00"


def test_session_naive_times_are_read_in_event_timezone(owner_api, berlin):
    body = owner_api.post(
        "/api/v1/events/berlin/sessions/",
        {"title": "Talk", "start": "2027-01-15T10:00:00", "end": "2027-01-15T11:00:00"},
        format="json",
    ).json()

    session = Session.objects.get(pk=body["id"])
    assert session.start == datetime(2027, 1, 15, 9, 0, tzinfo=ZoneInfo("UTC"))
    assert body["start"] == "2027-01-15T10:00:00+01:00"


def test_session_times_with_offset_keep_their_instant(owner_api, berlin):
    body = owner_api.post(
        "/api/v1/events/berlin/sessions/",
        {"title": "Talk", "start": "2027-01-15T16:00:00+07:00", "end": "2027-01-15T17:00:00+07:00"},
        format="json",
    ).json()

    assert body["start"] == "2027-01-15T10:00:00+01:00"


def test_session_times_in_event_detail_use_event_timezone(api, berlin):
    start = datetime(2027, 1, 15, 10, 0, tzinfo=BERLIN)
    SessionFactory(event=berlin, start=start, end=start + timedelta(hours=1))

    body = api.get("/api/v1/events/berlin/").json()

    assert body["sessions"][0]["start"] == "2027-01-15T10:00:00+01:00"
