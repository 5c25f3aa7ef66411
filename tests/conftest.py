from importlib import import_module

import pytest
from rest_framework.test import APIClient

from events.models import TeamMembership

from .factories import EventFactory, UserFactory


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def owner_api(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def event(owner):
    return EventFactory(owner=owner)


@pytest.fixture
def draft(owner):
    return EventFactory(owner=owner, status="draft")


@pytest.fixture
def team_client(event):
    """A client signed in as someone with the given role on `event` (or none: "stranger")."""

    def make(role: str | None) -> APIClient:
        if role is None:
            return APIClient()
        if role == "owner":
            user = event.team.get(role="owner").user
        else:
            user = UserFactory()
            if role != "stranger":
                TeamMembership.objects.create(event=event, user=user, role=role)
        return client_for(user)

    return make


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashers cost ~100 ms a user; tests create hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """Each test starts as a new process would: no cached events, questions or messages."""
    from notifications import rendering as notification_rendering
    from registration import eligibility
    from registration import questions as registration_questions

    eligibility._event_cache.clear()
    registration_questions._question_cache.clear()
    notification_rendering._rendered.clear()


@pytest.fixture(autouse=True)
def fields_of_science(request):
    """Transactional tests flush every table, the fields loaded by a data migration included:
    bring them back for the tests that come after."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from django.apps import apps

    from events.models import FieldOfScience

    if not FieldOfScience.objects.exists():
        migration = import_module("events.migrations.0002_oecd_fields_of_science")
        migration.load_fields(apps, None)


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    """Abuse limits are off unless a test turns them on (tests/test_ratelimit.py does):
    suites post far more than a person would, all from 127.0.0.1."""
    settings.RATELIMIT_ENABLED = False
