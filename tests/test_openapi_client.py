"""A Python client generated from /api/schema/ with openapi-python-client works as is.

The schema is read from the live test server, the client generated into a temporary directory
(no network: the generator only renders templates) and imported from there; every call below
goes through its typed modules and models to the live server on the test database.

The generator decodes JSON, text and `application/octet-stream` answers itself; for the other
binary types (PNG, PDF, XLSX) its documented `content_type_overrides` hands over the bytes.
"""

import importlib
import json
import pkgutil
import subprocess
import sys

import httpx
import pytest
from django.core.cache import cache

from registration.models import Registration
from tests.factories import UserFactory

# Committed data, which the live server's thread sees; tests/conftest.py restores the fields
# of science for the tests of this mark.
pytestmark = pytest.mark.django_db(transaction=True)

PACKAGE = "scievents_client"
PASSWORD = "correct-horse-battery"
BINARY = "application/octet-stream"
CONFIG = {
    "post_hooks": [],  # formatting the generated code is not needed to run it
    "content_type_overrides": {
        "image/png": BINARY,
        "application/pdf": BINARY,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": BINARY,
    },
}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

NEW_EVENT = {
    "title": "Hội thảo Vật liệu lượng tử",
    "slug": "quantum-materials",
    "kind": "workshop",
    "scope": "national",
    "fields": ["1.2"],
    "host": "Viện Vật lý",
    "venue": {"name": "Hội trường A", "city": "Hà Nội", "country": "vn"},
    "format": "in_person",
    "timezone": "Asia/Ho_Chi_Minh",
    "start": "2030-03-01T09:00:00",
    "end": "2030-03-01T17:00:00",
    "capacity": 50,
}


def person(n: int) -> dict:
    return {
        "name": f"Người {n}",
        "email": f"person{n}@example.org",
        "consent": True,
        "country": "VN",
        "language": "vi",
    }


@pytest.fixture(scope="module")
def openapi(django_db_setup, live_server, django_db_blocker) -> dict:
    """The schema as the server publishes it. The test database is set up before the live
    server starts, so that it is dropped only after the server has stopped using it."""
    with django_db_blocker.unblock():
        answer = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=60)
    answer.raise_for_status()
    return answer.json()


@pytest.fixture(scope="module")
def client_package(openapi, tmp_path_factory):
    """The generated package, importable, generated once for this module's tests."""
    folder = tmp_path_factory.mktemp("generated")
    (folder / "openapi.json").write_text(json.dumps(openapi))
    (folder / "config.json").write_text(json.dumps(CONFIG))
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(folder / "openapi.json"),
            "--config",
            str(folder / "config.json"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    # The generator reports every part of the schema it had to leave out as a warning.
    assert "Warning" not in generated.stdout + generated.stderr, generated.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


@pytest.fixture
def api(client_package, live_server):
    """`api.v1_events_create` and so on: the generated operation modules by name."""

    class Operations:
        def __getattr__(self, name):
            return importlib.import_module(f"{PACKAGE}.api.v1.{name}")

    return Operations()


@pytest.fixture
def models(client_package):
    return importlib.import_module(f"{PACKAGE}.models")


@pytest.fixture
def anonymous(client_package, live_server):
    # Closed after the test: a kept-alive connection keeps its server thread, and that
    # thread's database session, open.
    with client_package.Client(base_url=live_server.url, raise_on_unexpected_status=True) as c:
        yield c


@pytest.fixture
def organiser(api, models, anonymous, client_package, live_server, openapi):
    """Signed in through the API's own sign-in: `Authorization: Token <token>`."""
    UserFactory(username="organiser", password=PASSWORD)
    # The sign-in's request model, whichever name the schema gives it.
    body = openapi["paths"]["/api/v1/auth/token/"]["post"]["requestBody"]["content"]
    model = getattr(models, body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1])
    answer = api.v1_auth_token_create.sync_detailed(
        client=anonymous, body=model.from_dict({"username": "organiser", "password": PASSWORD})
    )
    assert answer.status_code == 200, answer.content
    token = answer.parsed.to_dict()["token"]
    with client_package.AuthenticatedClient(
        base_url=live_server.url, token=token, prefix="Token", raise_on_unexpected_status=True
    ) as signed_in:
        yield signed_in


@pytest.fixture
def published(api, models, organiser):
    event = api.v1_events_create.sync(
        client=organiser, body=models.EventRequest.from_dict(NEW_EVENT)
    )
    assert isinstance(event, models.Event), event
    published = api.v1_events_publish_create.sync(slug=event.slug, client=organiser)
    assert published.status == "published"
    return published


