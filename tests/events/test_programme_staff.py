import pytest
from rest_framework.test import APIClient

from events.programme_models import ProgrammeStaff
from tests.conftest import client_for
from tests.factories import EventFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory()


@pytest.fixture
def staff(programme):
    user = UserFactory()
    ProgrammeStaff.objects.create(programme=programme, user=user)
    return client_for(user)


@pytest.fixture
def draft(programme):
    return EventFactory(programme=programme, status="draft", owner=UserFactory())


def test_programme_staff_see_drafts_of_their_programme(staff, draft):
    assert staff.get(f"/api/v1/events/{draft.slug}/").status_code == 200


def test_programme_staff_do_not_see_drafts_of_other_programmes(staff):
    other = EventFactory(programme=ProgrammeFactory(), status="draft")

    assert staff.get(f"/api/v1/events/{other.slug}/").status_code == 404


def test_others_do_not_see_the_programme_drafts(draft):
    assert client_for(UserFactory()).get(f"/api/v1/events/{draft.slug}/").status_code == 404
    assert APIClient().get(f"/api/v1/events/{draft.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "", {"title_en": "Changed"}),
        ("post", "publish/", {}),
        ("post", "cancel/", {}),
        ("delete", "", None),
        ("post", "sessions/", {"title_en": "S", "start": "2031-01-01T09:00"}),
        ("post", "questions/", {"kind": "short_text", "label_en": "Q"}),
        ("post", "reminders/", {"minutes_before_start": 60}),
    ],
)  # fmt: skip
def test_programme_staff_cannot_change_events(staff, draft, method, path, body):
    response = getattr(staff, method)(f"/api/v1/events/{draft.slug}/{path}", body, format="json")

    draft.refresh_from_db()
    assert response.status_code == 403
    assert (draft.status, draft.title_en) != ("published", "Changed")


@pytest.mark.parametrize("path", ["registrations/", "registrations/export.csv", "team/"])
def test_programme_staff_do_not_read_personal_data(staff, draft, path):
    assert staff.get(f"/api/v1/events/{draft.slug}/{path}").status_code == 403


def test_programme_staff_have_no_organiser_pages(client, programme, draft):
    user = UserFactory()
    ProgrammeStaff.objects.create(programme=programme, user=user)
    client.force_login(user)

    assert client.get(f"/en/organiser/events/{draft.slug}/registrations/").status_code == 404


EVENT = {"title_en": "Forum", "start": "2031-03-01T09:00", "end": "2031-03-01T17:00"}


def test_organiser_cannot_attach_an_event_to_a_programme(programme, owner_api, event):
    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"programme": programme.code}, format="json"
    )

    event.refresh_from_db()
    assert response.status_code == 403
    assert programme.code in response.json()["detail"]
    assert event.programme is None


def test_organiser_cannot_create_an_event_in_a_programme(programme, owner_api):
    response = owner_api.post("/api/v1/events/", {**EVENT, "programme": programme.code})

    assert response.status_code == 403
    assert not programme.events.exists()


def test_organiser_cannot_detach_an_event_from_a_programme(programme, owner_api, owner):
    event = EventFactory(programme=programme, owner=owner)

    response = owner_api.patch(f"/api/v1/events/{event.slug}/", {"programme": None}, format="json")

    event.refresh_from_db()
    assert response.status_code == 403
    assert event.programme == programme


def test_organiser_cannot_move_an_event_to_another_programme(programme, owner_api, owner):
    event = EventFactory(programme=ProgrammeFactory(), owner=owner)
    ProgrammeStaff.objects.create(programme=programme, user=owner)  # staff of the new one only

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"programme": programme.code}, format="json"
    )

    event.refresh_from_db()
    assert response.status_code == 403
    assert event.programme != programme


def test_organiser_may_resend_the_current_programme(programme, owner_api, owner):
    event = EventFactory(programme=programme, owner=owner)

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/",
        {"programme": programme.code, "summary_en": "Changed"},
        format="json",
    )

    assert response.status_code == 200


def test_programme_staff_on_the_team_attach_and_detach(programme, owner_api, owner, event):
    ProgrammeStaff.objects.create(programme=programme, user=owner)
    path = f"/api/v1/events/{event.slug}/"

    attached = owner_api.patch(path, {"programme": programme.code}, format="json")
    detached = owner_api.patch(path, {"programme": None}, format="json")

    assert (attached.status_code, attached.json()["programme"]) == (200, programme.code)
    assert (detached.status_code, detached.json()["programme"]) == (200, None)


def test_programme_staff_create_an_event_in_their_programme(programme, staff):
    response = staff.post("/api/v1/events/", {**EVENT, "programme": programme.code})

    assert response.status_code == 201
    assert programme.events.count() == 1


def test_superuser_attaches_an_event_to_any_programme(programme, event):
    admin = client_for(UserFactory(is_superuser=True, is_staff=True))

    response = admin.patch(
        f"/api/v1/events/{event.slug}/", {"programme": programme.code}, format="json"
    )

    assert response.status_code == 200
