"""Abuse limits: 429 with Retry-After, one counter for the API and the pages, fail-open."""

import logging

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.test import APIClient

from core import api, ratelimit
from registration.models import Registration
from tests.factories import EventFactory, UserFactory
from tests.registration.helpers import person, register

pytestmark = pytest.mark.django_db

BOGUS_TOKEN = "x" * 43


@pytest.fixture(autouse=True)
def limits_on(settings):
    """tests/conftest.py turns the limits off for every other test; here they are on."""
    settings.RATELIMIT_ENABLED = True
    cache.clear()


@pytest.fixture
def forum():
    return EventFactory(slug="forum")


def api_from(ip: str) -> APIClient:
    return APIClient(REMOTE_ADDR=ip)


def registrations_url(event) -> str:
    return f"/api/v1/events/{event.slug}/registrations/"


def assert_limited_json(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    body = response.json()
    assert set(body) == {"detail", "code"}
    assert body["code"] == "rate_limited"
    assert "Too many attempts" in body["detail"]


def assert_limited_page(response) -> str:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    page = response.content.decode()
    assert "Too many attempts" in page
    assert 'class="site-header"' in page  # the site's own layout (base.html)
    return page


# --- Registration -----------------------------------------------------------------------------


def test_api_registration_is_limited_per_ip(settings, forum):
    settings.RATELIMIT_REGISTER = "2/m"
    api = api_from("10.0.0.1")

    first = api.post(registrations_url(forum), person(1), format="json")
    second = api.post(registrations_url(forum), person(2), format="json")
    third = api.post(registrations_url(forum), person(3), format="json")

    assert (first.status_code, second.status_code) == (201, 201)
    assert_limited_json(third)
    assert Registration.objects.count() == 2
    # Another address is not affected.
    assert api_from("10.0.0.2").post(registrations_url(forum), person(4)).status_code == 201


def test_registration_is_limited_per_email_across_addresses(settings, forum):
    settings.RATELIMIT_REGISTER_EMAIL = "2/h"
    data = person(1)

    answers = [
        api_from(f"10.0.1.{n}").post(registrations_url(forum), data, format="json")
        for n in range(1, 4)
    ]

    assert [a.status_code for a in answers[:2]] == [201, 409]  # the second: already registered
    assert_limited_json(answers[2])
    # The address is counted whatever its case.
    shouted = {**data, "email": data["email"].upper()}
    assert_limited_json(api_from("10.0.1.9").post(registrations_url(forum), shouted, format="json"))


def test_registration_email_limit_counts_quoted_and_unquoted_addresses_as_one(settings, forum):
    settings.RATELIMIT_REGISTER_EMAIL = "2/h"
    tries = ["victim@example.org", '"victim"@example.org', '"VICTIM"@Example.ORG']

    answers = [
        api_from(f"10.0.9.{n}").post(
            registrations_url(forum), person(n, email=email), format="json"
        )
        for n, email in enumerate(tries)
    ]

    assert [a.status_code for a in answers[:2]] == [201, 409]
    assert_limited_json(answers[2])


def test_attempts_at_a_cancelled_event_do_not_lock_the_address_out_of_others(settings, forum):
    settings.RATELIMIT_REGISTER_EMAIL = "2/h"
    cancelled = EventFactory(slug="gone", status="cancelled")
    data = person(1)

    for n in range(5):
        answer = api_from(f"10.0.10.{n}").post(registrations_url(cancelled), data, format="json")
        assert answer.status_code == 409  # the event's answer, never 429

    assert api_from("10.0.10.9").post(registrations_url(forum), data).status_code == 201


def test_registration_email_limit_counts_per_event(settings, forum):
    settings.RATELIMIT_REGISTER_EMAIL = "1/h"
    other = EventFactory(slug="other")
    data = person(1)

    assert api_from("10.0.11.1").post(registrations_url(forum), data).status_code == 201
    assert_limited_json(api_from("10.0.11.2").post(registrations_url(forum), data))
    assert api_from("10.0.11.3").post(registrations_url(other), data).status_code == 201


def test_invalid_input_counts_per_ip_but_not_per_email(settings, forum):
    settings.RATELIMIT_REGISTER_EMAIL = "1/h"
    api = api_from("10.0.2.1")

    invalid = api.post(registrations_url(forum), {**person(1), "name": ""}, format="json")
    valid = api.post(registrations_url(forum), person(1), format="json")

    assert (invalid.status_code, valid.status_code) == (400, 201)


def test_register_page_answers_429_with_the_form_as_typed(settings, client, forum):
    settings.RATELIMIT_REGISTER = "1/m"
    data = {"name": "Nguyễn An", "email": "an@example.org", "consent": "1", "affiliation": "VNU"}

    assert client.post("/en/events/forum/register/", data).status_code == 302
    again = {**data, "email": "binh@example.org", "name": "Trần Bình"}
    response = client.post("/en/events/forum/register/", again)

    page = assert_limited_page(response)
    assert 'value="Trần Bình"' in page and 'value="VNU"' in page
    assert Registration.objects.count() == 1


def test_page_and_api_share_one_counter(settings, client, forum):
    settings.RATELIMIT_REGISTER = "2/m"
    api = api_from("127.0.0.1")  # the test client's own address

    assert api.post(registrations_url(forum), person(1), format="json").status_code == 201
    data = {"name": "Nguyễn An", "email": "an@example.org", "consent": "1"}
    assert client.post("/en/events/forum/register/", data).status_code == 302

    assert_limited_json(api.post(registrations_url(forum), person(3), format="json"))
    assert_limited_page(client.post("/en/events/forum/register/", {**data, "email": "c@x.org"}))


# --- Resending the manage link ------------------------------------------------------------------


def test_resend_link_api_is_limited_per_ip(settings, forum):
    settings.RATELIMIT_RESEND = "2/m"
    api = api_from("10.0.3.1")
    url = f"{registrations_url(forum)}resend-link/"

    answers = [api.post(url, {"email": f"p{n}@example.org"}, format="json") for n in range(3)]

    assert [a.status_code for a in answers[:2]] == [202, 202]
    assert_limited_json(answers[2])


def test_resend_link_is_limited_per_email_across_addresses_and_channels(settings, client, forum):
    settings.RATELIMIT_RESEND_EMAIL = "2/h"
    register(forum, 1)
    url = f"{registrations_url(forum)}resend-link/"
    email = person(1)["email"]

    assert api_from("10.0.4.1").post(url, {"email": email}, format="json").status_code == 202
    assert api_from("10.0.4.2").post(url, {"email": email}, format="json").status_code == 202
    assert_limited_json(api_from("10.0.4.3").post(url, {"email": email}, format="json"))

    page = assert_limited_page(client.post("/en/events/forum/lost-link/", {"email": email}))
    assert f'value="{email}"' in page


def test_lost_link_page_is_limited_per_ip(settings, client, forum):
    settings.RATELIMIT_RESEND = "1/m"

    assert client.post("/en/events/forum/lost-link/", {"email": "a@example.org"}).status_code == 302
    assert_limited_page(client.post("/en/events/forum/lost-link/", {"email": "b@example.org"}))


# --- Check-in -----------------------------------------------------------------------------------


def test_check_in_api_and_door_page_share_a_limit(settings, client, event, team_client):
    settings.RATELIMIT_CHECKIN = "2/m"
    staff = team_client("checkin")
    url = f"/api/v1/events/{event.slug}/check-ins/"
    codes = [register(event, n).ticket_code for n in range(3)]

    assert staff.post(url, {"code": codes[0]}, format="json").status_code == 201
    assert staff.post(url, {"code": codes[1]}, format="json").status_code == 201
    assert_limited_json(staff.post(url, {"code": codes[2]}, format="json"))

    # Counted per staff account: a colleague at the next door scans on.
    other = team_client("checkin")
    assert other.post(url, {"code": codes[2]}, format="json").status_code == 201

    client.force_login(event.team.get(role="owner").user)
    door = f"/en/organiser/events/{event.slug}/check-in/"
    assert client.post(door, {"code": codes[0]}).status_code == 200
    assert client.post(door, {"code": codes[1]}).status_code == 200
    response = client.post(door, {"code": codes[2]})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Too many attempts" in response.content.decode()


# --- Guessing manage links ------------------------------------------------------------------------


def test_unknown_manage_links_are_limited_per_ip(settings, client, forum):
    settings.RATELIMIT_TOKEN = "2/m"
    api = api_from("127.0.0.1")

    assert api.get(f"/api/v1/registrations/{BOGUS_TOKEN}/").status_code == 404
    assert client.get(f"/r/{BOGUS_TOKEN}").status_code == 404

    assert_limited_json(api.get(f"/api/v1/registrations/{BOGUS_TOKEN}/"))
    assert_limited_page(client.get(f"/r/{BOGUS_TOKEN}"))
    assert client.get(f"/u/{BOGUS_TOKEN}").status_code == 429
    # Another address is not affected.
    assert api_from("10.0.5.1").get(f"/api/v1/registrations/{BOGUS_TOKEN}/").status_code == 404


def test_valid_links_are_answered_while_unknown_ones_are_refused(settings, client, forum):
    """A venue's shared Wi-Fi: someone guessing links never locks out the people with theirs."""
    from notifications.rendering import unsubscribe_url

    settings.RATELIMIT_TOKEN = "2/m"
    registration = register(forum, 1)
    token = registration.manage_token
    unsubscribe = unsubscribe_url(registration).split("/u/")[1]
    api = api_from("127.0.0.1")
    for _ in range(3):
        api.get(f"/api/v1/registrations/{BOGUS_TOKEN}/")
    assert_limited_json(api.get(f"/api/v1/registrations/{BOGUS_TOKEN}/"))

    assert api.get(f"/api/v1/registrations/{token}/").status_code == 200
    assert api.get(f"/api/v1/registrations/{token}/calendar.ics").status_code == 200
    assert client.get(f"/r/{token}").status_code == 200
    assert client.get(f"/u/{unsubscribe}").status_code == 200
    assert client.get(f"/u/{BOGUS_TOKEN}").status_code == 429


def test_email_changes_are_limited_per_registration(settings, forum):
    settings.RATELIMIT_EMAIL_CHANGE = "2/h"
    token = register(forum, 1).manage_token
    url = f"/api/v1/registrations/{token}/"

    answers = [
        api_from(f"10.0.13.{n}").patch(url, {"email": f"new{n}@example.org"}, format="json")
        for n in range(3)
    ]

    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert_limited_json(answers[2])
    # Other changes are not limited.
    assert (
        api_from("10.0.13.9").patch(url, {"affiliation": "VNU"}, format="json").status_code == 200
    )


# --- Password guessing ----------------------------------------------------------------------------


@pytest.fixture
def organiser():
    return UserFactory(username="org", is_staff=True, is_superuser=True)


GOOD = "correct-horse-battery"


def test_sign_in_is_locked_per_username_and_address(settings, client, organiser):
    settings.RATELIMIT_SIGNIN = "3/15m"

    for _ in range(3):
        response = client.post("/en/sign-in/", {"username": "org", "password": "wrong"})
        assert response.status_code == 200  # the form again, "wrong password"

    response = client.post("/en/sign-in/", {"username": "org", "password": GOOD})
    assert_limited_page(response)
    assert "_auth_user_id" not in client.session
    # The same address is refused through the other doors too.
    same = APIClient(REMOTE_ADDR="127.0.0.1")
    answer = same.post("/api/v1/auth/token/", {"username": "org", "password": GOOD}, format="json")
    assert_limited_json(answer)


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(settings, client, organiser):
    settings.RATELIMIT_SIGNIN = "3/15m"
    for _ in range(4):
        client.post("/en/sign-in/", {"username": "org", "password": "wrong"})

    other = APIClient(REMOTE_ADDR="10.0.6.1")
    answer = other.post("/api/v1/auth/token/", {"username": "org", "password": GOOD}, format="json")
    assert answer.status_code == 200 and answer.json()["token"]
    home = APIClient(REMOTE_ADDR="10.0.6.2")
    assert (
        home.post("/admin/login/?next=/admin/", {"username": "org", "password": GOOD}).status_code
        == 302
    )


def test_failures_from_many_addresses_slow_the_username_down_never_lock_it(
    settings, organiser, monkeypatch
):
    settings.RATELIMIT_SIGNIN_SLOW_AFTER = 3
    url = "/api/v1/auth/token/"
    for n in range(12):  # a botnet: one guess per address
        api_from(f"10.0.12.{n}").post(url, {"username": "org", "password": f"guess{n}"})

    owner = api_from("10.0.12.200")
    slowed = owner.post(url, {"username": "org", "password": GOOD}, format="json")
    assert_limited_json(slowed)
    assert int(slowed["Retry-After"]) <= ratelimit.SLOWDOWN_MAX

    later = ratelimit.time.time() + ratelimit.SLOWDOWN_MAX + 1
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    answer = owner.post(url, {"username": "org", "password": GOOD}, format="json")
    assert answer.status_code == 200 and answer.json()["token"]


def test_failures_count_across_admin_organiser_and_api(settings, client, organiser):
    settings.RATELIMIT_SIGNIN = "3/15m"

    client.post("/admin/login/?next=/admin/", {"username": "org", "password": "wrong"})
    api_from("127.0.0.1").post(
        "/api/v1/auth/token/", {"username": "org", "password": "wrong"}, format="json"
    )
    client.post("/en/sign-in/", {"username": "ORG", "password": "wrong"})

    assert_limited_page(client.post("/admin/login/", {"username": "org", "password": GOOD}))


def test_sign_in_is_limited_per_ip_whatever_the_username(settings, organiser):
    settings.RATELIMIT_SIGNIN_IP = "3/15m"
    api = api_from("10.0.8.1")
    url = "/api/v1/auth/token/"

    for n in range(3):
        assert api.post(url, {"username": f"u{n}", "password": "x"}).status_code == 400

    assert_limited_json(api.post(url, {"username": "org", "password": GOOD}, format="json"))
    good = api_from("10.0.8.2").post(url, {"username": "org", "password": GOOD}, format="json")
    assert good.status_code == 200 and good.json()["token"]


def test_successful_sign_ins_do_not_count(settings, client, organiser):
    settings.RATELIMIT_SIGNIN = "2/15m"

    for _ in range(4):
        response = client.post("/en/sign-in/", {"username": "org", "password": GOOD})
        assert response.status_code == 302
        client.logout()


# --- Switches, proxies, outages -----------------------------------------------------------------


def test_ratelimit_enabled_0_turns_every_limit_off(settings, client, forum):
    settings.RATELIMIT_ENABLED = False
    settings.RATELIMIT_REGISTER = "1/m"
    settings.RATELIMIT_SIGNIN = "1/15m"
    api = api_from("10.0.9.1")

    for n in range(3):
        assert api.post(registrations_url(forum), person(n), format="json").status_code == 201
    for _ in range(3):
        assert client.post("/en/sign-in/", {"username": "x", "password": "y"}).status_code == 200


def test_an_empty_rate_turns_one_limit_off(settings, forum):
    settings.RATELIMIT_REGISTER = ""
    api = api_from("10.0.9.2")

    for n in range(3):
        assert api.post(registrations_url(forum), person(n), format="json").status_code == 201


def test_unreachable_cache_fails_open(settings, client, forum, caplog):
    settings.RATELIMIT_REGISTER = "1/m"
    settings.RATELIMIT_TOKEN = "1/m"
    settings.RATELIMIT_SIGNIN = "1/15m"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    api = api_from("10.0.10.1")

    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        for n in range(3):
            response = api.post(registrations_url(forum), person(n), format="json")
            assert response.status_code == 201
        data = {"name": "Nguyễn An", "email": "an@example.org", "consent": "1"}
        assert client.post("/en/events/forum/register/", data).status_code == 302
        for _ in range(2):
            assert client.get(f"/r/{BOGUS_TOKEN}").status_code == 404
            assert (
                client.post("/en/sign-in/", {"username": "x", "password": "y"}).status_code == 200
            )

    assert "cache unavailable" in caplog.text


def test_x_forwarded_for_is_ignored_unless_trusted(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")

    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = 0
    assert ratelimit.client_ip(request) == "10.1.1.1"
    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = 1
    assert ratelimit.client_ip(request) == "5.6.7.8"  # what our proxy saw, not what was claimed
    settings.RATELIMIT_TRUST_X_FORWARDED_FOR = 2
    assert ratelimit.client_ip(request) == "1.2.3.4"


def test_ipv6_clients_count_by_their_64(settings):
    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    two = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")

    assert ratelimit.client_ip(one) == ratelimit.client_ip(two) == "2001:db8:1:2::"


def test_spoofed_forwarded_for_does_not_dodge_the_limit(settings, forum):
    settings.RATELIMIT_REGISTER = "1/m"
    url = registrations_url(forum)

    first = APIClient(REMOTE_ADDR="10.0.11.1", HTTP_X_FORWARDED_FOR="1.1.1.1")
    second = APIClient(REMOTE_ADDR="10.0.11.1", HTTP_X_FORWARDED_FOR="2.2.2.2")
    assert first.post(url, person(1), format="json").status_code == 201
    assert_limited_json(second.post(url, person(2), format="json"))


def test_wait_message_speaks_in_seconds_then_minutes():
    assert api.wait_message(1) == "Too many attempts. Please wait 1 second and try again."
    assert "45 seconds" in api.wait_message(45)
    assert "15 minutes" in api.wait_message(15 * 60)


# --- Team additions -----------------------------------------------------------------------------


def test_team_adds_and_invitations_share_a_limit_per_owner(settings, owner_api, event):
    settings.RATELIMIT_TEAM_ADD = "2/m"
    base = f"/api/v1/events/{event.slug}/team/"

    by_username = owner_api.post(base, {"user": "nobody", "role": "checkin"}, format="json")
    invited = owner_api.post(
        base + "invitations/", {"email": "a@example.org", "role": "checkin"}, format="json"
    )

    assert (by_username.status_code, invited.status_code) == (400, 202)
    assert_limited_json(owner_api.post(base, {"user": "other", "role": "checkin"}, format="json"))


# --- The door's walk-ins and certificate codes ------------------------------------------------


def test_walk_in_api_and_page_share_the_check_in_limit(settings, client, event, team_client):
    settings.RATELIMIT_CHECKIN = "2/m"
    staff = team_client("owner")
    client.force_login(event.team.get(role="owner").user)
    api_url = f"/api/v1/events/{event.slug}/walk-ins/"
    page_url = f"/en/organiser/events/{event.slug}/check-in/walk-in/"

    walk_in = {"name": "Walk-in 1", "email": "walk-in-1@example.org", "consent": True}
    assert staff.post(api_url, walk_in, format="json").status_code == 201
    walk_in = {"name": "Walk-in 2", "email": "walk-in-2@example.org", "consent": "1"}
    assert client.post(page_url, walk_in).status_code == 302

    walk_in = {"name": "Lê Văn Bình", "email": "binh@example.org", "consent": True}
    assert_limited_json(staff.post(api_url, walk_in, format="json"))
    page = assert_limited_page(client.post(page_url, {**walk_in, "consent": "1"}))
    assert "Lê Văn Bình" in page  # the form as typed
    assert Registration.objects.count() == 2


def test_wrong_certificate_codes_share_the_link_limit_on_api_and_page(settings, client, forum):
    from registration import certificates
    from tests.factories import SpeakerFactory

    settings.RATELIMIT_TOKEN = "2/m"
    certificate, _ = certificates.issue_presentation(SpeakerFactory(event=forum), actor=None)
    code = certificates.code_of(certificate)
    api = api_from("127.0.0.1")

    assert api.get("/api/v1/certificates/WRONG-CODE/").status_code == 404
    assert client.get("/verify/WRONG-CODE").status_code == 404
    assert_limited_json(api.get("/api/v1/certificates/WRONG-CODE/"))
    assert_limited_page(client.get("/verify/WRONG-CODE"))
    # Only wrong codes are refused: a real certificate is still answered.
    assert api.get(f"/api/v1/certificates/{code}/").status_code == 200
    assert client.get(f"/verify/{code}").status_code == 200
