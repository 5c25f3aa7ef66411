"""The Django admin is scoped like the API: staff see and change only the rows of the events
they run; check-in volunteers see nothing there; superusers see everything."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from events.models import TeamMembership
from notifications.models import Delivery
from registration import seats as registration_seats
from registration.models import Choice
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory
from tests.registration.helpers import person

pytestmark = pytest.mark.django_db
APPS = ("events", "registration", "notifications")


def staff_client(role: str | None, event, superuser: bool = False) -> Client:
    """A staff account holding every model permission of the apps, on `event`'s team as
    `role` (or on no team)."""
    user = UserFactory(is_staff=True, is_superuser=superuser)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=APPS))
    if role:
        TeamMembership.objects.create(event=event, user=user, role=role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ours():
    event = EventFactory(title_en="Our workshop")
    registration_seats.register(event, person(1, email="ours@example.org"))
    return event


@pytest.fixture
def theirs():
    event = EventFactory(title_en="Their congress")
    registration_seats.register(event, person(2, email="theirs@example.org"))
    return event


def test_admin_registrations_list_only_the_organisers_events(ours, theirs):
    page = staff_client("organiser", ours).get("/admin/registration/registration/")

    assert page.status_code == 200
    assert b"ours@example.org" in page.content
    assert b"theirs@example.org" not in page.content


def test_admin_registration_of_another_event_cannot_be_opened(ours, theirs):
    other = theirs.registrations.get()

    page = staff_client("organiser", ours).get(
        f"/admin/registration/registration/{other.pk}/change/", follow=True
    )

    assert b"theirs@example.org" not in page.content
    assert b"doesn" in page.content  # "… with ID … doesn’t exist. Perhaps it was deleted?"


def test_admin_registration_of_another_event_cannot_be_changed(ours, theirs):
    other = theirs.registrations.get()

    staff_client("organiser", ours).post(
        f"/admin/registration/registration/{other.pk}/change/",
        {"name": "Changed", "email": "changed@example.org", "language": "en"},
    )

    other.refresh_from_db()
    assert other.name == "Người 2"


def test_admin_events_list_only_the_organisers_events(ours, theirs):
    page = staff_client("organiser", ours).get("/admin/events/event/")

    assert b"Our workshop" in page.content
    assert b"Their congress" not in page.content


def test_admin_deliveries_list_only_the_organisers_events(ours, theirs):
    assert Delivery.objects.filter(to_email="theirs@example.org").exists()

    page = staff_client("organiser", ours).get("/admin/notifications/delivery/")

    assert b"ours@example.org" in page.content
    assert b"theirs@example.org" not in page.content


def test_admin_question_form_offers_only_the_organisers_events(ours, theirs):
    client = staff_client("organiser", ours)

    form = client.get("/admin/registration/question/add/")
    posted = client.post(
        "/admin/registration/question/add/",
        {
            "event": theirs.pk,
            "kind": "short_text",
            "label_en": "Planted",
            "position": 0,
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
        },
    )

    assert f'value="{ours.pk}"'.encode() in form.content
    assert f'value="{theirs.pk}"'.encode() not in form.content
    assert posted.status_code == 200  # the form again, with the error
    assert b"Select a valid choice" in posted.content
    assert not theirs.questions.exists()


def test_admin_team_of_own_event_is_read_only_for_an_organiser(ours):
    client = staff_client("organiser", ours)
    owner = UserFactory()
    membership = TeamMembership.objects.create(event=ours, user=owner, role="owner")

    client.post(
        f"/admin/events/teammembership/{membership.pk}/change/",
        {"event": ours.pk, "user": owner.pk, "role": "checkin"},
    )

    membership.refresh_from_db()
    assert membership.role == "owner"


def test_admin_shows_check_in_staff_no_registrations(ours):
    page = staff_client("checkin", ours).get("/admin/registration/registration/")

    assert b"ours@example.org" not in page.content


def test_admin_shows_a_superuser_every_event(ours, theirs):
    page = staff_client(None, ours, superuser=True).get("/admin/registration/registration/")

    assert b"ours@example.org" in page.content
    assert b"theirs@example.org" in page.content


def test_admin_questions_of_another_event_are_not_listed(ours, theirs):
    QuestionFactory(event=ours, label_en="Our question")
    QuestionFactory(event=theirs, label_en="Their question")

    page = staff_client("organiser", ours).get("/admin/registration/question/")

    assert b"Our question" in page.content
    assert b"Their question" not in page.content


def test_admin_choice_capacity_below_its_holders_is_refused(ours):
    tour = ChoiceFactory(question__event=ours, label_en="Lab tour")
    key = str(tour.question_id)
    fresh = type(ours).objects.get(pk=ours.pk)  # the questions as they are now
    for n in (3, 4):
        registration_seats.register(fresh, person(n, answers={key: tour.pk}))

    response = staff_client("organiser", ours).post(
        f"/admin/registration/choice/{tour.pk}/change/",
        {"question": tour.question_id, "label_en": "Lab tour", "capacity": 1, "position": 0},
    )

    assert response.status_code == 200  # the form again, with the error
    assert "already has 2 people" in response.content.decode()
    assert Choice.objects.get(pk=tour.pk).capacity is None
