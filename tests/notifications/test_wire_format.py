"""Every kind of email, as the raw bytes a strict mail server receives over SMTP, in both
languages, with a long Vietnamese name and long titles (so that headers fold) holding the
characters HTML escapes: CRLF only, folded lines that start with whitespace, no line over 998
characters, a strict parse with no defect, the reader's language on every part, automatic-mail
and unsubscribe headers, and titles and names exactly as written, escaped once in HTML only."""

import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html import escape, unescape

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from icalendar import Calendar

from notifications import outbox, sending
from notifications.models import Delivery, Message
from tests.factories import EventFactory
from tests.registration.helpers import register
from tests.zbar import read_codes

from .smtp import SmtpServer

pytestmark = pytest.mark.django_db
Kind = Delivery.Kind

TITLES = {
    "vi": "Hội thảo quốc tế về vật liệu lượng tử R&D: 'ứng dụng' trong công nghệ bán dẫn và năng "
    "lượng tái tạo",
    "en": "International workshop on quantum materials R&D: 'applications' in semiconductors and "
    "renewable energy",
}
SUMMARIES = {"vi": "Ba ngày trao đổi về vật liệu lượng tử.", "en": "Three days on quantum matter."}
NAME = "Nguyễn Thị Phương Thảo & nhóm R&D 'Vật lý chất rắn' của Viện Hàn lâm Khoa học Việt Nam"
SENDER = "Ban tổ chức Hội thảo quốc tế về vật liệu lượng tử và ứng dụng trong công nghệ"
REASON = "Hết chỗ cho nhóm R&D 'khách mời'"
ORGANISER_SUBJECT = "{name}: tin mới về {event} & lịch R&D"
ORGANISER_BODY = "Kính gửi {name},\n\n{event} bắt đầu lúc {start}. Mang theo thẻ R&D 'đỏ' <b>."

# (delivery kind, its context) for emails about one registration; (message kind, organiser's
# subject and body or the default text) for reminders, broadcasts and notices.
REGISTRATION_KINDS = {
    Kind.CONFIRMED: {},
    Kind.WAITLISTED: {"position": 3},
    Kind.PROMOTED: {},
    Kind.PENDING: {},
    Kind.APPROVED: {},
    Kind.REJECTED: {"reason": REASON},
    Kind.CANCELLED: {"reason": REASON},
    Kind.ERASED: {"name": NAME},
    Kind.MANAGE_LINK: {},
}
MESSAGE_KINDS = {
    "reminder": (Message.Kind.REMINDER, "", ""),
    "reminder-written": (Message.Kind.REMINDER, ORGANISER_SUBJECT, ORGANISER_BODY),
    "broadcast": (Message.Kind.BROADCAST, "", ""),
    "broadcast-written": (Message.Kind.BROADCAST, ORGANISER_SUBJECT, ORGANISER_BODY),
    "event_changed": (Message.Kind.EVENT_CHANGED, "", ""),
    "event_cancelled": (Message.Kind.EVENT_CANCELLED, "", ""),
}
KINDS = [*REGISTRATION_KINDS, *MESSAGE_KINDS, "retention_warning"]
LANGUAGES = ["en", "vi"]
FIELD_NAME = re.compile(rb"^[\x21-\x39\x3b-\x7e]+:")


def event_with_long_titles():
    return EventFactory(
        title_en=TITLES["en"],
        title_vi=TITLES["vi"],
        summary_en=SUMMARIES["en"],
        summary_vi=SUMMARIES["vi"],
    )


def queue(kind: str, language: str) -> tuple[Delivery, object]:
    """One delivery of this kind to a person (or organiser) reading `language`."""
    event = event_with_long_titles()
    registration = register(event, 1, name=NAME, language=language)
    Delivery.objects.all().delete()  # the confirmation that registering queued
    if kind in REGISTRATION_KINDS:
        return outbox.queue_email(registration, kind, REGISTRATION_KINDS[kind]), registration
    if kind == "retention_warning":
        erase_on = (timezone.now() + timedelta(days=60)).isoformat()
        delivery = Delivery.objects.create(
            kind=Kind.RETENTION_WARNING,
            event=event,
            to_email="organiser@example.org",
            language=language,
            context={"erase_on": erase_on},
        )
        return delivery, registration
    message_kind, subject, body = MESSAGE_KINDS[kind]
    message = Message.objects.create(
        event=event,
        kind=message_kind,
        **{f"subject_{code}": subject for code in LANGUAGES},
        **{f"body_{code}": body for code in LANGUAGES},
    )
    outbox.send_message(message, outbox.audience(event))
    return message.deliveries.get(), registration


@pytest.fixture(scope="module")
def wire(django_db_setup, django_db_blocker) -> dict[tuple[str, str], tuple[bytes, str]]:
    """Every kind in both languages, sent once over real SMTP (in a transaction rolled back
    after): {(kind, language): (the bytes the server received, the ticket code)}."""
    captured = {}
    with (
        SmtpServer() as server,
        override_settings(**smtp_settings(server.port)),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        for kind in KINDS:
            for language in LANGUAGES:
                delivery, registration = queue(kind, language)
                sending.send_deliveries([delivery.pk])
                [raw] = server.sink.raw[len(captured) :]
                captured[kind, language] = (raw, registration.ticket_code)
        transaction.set_rollback(True)
    return captured


def smtp_settings(port: int) -> dict:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_TIMEOUT": 5,
        "DEFAULT_FROM_EMAIL": f"{SENDER} <noreply@example.org>",  # a From that folds too
    }


