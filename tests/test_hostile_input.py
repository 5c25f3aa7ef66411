"""Hostile input is neutralised: header injection, oversized bodies, HTML and formulas."""

import csv
import io
import json

import pytest

from notifications import sending as notification_sending
from notifications.models import Delivery
from tests.factories import EventFactory, UserFactory
from tests.notifications.smtp import SmtpServer
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def smtp_sink(settings):
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server.sink


def test_line_breaks_in_a_title_add_no_email_header(smtp_sink):
    event = EventFactory(title_en="Forum\r\nBcc: evil@example.org\r\nX-Evil: 1")
    register(event, 1, language="en")

    notification_sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    [message] = smtp_sink.messages
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert "Forum Bcc: evil@example.org X-Evil: 1" in " ".join(message["Subject"].split())


def test_line_breaks_in_an_email_address_are_refused(client):
    EventFactory(slug="forum")
    person = {"name": "A", "email": "a@example.org\r\nBcc: evil@example.org", "consent": True}

    response = client.post(
        "/api/v1/events/forum/registrations/", person, content_type="application/json"
    )

    assert response.status_code == 400 and "email" in response.json()


def test_html_in_a_name_is_shown_as_text_on_the_manage_page(client):
    registration = register(EventFactory(), 1, name=SCRIPT, language="en")

    page = client.get(f"/r/{registration.manage_token}").content.decode()

    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_html_in_a_name_is_shown_as_text_to_organisers(client):
    owner = UserFactory()
    event = EventFactory(owner=owner)
    register(event, 1, name=SCRIPT)
    client.force_login(owner)

    page = client.get(f"/en/organiser/events/{event.slug}/registrations/").content.decode()

    assert SCRIPT not in page and "&lt;script&gt;" in page


def test_html_in_a_name_is_escaped_in_the_email(smtp_sink):
    register(EventFactory(), 1, name=SCRIPT, language="en")

    notification_sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    [message] = smtp_sink.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    body = html.get_payload(decode=True).decode()
    assert SCRIPT not in body and "&lt;script&gt;" in body


def test_formulas_in_answers_are_neutralised_in_exports(client):
    owner = UserFactory()
    event = EventFactory(owner=owner)
    register(event, 1, affiliation='=HYPERLINK("http://evil.example","click")')
    client.force_login(owner)

    response = client.get(f"/api/v1/events/{event.slug}/registrations/export.csv")

    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert row["Affiliation"].startswith("'=")


def test_oversized_json_body_is_refused_with_400(client, settings):
    EventFactory(slug="forum")
    body = json.dumps({"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})

    response = client.post(
        "/api/v1/events/forum/registrations/", body, content_type="application/json"
    )

    assert response.status_code == 400 and "too large" in response.json()["detail"]


def test_oversized_form_post_is_refused_with_400(client, settings):
    EventFactory(slug="forum")
    data = {"name": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)}

    assert client.post("/en/events/forum/register/", data).status_code == 400


def test_oversized_upload_is_refused_before_it_is_read(client, settings):
    EventFactory(slug="forum")
    upload = io.BytesIO(b"\0" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10))
    upload.name = "big.bin"

    response = client.post("/api/v1/events/forum/registrations/", {"file": upload})

    assert response.status_code == 400
