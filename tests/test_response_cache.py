"""Whole answers of anonymous public reads kept in Redis (core/response_cache.py): the same
bytes and headers as the view's, only for anonymous readers, per language and format, with the
reader's own CSRF token, fresh after every change of what they show."""

import re
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import Client, RequestFactory
from knox.models import AuthToken

from core import response_cache
from events import read_cache
from events import services as event_services
from registration import figures as registration_figures
from registration import seats as registration_seats
from tests.factories import EventFactory, SessionFactory, SpeakerFactory
from web.views import public as public_views

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')
ADDRESSES = ["/api/v1/events/", "/api/v1/events/{}/", "/en/", "/en/events/{}/"]


@pytest.fixture
def shown(owner):
    event = EventFactory(owner=owner, title_en="Quantum forum", capacity=3)
    SessionFactory(event=event, title_en="Opening talk")
    return event


def read(url: str, **headers) -> HttpResponse:
    """A new reader each time: no cookie, as a first visit."""
    return Client().get(url, headers=headers)


def without_token(body: bytes) -> bytes:
    return TOKEN.sub(b"TOKEN", body)


def views_never_run(monkeypatch) -> None:
    """A read answered from the cache reaches neither the page's rendering nor the API's."""

    def fail(*args, **kwargs):
        raise AssertionError("the view ran")

    monkeypatch.setattr(public_views, "render", fail)
    monkeypatch.setattr(read_cache, "answer", fail)


@pytest.mark.parametrize("address", ADDRESSES)
def test_stored_answer_has_the_bytes_and_headers_of_the_built_one(
    shown, address, monkeypatch, django_assert_num_queries
):
    url = address.format(shown.slug)
    read(url)  # the version is started by the view's validators
    built = read(url)
    views_never_run(monkeypatch)

    with django_assert_num_queries(1):
        stored = read(url)

    assert stored.status_code == built.status_code == 200
    assert without_token(stored.content) == without_token(built.content)
    assert dict(stored.headers) == dict(built.headers)
    assert stored.cookies.keys() == built.cookies.keys()


@pytest.mark.parametrize("address", ["/en/", "/en/events/{}/"])
def test_stored_page_carries_a_token_of_its_own_reader(shown, address):
    url = address.format(shown.slug)
    for _ in range(2):
        read(url)
    first, second = read(url), read(url)

    tokens = [TOKEN.search(page.content).group(1) for page in (first, second)]

    assert tokens[0] != tokens[1]
    assert all(page.cookies["csrftoken"].value for page in (first, second))


def test_form_of_a_stored_page_posts_with_its_token(shown):
    url = f"/en/events/{shown.slug}/"
    for _ in range(2):
        read(url)
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(url)
    token = TOKEN.search(page.content).group(1).decode()

    answer = reader.post(
        "/i18n/setlang/", {"language": "vi", "next": url, "csrfmiddlewaretoken": token}
    )

    assert answer.status_code == 302


def test_form_of_a_stored_page_without_its_token_is_refused(shown):
    url = f"/en/events/{shown.slug}/"
    for _ in range(2):
        read(url)
    reader = Client(enforce_csrf_checks=True)
    reader.get(url)

    answer = reader.post("/i18n/setlang/", {"language": "vi", "next": url})

    assert answer.status_code == 403


@pytest.mark.parametrize(
    "change",
    ["title", "dates", "session", "speaker", "cancel", "delete"],
)
@pytest.mark.parametrize("address", ADDRESSES)
def test_stored_answer_shows_a_change_at_once(shown, owner, address, change):
    url = address.format(shown.slug)
    speaker = SpeakerFactory(event=shown, name="Dr Lan Anh")
    shown.sessions.get().speakers.add(speaker)
    for _ in range(3):
        before = read(url)

    if change == "title":
        event_services.update_event(shown, user=owner, data={"title_en": "Renamed forum"})
    elif change == "dates":
        start = shown.start + timedelta(days=1, hours=1)
        data = {"start": start, "end": start + timedelta(hours=8)}
        event_services.update_event(shown, user=owner, data=data)
    elif change == "session":
        session = shown.sessions.get()
        session.title_en = "Keynote on qubits"
        session.save()
    elif change == "speaker":
        speaker.name = "Prof. Minh"
        speaker.save()
    elif change == "cancel":
        event_services.cancel_event(shown, user=owner, reason="Storm")
    else:
        shown.delete()

    assert read(url).content != before.content


@pytest.mark.parametrize("address", ["/en/", "/en/events/{}/"])
def test_stored_page_shows_seats_taken_by_a_registration(shown, address):
    url = address.format(shown.slug)
    for _ in range(3):
        assert "3 seats left" in read(url).content.decode()

    registration_seats.register(shown, {"name": "Lan", "email": "lan@example.org", "consent": True})

    assert "2 seats left" in read(url).content.decode()