def header_block(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def parse_strict(raw: bytes) -> EmailMessage:
    """Parsed with the strict policy (which raises on a defect), then every part and header
    checked for the defects it only records."""
    message = BytesParser(policy=policy.strict).parsebytes(raw)
    for part in message.walk():
        assert not part.defects, part.defects
        for name, value in part.items():
            assert not value.defects, (name, value.defects)
    return message


@pytest.fixture(params=LANGUAGES)
def language(request):
    return request.param


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_has_crlf_line_ends_only(wire, kind, language):
    raw, _ticket = wire[kind, language]

    assert re.search(rb"(?<!\r)\n", raw) is None, "bare LF"
    assert re.search(rb"\r(?!\n)", raw) is None, "bare CR"
    assert raw.endswith(b"\r\n")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_folds_headers_with_leading_whitespace(wire, kind, language):
    raw, _ticket = wire[kind, language]

    lines = header_block(raw)
    assert all(line[:1] in (b" ", b"\t") or FIELD_NAME.match(line) for line in lines), lines
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i][:1] not in (b" ", b"\t"))
    subject = lines[start:end]
    assert len(subject) > 1  # a long subject is folded...
    assert all(len(line) <= 78 for line in subject)  # ...into lines of the recommended length


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_parses_strictly_without_defects(wire, kind, language):
    raw, _ticket = wire[kind, language]

    message = parse_strict(raw)

    assert message["Message-ID"] and message["Date"] and message["MIME-Version"] == "1.0"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["From"].addresses[0].display_name == SENDER


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_is_in_the_readers_language_in_every_part(wire, kind, language):
    raw, _ticket = wire[kind, language]

    message = parse_strict(raw)

    assert message["Content-Language"] == language
    parts = list(message.walk())  # the message itself, its alternatives and attachments
    assert [part["Content-Language"] for part in parts] == [language] * len(parts)
    assert f'<html lang="{language}">' in message.get_body(("html",)).get_content()


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_shows_titles_and_names_as_written(wire, kind, language):
    raw, _ticket = wire[kind, language]
    title = TITLES[language]

    message = parse_strict(raw)

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # Every mention of the title, in any letter case, is the title exactly as written.
    assert text.count(title) == unescape(text).lower().count(title.lower()) >= 1
    assert html.count(escape(title)) == unescape(html).lower().count(title.lower()) >= 1
    if kind == "erased":  # their data is gone: the notice greets nobody by name
        assert NAME not in text
        assert escape(NAME) not in html
    elif kind != "retention_warning":  # to the organisers: no attendee's name
        assert NAME in text
        assert escape(NAME) in html
    if kind not in MESSAGE_KINDS or not MESSAGE_KINDS[kind][1]:
        assert title in message["Subject"]
    else:
        assert message["Subject"] == f"{NAME}: tin mới về {title} & lịch R&D"


@pytest.mark.parametrize("kind", KINDS)
def test_email_on_the_wire_escapes_html_once_and_text_never(wire, kind, language):
    raw, _ticket = wire[kind, language]

    message = parse_strict(raw)

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert not re.search(r"&(amp|lt|gt|quot|#x27|#39);", text), text
    assert "R&amp;D" in html and "&amp;amp;" not in html and "R&D" not in html
    if MESSAGE_KINDS.get(kind, ("", "", ""))[2]:
        assert "thẻ R&D 'đỏ' <b>." in text
        assert "thẻ R&amp;D &#x27;đỏ&#x27; &lt;b&gt;." in html


@pytest.mark.parametrize("kind", MESSAGE_KINDS)
def test_email_on_the_wire_keeps_one_click_unsubscribe(wire, kind, language):
    raw, _ticket = wire[kind, language]

    message = parse_strict(raw)

    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("kind", [Kind.CONFIRMED, Kind.PROMOTED, Kind.APPROVED])
def test_ticket_email_image_is_read_by_zbar_as_the_ticket_code(wire, kind, language):
    raw, ticket = wire[kind, language]

    message = parse_strict(raw)

    [image] = [
        part for part in message.iter_attachments() if part.get_content_type() == "image/png"
    ]
    assert read_codes(image.get_content()) == [f"QR-Code:{ticket}"]


@pytest.mark.parametrize("kind", [Kind.CONFIRMED, Kind.PROMOTED, Kind.APPROVED])
def test_ticket_email_calendar_is_in_the_readers_language(wire, kind, language):
    raw, _ticket = wire[kind, language]

    message = parse_strict(raw)

    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert ics["Content-Language"] == language
    entry = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(entry["SUMMARY"]) == TITLES[language]
    assert entry["SUMMARY"].params["LANGUAGE"] == language
    assert str(entry["DESCRIPTION"]) == SUMMARIES[language]
    assert entry["DESCRIPTION"].params["LANGUAGE"] == language
