"""HTTP as a mature site speaks it: compression, hashed static files cached for a year,
conditional GET (ETag, Last-Modified, 304), CORS on public files only, no caching of pages
behind a secret token."""

import gzip
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.http import http_date

from events import services as event_services
from events.models import Event
from notifications.rendering import unsubscribe_url
from reports.services import figures_changed
from tests.conftest import client_for
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def forum(owner):
    return EventFactory(slug="forum", owner=owner)


@pytest.fixture
def attendee(forum):
    return RegistrationFactory(event=forum)


# --- Compression ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/en/", "/api/v1/events/", "/api/schema/"])
def test_answers_are_gzipped_when_the_client_accepts_gzip(client, forum, url):
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert packed.status_code == 200
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content)
    if url != "/en/":  # a page holds a CSRF token masked anew in every answer
        assert gzip.decompress(packed.content) == plain.content


def test_answers_are_not_compressed_for_a_client_that_does_not_ask(client, forum):
    response = client.get("/api/schema/")

    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"openapi:")


# --- Static files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """collectstatic into a folder of its own, as the image build does."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected(static_root):
    """The site serving the collected files (each new Client reads them)."""
    with override_settings(STATIC_ROOT=static_root, WHITENOISE_USE_FINDERS=False):
        yield static_root


def test_pages_link_static_files_by_hashed_names_after_collectstatic(collected, client, forum):
    page = Client().get("/en/").content.decode()

    assert re.search(r'href="/static/web/site\.[0-9a-f]{12}\.css"', page)
    assert re.search(r'src="/static/web/site\.[0-9a-f]{12}\.js"', page)


def test_hashed_static_files_are_cached_for_a_year(collected, forum):
    browser = Client()
    page = browser.get("/en/").content.decode()
    stylesheet = re.search(r'href="(/static/web/site\.[0-9a-f]{12}\.css)"', page)[1]

    response = browser.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=31536000, public, immutable"
    assert response["Content-Encoding"] == "gzip"  # the .gz written by collectstatic


def test_unhashed_static_names_keep_a_short_cache(collected):
    response = Client().get("/static/web/site.css")

    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


def test_api_docs_assets_resolve_under_hashed_names(collected):
    browser = Client()
    page = browser.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)

    assert len(assets) == 5
    assert all(re.search(r"\.[0-9a-f]{12}\.", asset) for asset in assets)
    assert [browser.get(asset).status_code for asset in assets] == [200] * 5


def test_templates_and_scripts_link_static_files_only_through_the_static_tag():
    """A hard-coded /static/ address would miss the hashed name and its year of cache."""
    folders = ("templates", "web", "events", "registration", "notifications", "reports")
    files = [
        path
        for folder in folders
        for pattern in ("*.html", "*.txt", "*.js", "*.css")
        for path in (ROOT / folder).rglob(pattern)
    ]

    assert len(files) > 20
    assert [str(path) for path in files if "/static/" in path.read_text()] == []


def test_pages_render_with_plain_static_names_before_collectstatic(client, forum):
    response = client.get("/en/")

    assert response.status_code == 200
    assert 'href="/static/web/site.css"' in response.content.decode()


# --- Conditional GET ------------------------------------------------------------------------

FRESHNESS_URLS = [
    "/api/v1/open-data/events.json",
    "/api/v1/open-data/events.csv",
    "/api/v1/open-data/statistics.json",
    "/api/v1/open-data/statistics.csv",
    "/api/v1/events/calendar.ics",
    "/api/v1/events/forum/calendar.ics",
    "/api/v1/events/",
    "/api/v1/events/forum/",
]


@pytest.mark.parametrize("url", FRESHNESS_URLS)
def test_reads_carry_etag_and_last_modified(client, forum, url):
    response = client.get(url)

    assert response.status_code == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert response["Last-Modified"].endswith(" GMT")


