"""API tokens (core/tokens.py): hashed at rest, expiring, revocable by their owner."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def user():
    return UserFactory(username="org")


def sign_in() -> dict:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "org", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return response.json()


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def can_create_event(client: APIClient) -> int:
    EventFactory(slug="probe")  # any signed-in user may create; anonymous may not
    return client.post("/api/v1/events/", {}, format="json").status_code


def test_sign_in_answers_token_and_expiry(settings, user):
    settings.API_TOKEN_TTL_HOURS = 48

    answer = sign_in()

    assert set(answer) == {"token", "expiry"}
    expiry = AuthToken.objects.get(user=user).expiry
    assert timedelta(hours=47) < expiry - timezone.now() <= timedelta(hours=48)
    assert can_create_event(with_token(answer["token"])) == 400  # let in, body refused


def test_token_is_stored_only_as_a_digest(user):
    token = sign_in()["token"]

    stored = AuthToken.objects.get(user=user)
    assert token not in (stored.digest, stored.token_key)
    assert len(stored.token_key) < len(token)


def test_expired_token_is_refused(user):
    token = sign_in()["token"]
    AuthToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    assert can_create_event(with_token(token)) == 401


def test_revoked_token_stops_working_and_others_do_not(user):
    first, second = sign_in()["token"], sign_in()["token"]

    assert with_token(first).post("/api/v1/auth/token/revoke/").status_code == 204

    assert can_create_event(with_token(first)) == 401
    assert with_token(second).post("/api/v1/auth/token/revoke/").status_code == 204


def test_revoke_all_ends_every_token_of_the_user(user):
    first, second = sign_in()["token"], sign_in()["token"]
    other = UserFactory(username="someone-else")
    AuthToken.objects.create(user=other, expiry=None)

    assert with_token(first).post("/api/v1/auth/token/revoke-all/").status_code == 204

    assert with_token(second).post("/api/v1/auth/token/revoke/").status_code == 401
    assert AuthToken.objects.filter(user=other).count() == 1


def test_revoke_without_a_token_is_a_clear_400(user):
    client = APIClient()
    client.force_login(user)

    response = client.post("/api/v1/auth/token/revoke/")

    assert response.status_code == 400
    assert "Authorization: Token" in response.json()["detail"]
