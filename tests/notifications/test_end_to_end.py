"""Registration to inbox through a real Celery worker, the configured broker (Redis in CI)
and a real SMTP server."""

import time
from collections import Counter
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connections
from django.utils import timezone

from config.celery import app
from notifications import reminders
from notifications.models import Delivery, ReminderRule
from notifications.tasks import fire_due_reminders, sweep_outbox
from tests.factories import EventFactory
from tests.registration.helpers import person

from .smtp import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(condition, seconds: float = 30.0):
    """Poll until the condition holds (the worker runs on its own); fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


@pytest.fixture
def worker(smtp, monkeypatch):
    # Workers keep their database connection from task to task, up to CONN_MAX_AGE
    # (config/celery.py); this one runs in a thread of the tests, which ends with the test:
    # its connection must not outlive it (it would keep the test database from being dropped).
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)
    app.control.purge()  # wake-ups queued by earlier tests with no worker to take them
    with start_worker(
        app,
        pool="solo",
        queues=["mail", "bulk"],
        perform_ping_check=False,
        shutdown_timeout=30,
    ):
        yield smtp


def test_registration_confirmation_arrives_with_attachments(api, worker):
    event = EventFactory(title_en="Hanoi Forum")

    response = api.post(f"/api/v1/events/{event.slug}/registrations/", person(1), format="json")

    assert response.status_code == 201
    wait_for(lambda: worker.to("person1@example.org"))
    [message] = worker.to("person1@example.org")
    assert "Hanoi Forum" in str(message["Subject"]) or "=?utf-8?" in str(message["Subject"])
    types = {part.get_content_type() for part in message.walk()}
    assert {"image/png", "text/calendar", "text/html"} <= types


def test_due_reminder_reaches_every_confirmed_person_exactly_once(worker):
    from registration import seats as registration_seats

    event = EventFactory(capacity=40, waitlist_enabled=True)
    people = [registration_seats.register(event, person(n)) for n in range(45)]
    registration_seats.cancel(people[0])  # the first waiting person takes the seat
    wait_for(lambda: not Delivery.objects.filter(state="queued", message__isnull=True).exists())
    event.registrations.update(created_at=timezone.now() - timedelta(minutes=5))
    reminders.save_rule(ReminderRule(event=event, send_at=timezone.now() - timedelta(seconds=1)))

    fire_due_reminders.delay()
    fire_due_reminders.delay()  # a second scan must not send it again

    confirmed = {r.email for r in event.registrations.filter(status="confirmed")}
    wait_for(lambda: reminders_received(worker) == Counter(confirmed))
    sweep_outbox.delay()
    wait_for(lambda: not Delivery.objects.filter(state__in=["queued", "sending"]).exists())
    assert reminders_received(worker) == Counter(confirmed)
    assert len(confirmed) == 40


def reminders_received(sink) -> Counter:
    return Counter(
        m["To"] for m in sink.messages if m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )


def test_registrations_succeed_while_broker_is_down_and_mail_follows(api, smtp, monkeypatch):
    event = EventFactory()
    original = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app._pool = None
    try:
        statuses = [
            api.post(
                f"/api/v1/events/{event.slug}/registrations/", person(n), format="json"
            ).status_code
            for n in range(3)
        ]
    finally:
        app.conf.broker_url = original
        app._pool = None
    assert statuses == [201, 201, 201]
    assert Delivery.objects.filter(state="queued").count() == 3

    app.control.purge()
    monkeypatch.setitem(connections["default"].settings_dict, "CONN_MAX_AGE", 0)  # as above
    with start_worker(app, pool="solo", queues=["mail", "bulk"], perform_ping_check=False):
        Delivery.objects.update(created_at=timezone.now() - timedelta(minutes=1))
        sweep_outbox.delay()  # what beat runs every ten seconds
        wait_for(lambda: Delivery.objects.filter(state="sent").count() == 3)

    assert Counter(m["To"] for m in smtp.messages) == Counter(
        f"person{n}@example.org" for n in range(3)
    )
