"""The bulk sender's SMTP connection: the same commands and bytes as smtplib's, less work."""

import smtplib

import pytest

from notifications import bulk

from .smtp import SmtpServer

BODY = b"From: a@example.org\r\nSubject: Hi\r\n\r\nbase64+lines/only==\r\n"
CASES = {
    "bare addresses": ("noreply@example.org", ["p1@example.org"], BODY),
    "display names": ("Ban tổ chức <noreply@example.org>", ["Thảo <t@example.org>"], BODY),
    "a line starting with a dot": ("noreply@example.org", ["p@example.org"], BODY + b".x\r\n"),
    "a dot first": ("noreply@example.org", ["p@example.org"], b".x\r\n" + BODY),
    "no line end at the end": ("noreply@example.org", ["p@example.org"], BODY.rstrip()),
    "several recipients": ("noreply@example.org", ["a@example.org", "b@example.org"], BODY),
}


def wire(connection_class: type, port: int, sender: str, recipients, data: bytes) -> list:
    """What a connection of this class writes for one email, after its greeting."""

    class Recording(connection_class):
        written: list = []

        def send(self, s):
            self.written.append(s)
            super().send(s)

    with Recording("127.0.0.1", port) as connection:
        connection.ehlo()
        connection.written = []
        connection.sendmail(sender, recipients, data)  # with SIZE=, as the server offers it
        return connection.written


@pytest.mark.parametrize("case", CASES)
def test_lean_connection_writes_what_smtplib_writes(case):
    sender, recipients, data = CASES[case]
    with SmtpServer() as server:
        ours = wire(bulk._SMTP, server.port, sender, recipients, data)
        theirs = wire(smtplib.SMTP, server.port, sender, recipients, data)

        assert ours == theirs
        assert server.sink.raw[0] == server.sink.raw[1]


def test_address_quoting_matches_smtplib():
    addresses = ["p@example.org", "a..b@example.org", "x <p@example.org>", "@b", "a@", "a@b@c", ""]

    assert [bulk._quoted(a) for a in addresses] == [smtplib.quoteaddr(a) for a in addresses]


@pytest.mark.django_db
def test_load_reads_of_a_message_delivery_only_what_sending_it_needs():
    from notifications import outbox
    from notifications.models import Delivery, Message
    from tests.factories import EventFactory
    from tests.registration.helpers import register

    event = EventFactory()
    register(event, 1)
    reminder = Message.objects.create(event=event, kind="reminder")
    outbox.send_message(reminder, outbox.audience(event))
    claimed = list(Delivery.objects.values_list("pk", "message_id").order_by("pk"))

    loaded = {delivery.kind: delivery for delivery in bulk.load(claimed)}

    assert "answers" in loaded[Delivery.Kind.MESSAGE].registration.get_deferred_fields()
    assert not loaded[Delivery.Kind.CONFIRMED].registration.get_deferred_fields()
