"""The invitation email: written to the outbox, sent once through a real SMTP server."""

import pytest
from django.utils import translation

from events import invitations
from notifications import rendering, sending
from notifications.models import Delivery

pytestmark = pytest.mark.django_db


def test_invitation_reaches_the_smtp_server_exactly_once(smtp, event, owner):
    invitations.invite(event, user=owner, email="mai@example.org", role="checkin")

    sending.drain()
    sending.drain()  # nothing left to send: no second copy

    [message] = smtp.to("mai@example.org")
    assert len(smtp.messages) == 1
    link = Delivery.objects.get(kind="team_invitation").context["invitation_url"]
    plain = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    assert link in plain.get_payload(decode=True).decode()
    assert event.title in message["Subject"]


def test_invitation_is_written_in_the_owners_language(event, owner):
    with translation.override("vi"):
        invitations.invite(event, user=owner, email="mai@example.org", role="organiser")

    delivery = Delivery.objects.get(kind="team_invitation")
    email = rendering.render(delivery)
    assert delivery.language == "vi"
    assert "Bạn được mời" in email.subject