@pytest.mark.parametrize("url", FRESHNESS_URLS)
def test_reads_answer_304_to_a_matching_if_none_match(client, forum, url):
    etag = client.get(url)["ETag"]

    response = client.get(url, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("url", FRESHNESS_URLS)
def test_reads_answer_304_to_if_modified_since_their_last_modified(client, forum, url):
    last_modified = client.get(url)["Last-Modified"]

    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304


def test_gzipped_reads_still_answer_304(client, forum):
    etag = client.get("/api/v1/events/", HTTP_ACCEPT_ENCODING="gzip")["ETag"]

    assert etag.startswith('W/"')  # a compressed body has a weak tag
    response = client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=etag, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 304


def test_not_modified_event_list_is_decided_without_building_it(
    client, forum, django_assert_max_num_queries
):
    EventFactory.create_batch(5)
    etag = client.get("/api/v1/events/")["ETag"]

    with django_assert_max_num_queries(1):  # the dates of the events and the count shown
        assert client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_event_etag_changes_when_the_event_is_edited(client, forum, owner):
    etag = client.get("/api/v1/events/forum/")["ETag"]

    event_services.update_event(forum, user=owner, data={"title_en": "Forum 2"})

    response = client.get("/api/v1/events/forum/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["title"] == "Forum 2"


def test_event_etag_changes_when_its_agenda_changes(client, forum, owner):
    url = "/api/v1/events/forum/"
    etag = client.get(url)["ETag"]

    event_services.save_session(
        forum,
        user=owner,
        data={"title_en": "Opening", "start": forum.start, "end": forum.start + timedelta(hours=1)},
    )

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_event_list_etag_changes_when_an_event_is_cancelled(client, forum, owner):
    # Last-Modified counts whole seconds: the list was last changed yesterday.
    Event.objects.update(updated_at=timezone.now() - timedelta(days=1))
    first = client.get("/api/v1/events/")
    etag, last_modified = first["ETag"], first["Last-Modified"]

    event_services.cancel_event(forum, user=owner)

    assert client.get("/api/v1/events/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/api/v1/events/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_last_modified_counts_a_start_that_has_passed(client):
    """An event's phase turns to "ongoing" at its start, with no save: that is a change."""
    now = timezone.now()
    event = EventFactory(start=now - timedelta(minutes=5), end=now + timedelta(hours=2))
    Event.objects.filter(pk=event.pk).update(updated_at=now - timedelta(days=2))

    response = client.get(f"/api/v1/events/{event.slug}/")

    assert response["Last-Modified"] == http_date((now - timedelta(minutes=5)).timestamp())


def test_signed_in_event_read_gets_an_etag_from_its_body(forum, owner):
    api = client_for(owner)
    first = api.get("/api/v1/events/forum/")

    assert first.json()["my_role"] == "owner" and first["ETag"]
    assert api.get("/api/v1/events/forum/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert first["ETag"] != Client().get("/api/v1/events/forum/")["ETag"]


def test_open_data_etag_changes_when_the_figures_change(client, forum):
    etag = client.get("/api/v1/open-data/events.json")["ETag"]

    EventFactory(slug="second")
    figures_changed()

    response = client.get("/api/v1/open-data/events.json", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response.json()["count"] == 2


def test_open_data_keeps_its_etag_when_rebuilt_with_the_same_figures(client, forum):
    etag = client.get("/api/v1/open-data/events.json")["ETag"]

    figures_changed()  # rendered again, with a new generated_at

    assert client.get("/api/v1/open-data/events.json", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_not_modified_open_data_keeps_its_cache_control(client, forum):
    etag = client.get("/api/v1/open-data/statistics.csv")["ETag"]

    response = client.get("/api/v1/open-data/statistics.csv", HTTP_IF_NONE_MATCH=etag)

    assert response["Cache-Control"] == "public, max-age=60"


def test_an_unknown_event_calendar_is_still_404(client):
    assert client.get("/api/v1/events/nowhere/calendar.ics").status_code == 404
    assert client.get("/api/v1/events/nowhere/").status_code == 404


# --- CORS -----------------------------------------------------------------------------------

PUBLIC_FILES = FRESHNESS_URLS[:6]


@pytest.mark.parametrize("url", PUBLIC_FILES)
def test_public_files_may_be_read_by_any_site(client, forum, url):
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")

    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    assert not response.has_header("Access-Control-Allow-Credentials")


def test_public_file_preflight_is_answered(client):
    response = client.options(
        "/api/v1/open-data/events.json",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]


def test_an_unknown_event_calendar_answers_404_with_cors(client):
    response = client.get("/api/v1/events/nowhere/calendar.ics")

    assert response.status_code == 404 and response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/events/",
        "/api/v1/events/forum/",
        "/api/v1/events/forum/sessions/",
        "/api/v1/fields/",
        "/api/schema/",
        "/en/",
        "/en/events/forum/",
    ],
)
def test_the_rest_of_the_site_is_same_origin_only(client, forum, url):
    response = client.get(url, HTTP_ORIGIN="https://elsewhere.example")

    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")


def test_manage_api_is_same_origin_only(client, attendee):
    response = client.get(
        f"/api/v1/registrations/{attendee.manage_token}/", HTTP_ORIGIN="https://elsewhere.example"
    )

    assert response.status_code == 200
    assert not response.has_header("Access-Control-Allow-Origin")


# --- No caching behind a secret token -------------------------------------------------------

TOKEN_URLS = [
    "/r/{token}",
    "/api/v1/registrations/{token}/",
    "/api/v1/registrations/{token}/ticket.png",
    "/api/v1/registrations/{token}/ticket.pdf",
    "/api/v1/registrations/{token}/calendar.ics",
    "/api/v1/registrations/{token}/data/",
]


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_token_pages_and_files_are_never_stored(client, attendee, url):
    response = client.get(url.format(token=attendee.manage_token))

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_token_error_answers_are_never_stored(client, url):
    response = client.get(url.format(token="x" * 32))

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_unsubscribe_page_is_never_stored(client, attendee):
    path = urlsplit(unsubscribe_url(attendee)).path

    response = client.get(path)
    unknown = client.get("/u/not-a-signed-token")

    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert unknown["Cache-Control"] == "private, no-store"


def test_manage_page_redirect_after_an_action_is_never_stored(client, attendee):
    response = client.post(f"/r/{attendee.manage_token}", {"action": "unsubscribe"})

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_public_pages_stay_cacheable(client, forum):
    assert "no-store" not in client.get("/en/events/forum/").get("Cache-Control", "")
