"""The schema as generated clients read it (core/schema.py) and the error bodies it promises
(core/api.py): JSON requests, real file types, `detail` and `code` in every error."""

import keyword
import re

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registration.models import Certificate, Registration
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOADS = {
    ("/api/v1/events/{slug}/calendar.ics", "text/calendar"),
    ("/api/v1/events/calendar.ics", "text/calendar"),
    ("/api/v1/registrations/{token}/calendar.ics", "text/calendar"),
    ("/api/v1/registrations/{token}/ticket.png", "image/png"),
    ("/api/v1/registrations/{token}/ticket.pdf", "application/pdf"),
    ("/api/v1/events/{event_slug}/registrations/export.csv", "text/csv"),
    ("/api/v1/events/{event_slug}/registrations/export.xlsx", XLSX),
    ("/api/v1/open-data/events.csv", "text/csv"),
    ("/api/v1/open-data/statistics.csv", "text/csv"),
    ("/api/v1/events/{event_slug}/badges.pdf", "application/pdf"),
    ("/api/v1/registrations/{token}/certificate.pdf", "application/pdf"),
    ("/api/v1/events/{event_slug}/certificates/{id}/certificate.pdf", "application/pdf"),
    ("/api/v1/events/{event_slug}/book-of-abstracts.pdf", "application/pdf"),
    ("/api/v1/events/{event_slug}/accepted-abstracts.csv", "text/csv"),
    ("/api/v1/open-data/attendance.csv", "text/csv"),
}


@pytest.fixture
def schema(api) -> dict:
    return api.get("/api/schema/?format=json").json()


def operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def test_schema_documents_json_as_the_only_request_type(schema):
    types = {
        name: set(operation["requestBody"]["content"])
        for name, operation in operations(schema)
        if "requestBody" in operation
    }

    assert len(types) > 25
    assert {name: kinds for name, kinds in types.items() if kinds != {"application/json"}} == {}


def test_schema_operation_ids_are_unique_python_identifiers(schema):
    ids = [operation["operationId"] for _, operation in operations(schema)]

    assert len(ids) == len(set(ids))
    assert [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i) or keyword.iskeyword(i)] == []


def test_schema_documents_every_download_under_its_own_type(schema):
    documented = {
        (path, media_type)
        for path, methods in schema["paths"].items()
        for media_type in methods.get("get", {})
        .get("responses", {})
        .get("200", {})
        .get("content", {})
        if media_type != "application/json"
    }

    assert documented == DOWNLOADS


@pytest.mark.parametrize("path, media_type", sorted(DOWNLOADS))
def test_schema_documents_download_as_text_or_binary(schema, path, media_type):
    body = schema["paths"][path]["get"]["responses"]["200"]["content"][media_type]["schema"]

    expected = (
        {"type": "string"}
        if media_type.startswith("text/")
        else {
            "type": "string",
            "format": "binary",
        }
    )
    assert body == expected


def test_schema_error_component_has_detail_and_code(schema):
    error = schema["components"]["schemas"]["Error"]

    assert set(error["properties"]) == set(error["required"]) == {"detail", "code"}


def test_schema_every_error_answer_is_a_json_error_body(schema):
    wrong = {}
    for name, operation in operations(schema):
        for status, answer in operation["responses"].items():
            if not status.startswith("4"):
                continue
            expected = "InvalidInput" if status == "400" else "Error"
            content = answer.get("content", {})
            ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
            if set(content) != {"application/json"} or not ref.endswith(f"/{expected}"):
                wrong[f"{name} {status}"] = content
    assert wrong == {}


def test_schema_documents_conflict_and_rate_limit_of_registering(schema):
    answers = schema["paths"]["/api/v1/events/{event_slug}/registrations/"]["post"]["responses"]

    for status in ("409", "429"):
        assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


# --- Files are served as documented ------------------------------------------------------------


