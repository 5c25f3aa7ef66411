"""The submitter's actions count the caller as registering and manage links do, whichever
channel (API or page) they come through."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.abstracts.helpers import open_call
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

BOGUS_TOKEN = "x" * 43


@pytest.fixture(autouse=True)
def limits_on(settings):
    """tests/conftest.py turns the limits off for every other test; here they are on."""
    settings.RATELIMIT_ENABLED = True
    cache.clear()


def test_submit_api_and_page_share_the_register_counter(settings, client):
    settings.RATELIMIT_REGISTER = "2/m"
    event = EventFactory(owner=UserFactory(), slug="forum")
    open_call(event)
    api = APIClient(REMOTE_ADDR="127.0.0.1")

    assert api.post(f"/api/v1/events/{event.slug}/abstracts/", {}, format="json").status_code == 400
    assert client.post(f"/en/events/{event.slug}/abstracts/submit/", {}).status_code == 400

    limited = api.post(f"/api/v1/events/{event.slug}/abstracts/", {}, format="json")
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"


def test_unknown_private_links_are_limited_per_ip_across_api_and_page(settings, client):
    settings.RATELIMIT_TOKEN = "2/m"
    api = APIClient(REMOTE_ADDR="127.0.0.1")

    assert api.get(f"/api/v1/abstracts/{BOGUS_TOKEN}/").status_code == 404
    assert client.get(f"/a/{BOGUS_TOKEN}").status_code == 404

    assert api.get(f"/api/v1/abstracts/{BOGUS_TOKEN}/").status_code == 429
    assert client.get(f"/a/{BOGUS_TOKEN}").status_code == 429
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="10.0.5.1")
    assert other.get(f"/api/v1/abstracts/{BOGUS_TOKEN}/").status_code == 404
