from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import Conflict
from registration import changes as registration_changes
from registration.models import Registration
from tests.factories import ChoiceFactory, EventFactory

from .helpers import register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_update_registration_swaps_choice_seats():
    event = EventFactory()
    morning = ChoiceFactory(question__event=event, capacity=1)
    afternoon = ChoiceFactory(question=morning.question, capacity=1)
    key = str(morning.question_id)
    registration = register(event, 1, answers={key: morning.pk})

    registration_changes.update_registration(
        registration, {"answers": {key: afternoon.pk}}, by_attendee=True
    )

    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert (morning.taken, afternoon.taken) == (0, 1)


def test_update_registration_after_close_is_refused_for_attendee():
    event = EventFactory()
    registration = register(event, 1)
    event.registration_closes = timezone.now() - timedelta(minutes=1)
    event.registration_opens = None
    event.save()

    with pytest.raises(Conflict):
        registration_changes.update_registration(
            registration, {"name": "Changed"}, by_attendee=True
        )
