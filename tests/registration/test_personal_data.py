from datetime import timedelta

import pytest
from django.utils import timezone

from registration import personal_data
from registration.models import Registration
from tests.factories import EventFactory

from .helpers import register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_erase_personal_data_releases_seat_and_blanks_person():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    registration = register(event, 1, affiliation="VAST")
    waiting = register(event, 2)

    personal_data.erase_personal_data(registration)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert (registration.name, registration.affiliation, registration.answers) == ("", "", {})
    assert "person1" not in registration.email
    assert registration.erased_at is not None
    assert registration.country == "VN"  # kept for aggregate counts
    assert waiting.status == Status.CONFIRMED


def test_erasure_after_the_event_keeps_the_figures():
    from tests.factories import RegistrationFactory

    past = timezone.now() - timedelta(days=3)
    event = EventFactory(start=past, end=past + timedelta(hours=4))
    registration = RegistrationFactory(event=event, checked_in_at=past)

    personal_data.erase_personal_data(registration)

    registration.refresh_from_db()
    assert (registration.status, registration.name) == ("confirmed", "")
    assert registration.checked_in_at == past
