"""The door's manifest, service worker and sign-out, as the browser fetches them."""

import json

import pytest
from django.test import Client

from events.models import TeamMembership
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer():
    event = EventFactory(slug="forum", title_en="Hanoi Science Forum")
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role="checkin")
    client = Client()
    client.force_login(user)
    return client


DOOR = "/en/organiser/events/forum/check-in/"


def test_manifest_installs_the_events_door_and_nothing_else(volunteer):
    response = volunteer.get(DOOR + "manifest.webmanifest")

    body = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert body["start_url"] == body["scope"] == DOOR
    assert body["name"] == "Check-in: Hanoi Science Forum"
    assert body["display"] == "standalone"
    assert [icon["sizes"] for icon in body["icons"]] == ["192x192", "512x512"]


def test_service_worker_keeps_the_door_and_its_scripts(volunteer):
    response = volunteer.get(DOOR + "sw.js")

    script = response.content.decode()
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert f'const DOOR = "{DOOR}";' in script
    assert "jsQR" in script
    assert "/api/" not in script  # API answers are never kept by the worker


def test_sign_out_tells_the_browser_to_clear_the_site_data(volunteer):
    response = volunteer.post("/en/sign-out/")

    assert response["Clear-Site-Data"] == '"cache", "storage"'
