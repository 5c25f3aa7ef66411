"""The same moment reads the same way on the page, in the email and on the PDF ticket."""

import shutil
import subprocess
import zoneinfo
from datetime import datetime

import pytest
from django.core import mail
from django.utils import translation

from notifications import sending as notification_sending
from notifications.models import Delivery
from registration import tickets
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
STYLES = {
    "en": ("8 Feb 2037, 08:30", "Berlin time (UTC+1)"),
    "vi": ("08:30, 8/2/2037", "giờ Berlin (UTC+1)"),
}


@pytest.fixture
def berlin_event():
    start = datetime(2037, 2, 8, 8, 30, tzinfo=BERLIN)
    return EventFactory(timezone="Europe/Berlin", start=start, end=start.replace(hour=17))


@pytest.mark.parametrize("language", ["en", "vi"])
def test_event_page_shows_the_languages_style_and_the_zone_in_words(client, berlin_event, language):
    html = client.get(f"/{language}/events/{berlin_event.slug}/").content.decode()

    moment, zone = STYLES[language]
    assert moment in html
    assert zone in html


@pytest.mark.parametrize("language", ["en", "vi"])
def test_home_page_says_the_events_own_time(client, berlin_event, language):
    html = client.get(f"/{language}/").content.decode()

    moment, zone = STYLES[language]
    assert f"{moment}, {zone}" in html


@pytest.mark.parametrize("language", ["en", "vi"])
def test_confirmation_email_text_shows_the_languages_style(berlin_event, language):
    mail.outbox = []
    register(berlin_event, 1, language=language)
    notification_sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    moment, zone = STYLES[language]
    [email] = mail.outbox
    assert f"{moment} – " in email.body
    assert zone in email.body


@pytest.mark.parametrize("language", ["en", "vi"])
def test_ticket_pdf_shows_the_languages_style(berlin_event, language):
    registration = register(berlin_event, 1, language=language)
    with translation.override(language):
        pdf = tickets.ticket_pdf(registration)

    text = subprocess.run(
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    moment, zone = STYLES[language]
    assert f"{moment}, {zone}" in " ".join(text.split())
