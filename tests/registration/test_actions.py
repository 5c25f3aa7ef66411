"""The actions both channels call: one validation, one set of limits."""

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import ValidationError

from registration import actions
from registration.models import LinkRequest
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_resend_link_refuses_an_address_the_serializer_refuses():
    event = EventFactory()
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.7")

    with pytest.raises(ValidationError):
        actions.resend_link(request, event, {"email": "someone@nowhere"})

    assert not LinkRequest.objects.exists()


def test_lost_link_page_refuses_an_address_the_api_refuses(client, api):
    EventFactory(slug="forum")

    page = client.post("/en/events/forum/lost-link/", {"email": "someone@nowhere"})
    api_answer = api.post(
        "/api/v1/events/forum/registrations/resend-link/",
        {"email": "someone@nowhere"},
        format="json",
    )

    assert (page.status_code, api_answer.status_code) == (400, 400)
    assert not LinkRequest.objects.exists()
