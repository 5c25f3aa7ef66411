"""Sending over real SMTP to a server in the test, including one that refuses."""

import pytest
from django.utils import timezone

from notifications import retry, sending
from notifications.models import Delivery
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db
State = Delivery.State


def test_email_arrives_over_smtp_with_both_parts(smtp):
    registration = register(EventFactory(), 1)

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    [message] = smtp.to(registration.email)
    types = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html", "image/png", "text/calendar"} <= types


def test_temporary_refusal_is_retried_later(smtp):
    register(EventFactory(), 1)
    smtp.refuse_with = "451 4.3.0 Try again later"

    outcome = sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    delivery = Delivery.objects.get()
    assert outcome["retry"] == 1
    assert (delivery.state, delivery.attempts) == (State.QUEUED, 1)
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.last_error.startswith("451")


def test_delivered_once_server_recovers(smtp):
    registration = register(EventFactory(), 1)
    smtp.refuse_with = "451 4.3.0 Try again later"
    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))
    smtp.refuse_with = None
    Delivery.objects.update(next_attempt_at=timezone.now())  # its retry time has come

    sending.drain()
    sending.drain()

    assert len(smtp.to(registration.email)) == 1
    assert Delivery.objects.get().state == State.SENT


def test_permanent_refusal_is_failed_with_reason(smtp):
    register(EventFactory(), 1)
    smtp.refuse_with = "550 5.1.1 No such mailbox"

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    delivery = Delivery.objects.get()
    assert delivery.state == State.FAILED
    assert delivery.last_error == "550 5.1.1 No such mailbox"


def test_connection_refused_is_retried(settings):
    from tests.notifications.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    register(EventFactory(), 1)

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    delivery = Delivery.objects.get()
    assert delivery.state == State.QUEUED
    assert "ConnectionRefused" in delivery.last_error


def test_last_retry_failing_marks_failed(smtp):
    register(EventFactory(), 1)
    Delivery.objects.update(attempts=retry.MAX_ATTEMPTS - 1)
    smtp.refuse_with = "451 4.3.0 Try again later"

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    assert Delivery.objects.get().state == State.FAILED


def test_backoff_doubles_and_is_capped():
    now = timezone.now()

    delays = [(retry.next_attempt(n, now) - now).total_seconds() for n in (1, 2, 3, 7)]

    assert delays == [30, 60, 120, 1920]
    assert retry.next_attempt(retry.MAX_ATTEMPTS, now) is None
