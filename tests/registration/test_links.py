import pytest

from notifications import enqueue
from registration import links, personal_data
from registration.models import Registration
from tests.factories import EventFactory

from .helpers import person, register

pytestmark = pytest.mark.django_db
Status = Registration.Status


def test_request_manage_link_does_the_same_work_whether_or_not_registered(monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    event = EventFactory()
    register(event, 1)
    woken = []
    monkeypatch.setattr(enqueue, "wake_outbox", lambda: woken.append(1))

    def sql_of(email):
        with CaptureQueriesContext(connection) as queries:
            links.request_manage_link(event, email)
        return [q["sql"].replace(email, "?") for q in queries.captured_queries]

    registered, unknown = sql_of(person(1)["email"]), sql_of("nobody@example.org")

    assert len(registered) == len(unknown) == 1
    assert [q.split("VALUES")[0] for q in registered] == [q.split("VALUES")[0] for q in unknown]
    assert woken == []  # the request never calls the broker, for either


def test_answer_link_requests_emails_only_registered_addresses():
    from notifications.models import Delivery
    from registration.models import LinkRequest

    event = EventFactory()
    registration = register(event, 1)
    Delivery.objects.all().delete()
    links.request_manage_link(event, '"PERSON1"@example.org')
    links.request_manage_link(event, "nobody@example.org")

    assert links.answer_link_requests() == 1

    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.registration_id) == ("manage_link", registration.pk)
    assert not LinkRequest.objects.exists()  # typed addresses are not kept


def test_erase_personal_data_revokes_manage_link():
    event = EventFactory()
    registration = register(event, 1)
    token = registration.manage_token

    personal_data.erase_personal_data(registration)

    with pytest.raises(Exception) as error:
        links.find_by_token(token)
    assert error.type.__name__ == "NotFound"