def register(api, models, anonymous, event, n: int):
    return api.v1_events_registrations_create.sync_detailed(
        event_slug=event.slug, client=anonymous, body=models.RegisterRequest.from_dict(person(n))
    )


def test_generated_client_imports_every_module(client_package):
    modules = [m.name for m in pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}.")]
    failures = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 - every failure is collected and shown
            failures[name] = repr(error)

    assert failures == {}
    operations = [name for name in modules if f"{PACKAGE}.api." in name]
    assert len(operations) >= 75  # every operation of the API, one module each


def test_generated_client_signs_in_and_creates_and_publishes_an_event(published, models):
    assert published.slug == "quantum-materials"
    assert published.title == "Hội thảo Vật liệu lượng tử"
    assert published.my_role == models.MyRoleEnum.OWNER


def test_generated_client_registers_people_and_lists_them(
    api, models, anonymous, organiser, published
):
    created = [register(api, models, anonymous, published, n) for n in (1, 2)]

    assert [answer.status_code for answer in created] == [201, 201]
    assert [answer.parsed.status for answer in created] == [models.StatusEnum.CONFIRMED] * 2
    listed = api.v1_events_registrations_list.sync(event_slug=published.slug, client=organiser)
    assert isinstance(listed, models.PaginatedOrganiserRegistrationList)
    assert listed.count == 2
    assert sorted(r.email for r in listed.results) == ["person1@example.org", "person2@example.org"]


def test_generated_client_downloads_ticket_png(api, models, anonymous, published):
    created = register(api, models, anonymous, published, 1).parsed
    token = Registration.objects.get(pk=created.id).manage_token  # as the emailed link has it

    ticket = api.registration_ticket_png.sync(token=token, client=anonymous)

    assert ticket.payload.read().startswith(PNG_MAGIC)


def test_generated_client_downloads_calendars(api, models, anonymous, published):
    created = register(api, models, anonymous, published, 1).parsed
    token = Registration.objects.get(pk=created.id).manage_token

    mine = api.registration_calendar.sync(token=token, client=anonymous)
    event = api.event_calendar.sync(slug=published.slug, client=anonymous)

    for calendar in (mine, event):
        assert isinstance(calendar, str)
        assert calendar.startswith("BEGIN:VCALENDAR")
        assert "Hội thảo Vật liệu lượng tử" in calendar


def test_generated_client_downloads_registrations_spreadsheet(
    api, models, anonymous, organiser, published
):
    register(api, models, anonymous, published, 1)

    csv = api.registrations_export_csv.sync(event_slug=published.slug, client=organiser)
    xlsx = api.registrations_export_xlsx.sync(event_slug=published.slug, client=organiser)

    assert "person1@example.org" in csv
    assert xlsx.payload.read().startswith(b"PK\x03\x04")  # a zip, as every XLSX file is


def test_generated_client_reads_conflict_as_error_with_code(api, models, anonymous, published):
    register(api, models, anonymous, published, 1)

    again = register(api, models, anonymous, published, 1)

    assert again.status_code == 409
    assert isinstance(again.parsed, models.Error)
    # A registered address is never named as such: "check your email" (its link was sent).
    assert again.parsed.code == "check_email"
    assert again.parsed.detail


def test_generated_client_reads_not_found_as_error_with_code(api, models, anonymous):
    answer = api.v1_events_retrieve.sync_detailed(slug="no-such-event", client=anonymous)

    assert answer.status_code == 404
    assert (answer.parsed.code, answer.parsed.detail) == ("not_found", "Not found.")


def test_generated_client_reads_invalid_input_by_field(api, models, organiser):
    body = models.EventRequest.from_dict({**NEW_EVENT, "capacity": -1})

    answer = api.v1_events_create.sync_detailed(client=organiser, body=body)

    assert answer.status_code == 400
    assert isinstance(answer.parsed, models.InvalidInput)
    assert list(answer.parsed.additional_properties) == ["capacity"]
    assert answer.parsed.additional_properties["capacity"][0]


def test_generated_client_reads_rate_limit_as_error_with_code(
    api, models, anonymous, published, settings
):
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    body = models.EmailRequest(email="person1@example.org")
    try:
        answers = [
            api.v1_events_registrations_resend_link_create.sync_detailed(
                event_slug=published.slug, client=anonymous, body=body
            )
            for _ in range(6)  # RATELIMIT_RESEND_EMAIL: five links an hour to one address
        ]
    finally:
        cache.clear()

    assert [a.status_code for a in answers] == [202] * 5 + [429]
    assert isinstance(answers[-1].parsed, models.Error)
    assert answers[-1].parsed.code == "rate_limited"
    assert int(answers[-1].headers["Retry-After"]) >= 1
