"""After an event has ended, the attendee's page and the organisers' pages cancel nobody,
and say why."""

import pytest

from registration.models import Registration
from tests.factories import EventFactory
from tests.registration.helpers import register
from tests.registration.test_integrity import end_event

pytestmark = pytest.mark.django_db
ENDED = "This event has ended: its registrations can no longer be cancelled or rejected."
ENDED_VI = "Sự kiện này đã kết thúc: không thể hủy hoặc từ chối các đăng ký của sự kiện nữa."


def test_manage_page_of_an_ended_event_offers_no_cancel(client):
    event = EventFactory()
    registration = register(event, 1)
    end_event(event)

    page = client.get(f"/r/{registration.manage_token}").content.decode()

    assert 'value="cancel"' not in page


def test_manage_page_cancel_after_event_ended_is_refused_with_reason(client):
    event = EventFactory()
    registration = register(event, 1)
    end_event(event)

    response = client.post(f"/r/{registration.manage_token}", {"action": "cancel"})

    assert response.status_code == 400
    assert ENDED_VI in response.content.decode()  # the attendee registered in Vietnamese
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_desk_cancel_after_event_ended_is_refused_with_reason(client, owner, event):
    registration = register(event, 1)
    end_event(event)
    client.force_login(owner)

    response = client.post(
        f"/en/organiser/events/{event.slug}/registrations/",
        {"action": "cancel", "id": registration.pk},
    )

    assert response.status_code == 400
    assert ENDED in response.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_desk_bulk_cancel_after_event_ended_is_refused_with_reason(client, owner, event):
    first, second = register(event, 1), register(event, 2)
    end_event(event)
    client.force_login(owner)

    response = client.post(
        f"/en/organiser/events/{event.slug}/registrations/",
        {"bulk_action": "cancel", "ids": [first.pk, second.pk]},
    )

    assert response.status_code == 400
    assert ENDED in response.content.decode()
    assert set(Registration.objects.values_list("status", flat=True)) == {"confirmed"}


def test_desk_registrations_of_an_ended_event_offer_no_cancel_or_reject(client, owner, event):
    register(event, 1)
    end_event(event)
    client.force_login(owner)

    page = client.get(f"/en/organiser/events/{event.slug}/registrations/").content.decode()

    assert 'value="cancel"' not in page
    assert 'value="reject"' not in page


def test_desk_registrations_of_an_upcoming_event_offer_cancel(client, owner, event):
    register(event, 1)
    client.force_login(owner)

    page = client.get(f"/en/organiser/events/{event.slug}/registrations/").content.decode()

    assert 'value="cancel"' in page
