from datetime import timedelta

import pytest

from events import services as event_services
from notifications import outbox
from notifications.models import Delivery, Message, OptOut
from registration import personal_data as registration_personal_data
from registration import seats as registration_seats
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db
State = Delivery.State


def test_new_event_gets_day_and_two_hours_reminders():
    event = EventFactory()

    due = sorted(event.reminder_rules.values_list("due_at", flat=True))

    assert due == [event.start - timedelta(days=1), event.start - timedelta(hours=2)]


def test_cancelled_event_tells_everyone_still_registered(owner):
    event = EventFactory(owner=owner, capacity=1, waitlist_enabled=True)
    first, waiting = register(event, 1), register(event, 2)
    registration_seats.cancel(register(event, 3))

    event_services.cancel_event(event, user=owner)

    notice = Message.objects.get(event=event, kind=Message.Kind.EVENT_CANCELLED)
    assert sorted(notice.deliveries.values_list("registration", flat=True)) == sorted(
        [first.pk, waiting.pk]
    )


def test_rescheduling_a_published_event_sends_a_notice(owner):
    event = EventFactory(owner=owner)
    register(event, 1)

    event_services.update_event(event, user=owner, data={"venue_name": "Hall B"})

    assert Message.objects.filter(event=event, kind=Message.Kind.EVENT_CHANGED).count() == 1


def test_erasure_withdraws_queued_emails():
    registration = register(EventFactory(), 1)

    registration_personal_data.erase_personal_data(registration)

    states = dict(Delivery.objects.values_list("kind", "state"))
    assert states["confirmed"] == State.WITHDRAWN
    assert states["erased"] == State.QUEUED


def test_opt_out_is_recorded_once():
    registration = register(EventFactory(), 1)

    outbox.unsubscribe(registration)
    outbox.unsubscribe(registration)

    assert OptOut.objects.count() == 1
