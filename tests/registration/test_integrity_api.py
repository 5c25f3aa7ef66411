"""The integrity rules as the API answers them: 409 with a clear message, 400 for a capacity
below the people holding a choice."""

import pytest

from registration import figures, seats
from registration.models import Choice, Registration
from tests.factories import ChoiceFactory, EventFactory

from .helpers import register
from .test_integrity import end_event

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_manage_link_cancel_after_event_ended_is_409(api):
    event = EventFactory()
    registration = register(event, 1)
    end_event(event)

    response = api.post(f"/api/v1/registrations/{registration.manage_token}/cancel/")

    assert response.status_code == 409
    assert "This event has ended" in response.json()["detail"]
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_organiser_cancel_after_event_ended_is_409(event, owner_api):
    registration = register(event, 1)
    end_event(event)

    response = owner_api.post(
        f"/api/v1/events/{event.slug}/registrations/{registration.pk}/cancel/", {}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "event_ended"
    assert Registration.objects.get(pk=registration.pk).status == Status.CONFIRMED


def test_choice_capacity_below_its_holders_is_400(event, owner_api):
    tour = ChoiceFactory(question__event=event, capacity=None, label_en="Lab tour")
    key = str(tour.question_id)
    register(event, 1, answers={key: tour.pk})
    register(event, 2, answers={key: tour.pk})

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/questions/{tour.question_id}/",
        {"choices": [{"id": tour.pk, "label_en": "Lab tour", "capacity": 1}]},
        format="json",
    )

    assert response.status_code == 400
    assert "already has 2 people" in str(response.json())
    assert Choice.objects.get(pk=tour.pk).capacity is None


def test_choice_capacity_equal_to_its_holders_makes_it_full(event, owner_api):
    tour = ChoiceFactory(question__event=event, capacity=None, label_en="Lab tour")
    key = str(tour.question_id)
    register(event, 1, answers={key: tour.pk})

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/questions/{tour.question_id}/",
        {"choices": [{"id": tour.pk, "label_en": "Lab tour", "capacity": 1}]},
        format="json",
    )

    assert response.status_code == 200
    assert figures.choice_seats_left(event) == {tour.pk: 0}


def test_check_in_api_refuses_a_cancelled_ticket_with_409(event, owner_api):
    registration = register(event, 1)
    seats.cancel(registration)

    response = owner_api.post(
        f"/api/v1/events/{event.slug}/check-ins/",
        {"code": registration.ticket_code},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "This registration was cancelled."
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