@pytest.fixture
def files(owner, event):
    """Each download's address, and the client allowed to fetch it."""
    confirmed = register(event, 1)
    owner_api = APIClient()
    owner_api.force_authenticate(owner)
    token = confirmed.manage_token
    certificate = Certificate.objects.create(
        event=event, kind="attendance", registration=confirmed, issued_at=timezone.now()
    )
    return {
        "/api/v1/events/{slug}/calendar.ics": (f"/api/v1/events/{event.slug}/calendar.ics", None),
        "/api/v1/events/calendar.ics": ("/api/v1/events/calendar.ics", None),
        "/api/v1/registrations/{token}/calendar.ics": (
            f"/api/v1/registrations/{token}/calendar.ics",
            None,
        ),
        "/api/v1/registrations/{token}/ticket.png": (
            f"/api/v1/registrations/{token}/ticket.png",
            None,
        ),
        "/api/v1/registrations/{token}/ticket.pdf": (
            f"/api/v1/registrations/{token}/ticket.pdf",
            None,
        ),
        "/api/v1/events/{event_slug}/registrations/export.csv": (
            f"/api/v1/events/{event.slug}/registrations/export.csv",
            owner_api,
        ),
        "/api/v1/events/{event_slug}/registrations/export.xlsx": (
            f"/api/v1/events/{event.slug}/registrations/export.xlsx",
            owner_api,
        ),
        "/api/v1/open-data/events.csv": ("/api/v1/open-data/events.csv", None),
        "/api/v1/open-data/statistics.csv": ("/api/v1/open-data/statistics.csv", None),
        "/api/v1/events/{event_slug}/badges.pdf": (
            f"/api/v1/events/{event.slug}/badges.pdf",
            owner_api,
        ),
        "/api/v1/registrations/{token}/certificate.pdf": (
            f"/api/v1/registrations/{token}/certificate.pdf",
            None,
        ),
        "/api/v1/events/{event_slug}/certificates/{id}/certificate.pdf": (
            f"/api/v1/events/{event.slug}/certificates/{certificate.pk}/certificate.pdf",
            owner_api,
        ),
        "/api/v1/events/{event_slug}/book-of-abstracts.pdf": (
            f"/api/v1/events/{event.slug}/book-of-abstracts.pdf",
            None,
        ),
        "/api/v1/events/{event_slug}/accepted-abstracts.csv": (
            f"/api/v1/events/{event.slug}/accepted-abstracts.csv",
            None,
        ),
        "/api/v1/open-data/attendance.csv": ("/api/v1/open-data/attendance.csv", None),
    }


@pytest.mark.parametrize("path, media_type", sorted(DOWNLOADS))
def test_download_asked_for_by_its_type_is_served_as_that_type(files, path, media_type):
    url, client = files[path]

    response = (client or APIClient()).get(url, HTTP_ACCEPT=media_type)

    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == media_type


def test_download_error_is_json_even_when_the_file_type_was_asked_for(api, event):
    waiting = register(event, 1)
    Registration.objects.filter(pk=waiting.pk).update(status=Registration.Status.PENDING)

    response = api.get(
        f"/api/v1/registrations/{waiting.manage_token}/ticket.png", HTTP_ACCEPT="image/png"
    )

    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "no_ticket"


# --- Every error body has `detail` and `code` ----------------------------------------------------


def test_error_not_signed_in_has_code(api):
    response = api.post("/api/v1/events/", {}, format="json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_error_not_allowed_has_code(team_client, event):
    response = team_client("stranger").post(f"/api/v1/events/{event.slug}/publish/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_error_unreadable_json_has_code(owner_api):
    response = owner_api.post("/api/v1/events/", b"{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_error_unsupported_media_type_has_code(owner_api):
    response = owner_api.post("/api/v1/events/", b"<event/>", content_type="application/xml")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_error_wrong_method_has_code(api):
    response = api.put("/api/v1/open-data/events.csv")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_error_body_too_large_has_code(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    event = EventFactory()

    response = api.post(
        f"/api/v1/events/{event.slug}/registrations/", {"name": "x" * 200}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["code"] == "too_large"


def test_error_invalid_field_names_the_field_without_code(owner_api):
    response = owner_api.post("/api/v1/events/", {"capacity": -1}, format="json")

    assert response.status_code == 400
    assert "capacity" in response.json()
    assert "code" not in response.json()


def test_form_bodies_are_still_read_though_not_documented(api, event):
    response = api.post(
        f"/api/v1/events/{event.slug}/registrations/",
        {"name": "Người 1", "email": "form@example.org", "consent": "true"},
    )

    assert response.status_code == 201, response.json()
