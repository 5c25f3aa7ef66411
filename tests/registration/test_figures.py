import pytest

from registration import checkin
from registration import figures as registration_figures
from registration.models import Registration
from tests.factories import EventFactory, UserFactory

from .helpers import register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_counts_report_every_status():
    event = EventFactory(capacity=2, waitlist_enabled=True)
    first = register(event, 1)
    register(event, 2)
    register(event, 3)
    checkin.check_in(event, first.ticket_code, actor=UserFactory())

    figures = registration_figures.counts(event)

    assert figures["confirmed"] == 2
    assert figures["waitlisted"] == 1
    assert figures["checked_in"] == 1
    assert figures["seats_left"] == 0