@pytest.mark.parametrize("address", ["/en/", "/en/events/{}/"])
def test_stored_page_keeps_the_seats_it_showed_not_those_its_probe_read(
    shown, address, monkeypatch
):
    url = address.format(shown.slug)
    for _ in range(3):
        read(url)
    registration_seats.register(shown, {"name": "An", "email": "an@example.org", "consent": True})
    probes = {"public_list_state", "public_event_state"}
    taken = []

    def registering_after(original):
        # A registration lands between the probe and the page's own read of the seats.
        def probe_then_register(*args, **kwargs):
            state = original(*args, **kwargs)
            if not taken:
                data = {"name": "Lan", "email": "lan@example.org", "consent": True}
                taken.append(registration_seats.register(shown, data))
            return state

        return probe_then_register

    for name in probes:
        monkeypatch.setattr(
            registration_figures, name, registering_after(getattr(registration_figures, name))
        )
    assert "1 seat left" in read(url).content.decode()
    monkeypatch.undo()
    registration_seats.cancel(taken[0])

    assert "2 seats left" in read(url).content.decode()


@pytest.mark.parametrize("address", ["/en/", "/en/events/{}/"])
def test_signed_in_reader_never_gets_a_stored_page(shown, owner, client, address):
    url = address.format(shown.slug)
    for _ in range(3):
        read(url)
    client.force_login(owner)

    assert "Sign out" in client.get(url).content.decode()


@pytest.mark.parametrize("address", ["/en/", "/en/events/{}/"])
def test_signed_in_reader_never_fills_the_cache(shown, owner, client, address):
    url = address.format(shown.slug)
    read(url)
    client.force_login(owner)
    for _ in range(3):
        client.get(url)

    assert "Sign out" not in read(url).content.decode()


def test_reader_with_a_token_never_gets_a_stored_answer(shown, owner):
    url = f"/api/v1/events/{shown.slug}/"
    for _ in range(3):
        read(url)
    token = AuthToken.objects.create(user=owner, expiry=None)[1]

    answer = read(url, authorization=f"Token {token}")

    assert answer.json()["my_role"] == "owner"


def test_reader_with_a_token_never_fills_the_cache(shown, owner):
    url = f"/api/v1/events/{shown.slug}/"
    read(url)
    token = AuthToken.objects.create(user=owner, expiry=None)[1]
    for _ in range(3):
        read(url, authorization=f"Token {token}")

    assert read(url).json()["my_role"] is None


def test_language_keeps_answers_apart(shown):
    url = f"/api/v1/events/{shown.slug}/"
    for _ in range(3):
        english = read(url, accept_language="en")

    vietnamese = read(url, accept_language="vi")

    assert english.json()["title"] == "Quantum forum"
    assert vietnamese.json()["title"] == shown.title_vi


def test_format_keeps_answers_apart(shown):
    url = f"/api/v1/events/{shown.slug}/"
    for _ in range(3):
        read(url, accept="application/json")

    browsable = read(url, accept="text/html")

    assert browsable["Content-Type"].startswith("text/html")


def test_new_code_never_gets_the_answers_of_the_old(shown, monkeypatch):
    url = f"/en/events/{shown.slug}/"
    for _ in range(3):
        read(url)
    monkeypatch.setattr(response_cache, "code_digest", lambda: "a-new-release")
    views_never_run(monkeypatch)

    with pytest.raises(AssertionError, match="the view ran"):
        read(url)


def test_answer_other_than_200_is_never_stored(shown, monkeypatch):
    url = "/en/?month=someday"
    for _ in range(3):
        assert read(url).status_code == 400
    views_never_run(monkeypatch)

    with pytest.raises(AssertionError, match="the view ran"):
        read(url)


def test_reader_holding_the_etag_of_a_stored_answer_gets_304(shown):
    url = f"/api/v1/events/{shown.slug}/"
    for _ in range(3):
        stored = read(url)

    again = read(url, if_none_match=stored["ETag"])

    assert again.status_code == 304
    assert again["ETag"] == stored["ETag"]


def serve_three_times(build) -> None:
    # An address of its own: no other test's answer is stored there.
    request = RequestFactory().get(f"/en/probe-{uuid.uuid4()}/")
    request.user = AnonymousUser()
    read_cache.changed()
    for _ in range(3):
        response_cache.serve(
            request,
            build,
            probe=lambda request, kwargs, shown: ["unchanged"],
            kwargs={},
            version_key=read_cache.VERSION_KEY,
            content_types=("text/html",),
        )


def test_answer_is_built_once_while_its_state_holds():
    built = []

    def build() -> HttpResponse:
        built.append(1)
        return HttpResponse("hello", content_type="text/html")

    serve_three_times(build)

    assert len(built) == 1


def test_answer_setting_a_cookie_is_never_stored():
    built = []

    def build() -> HttpResponse:
        built.append(1)
        response = HttpResponse("hello", content_type="text/html")
        response.set_cookie("seen", "1")
        return response

    serve_three_times(build)

    assert len(built) == 3
