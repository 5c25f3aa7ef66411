"""A worker killed with SIGKILL in the middle of a fan-out loses nothing and repeats at most
the one email it had on the wire (one per worker process). PostgreSQL and Redis only: the
worker is a separate process sharing the test database."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from notifications import outbox, sweep
from notifications.models import Delivery, Message
from registration.models import Registration
from tests.factories import EventFactory

from .test_end_to_end import wait_for

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 1000

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="needs PostgreSQL and Redis shared with a worker process",
    ),
]


def start_worker_process(smtp_port: int) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_RATE_PER_SECOND": "400",  # slow enough to be killed half-way
        "EMAIL_LEASE_SECONDS": "2",
        "EMAIL_SWEEP_AFTER_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--queues=bulk,mail",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
    )


def test_worker_killed_mid_fan_out_loses_nothing(smtp, settings):
    settings.EMAIL_LEASE_SECONDS = 2  # as the worker processes are told
    settings.EMAIL_SWEEP_AFTER_SECONDS = 0

    event = EventFactory(capacity=None)
    Registration.objects.bulk_create(
        Registration(
            event=event,
            status="confirmed",
            name=f"Person {n}",
            email=f"p{n}@example.org",
            consent_at=timezone.now(),
            consent_notice_version="test",
        )
        for n in range(RECIPIENTS)
    )
    app.control.purge()
    message = Message.objects.create(event=event, kind=Message.Kind.REMINDER)
    outbox.send_message(message, outbox.audience(event))
    port = settings.EMAIL_PORT

    worker = start_worker_process(port)
    try:
        wait_for(lambda: len(smtp.messages) >= 200, seconds=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        at_kill = len(smtp.messages)
        assert at_kill < RECIPIENTS, "the fan-out finished before the kill"

        worker = start_worker_process(port)
        time.sleep(2.1)  # the lease of the email that was on the wire has to run out
        sweep.sweep()  # what beat runs every ten seconds
        wait_for(
            lambda: not message.deliveries.filter(state__in=["queued", "sending"]).exists(),
            seconds=90,
        )
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    received = Counter(m["To"] for m in smtp.messages)
    assert set(received) == {f"p{n}@example.org" for n in range(RECIPIENTS)}
    repeated = sum(n - 1 for n in received.values())
    assert repeated <= 1  # one worker process: at most the one email on the wire
    assert message.deliveries.filter(state=Delivery.State.SENT).count() == RECIPIENTS
