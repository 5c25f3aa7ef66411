"""A worker killed with SIGKILL in the middle of a fan-out: what it held goes out again
within 30 s from another worker, nothing is lost, and at most one email per sending thread
of the dead worker (the one on the wire) arrives twice. PostgreSQL and Redis only: real
Celery worker and beat processes sharing the test database, with the production lease and
sweep settings."""

import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Max, Min
from django.db.models.functions import Now
from django.utils import timezone

from config.celery import app
from notifications import outbox as notifications_outbox
from notifications import sending as notifications_sending
from notifications.models import Delivery, Message
from registration.models import Registration
from tests.factories import EventFactory
from tests.processes import database_url

from .test_end_to_end import wait_for

ROOT = Path(__file__).resolve().parents[2]
RECIPIENTS = 1000
THREADS = 2  # sending threads of the worker that is killed
RECOVERY_SECONDS = 30  # the promise: a dead worker's emails go out again within this

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="needs PostgreSQL and Redis shared with a worker process",
    ),
]


def start_worker_process(smtp_port: int, *extra: str, **env: str) -> subprocess.Popen:
    """A bulk worker with the default lease (EMAIL_LEASE_SECONDS) and sweep interval."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=threads",
         f"--concurrency={THREADS}", "--queues=bulk,mail", "--loglevel=WARNING",
         "--without-heartbeat", "--without-gossip", "--without-mingle", *extra],
        cwd=ROOT,
        start_new_session=True,  # its own process group: the embedded beat goes with it
        env={**os.environ, "DATABASE_URL": database_url(),
             "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}", "LOG_LEVEL": "WARNING",
             **env},
    )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_worker_killed_mid_fan_out_is_replaced_within_30_seconds(smtp, settings):
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
    notifications_outbox.send_message(
        message, notifications_outbox.audience(event)
    )  # 5 batches of 200 in the broker
    sending = message.deliveries.filter(state=Delivery.State.SENDING)

    # Slow on purpose (4 emails/s per thread): its batches take far longer than a lease, so
    # the kill finds them half sent, their claims renewed meanwhile.
    doomed = start_worker_process(settings.EMAIL_PORT, EMAIL_RATE_PER_SECOND="4")
    survivor = None
    try:
        taken = message.deliveries.exclude(state=Delivery.State.QUEUED)
        wait_for(lambda: taken.count() >= THREADS * notifications_sending.CLAIM_CHUNK, seconds=60)
        first_claims = sending.aggregate(last=Max("claimed_at"))["last"]
        claimed_by_doomed = list(taken.values_list("pk", flat=True))
        # Another machine's worker, with beat (the sweep), as fast as the server takes them:
        # already running when the other dies, as in production. It sends the batches still
        # in the broker, and must leave the dying worker's (renewed) batches alone.
        survivor = start_worker_process(settings.EMAIL_PORT, "--beat", EMAIL_RATE_PER_SECOND="0")
        wait_for(lambda: not message.deliveries.filter(state="queued").exists(), seconds=60)
        wait_for(lambda: sending.aggregate(last=Max("claimed_at"))["last"] > first_claims)
        stop(doomed)
        killed_at = Delivery.objects.annotate(now=Now()).values_list("now", flat=True)[:1].get()
        held = list(sending.filter(pk__in=claimed_by_doomed).values_list("pk", flat=True))
        assert held, "the kill came too late"

        # Generous for a loaded machine; the promise is checked below, on the database's clock.
        wait_for(
            lambda: not message.deliveries.exclude(state=Delivery.State.SENT).exists(),
            seconds=120,
        )
    finally:
        for process in (doomed, survivor):
            if process is not None and process.poll() is None:
                stop(process)

    received = Counter(m["To"] for m in smtp.messages)
    assert set(received) == {f"p{n}@example.org" for n in range(RECIPIENTS)}
    repeated = sum(n - 1 for n in received.values())
    assert repeated <= THREADS  # at most the one email each thread had on the wire
    assert message.deliveries.filter(state=Delivery.State.SENT).count() == RECIPIENTS
    # Taken back after the lease ran out (a second attempt), not after the broker's hour, and
    # sent again within 30 s of the death: the lease (15 s) plus one sweep (5 s) plus sending.
    resent = Delivery.objects.filter(pk__in=held)
    assert set(resent.values_list("attempts", flat=True)) == {2}
    back_after = resent.aggregate(first=Min("sent_at"))["first"] - killed_at
    assert back_after < timedelta(seconds=RECOVERY_SECONDS)
