"""Two `celery beat` processes at once (a rolling deploy, a misconfiguration) against one
database and broker: each reminder is still sent once to each person.

What makes it hold is in the database, not in beat: a rule fires under a row lock and only
from `scheduled` (ReminderRule), a rule has one message (`message_once_per_rule`), a message
has one delivery per person (`delivery_once_per_message_and_person`), and a delivery is
claimed by one sender at a time. PostgreSQL and Redis only: real beat and worker processes.
"""

import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from config.celery import app
from notifications import reminders as notifications_reminders
from notifications.models import Delivery, Message, ReminderRule
from tests.factories import EventFactory, RegistrationFactory
from tests.processes import database_url

from .test_end_to_end import wait_for

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 30
SCANS = 3  # scans each beat must have asked for before the test looks

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="needs PostgreSQL and Redis shared with beat and worker processes",
    ),
]


def start(command: list[str], smtp_port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *command],
        cwd=ROOT,
        start_new_session=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        env={
            **os.environ,
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "REMINDER_SCAN_SECONDS": "1",  # both beats ask for a scan every second
            "OUTBOX_SWEEP_SECONDS": "1",
        },
    )


def stop(process: subprocess.Popen) -> None:
    """Wait for a process told to stop; kill it as a supervisor would if it does not."""
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def scans_asked(log: Path) -> int:
    return len(re.findall(r"Sending due task fire-due-reminders", log.read_text()))


def test_two_beats_send_each_reminder_once(smtp, settings, tmp_path):
    event = EventFactory(capacity=None)
    event.reminder_rules.all().delete()
    people = RegistrationFactory.create_batch(PEOPLE, event=event)
    rule = notifications_reminders.save_rule(ReminderRule(event=event, send_at=timezone.now()))
    app.control.purge()
    logs = [tmp_path / "beat-1.log", tmp_path / "beat-2.log", tmp_path / "worker.log"]
    beat = ["beat", "--loglevel=INFO"]
    worker = ["worker", "--pool=threads", "--concurrency=4", "--queues=bulk,mail",
              "--loglevel=WARNING", "--without-heartbeat", "--without-gossip",
              "--without-mingle"]  # fmt: skip
    processes = [
        start(command, settings.EMAIL_PORT, log)
        for command, log in zip([beat, beat, worker], logs, strict=True)
    ]
    try:
        wait_for(lambda: all(scans_asked(log) >= SCANS for log in logs[:2]), seconds=60)
        wait_for(
            lambda: (
                len(smtp.messages) >= PEOPLE
                and not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
            )
        )
        # Both beats keep asking: nothing more may go out.
        asked = [scans_asked(log) for log in logs[:2]]
        wait_for(lambda: all(scans_asked(log) > n for log, n in zip(logs, asked, strict=False)))
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            stop(process)

    received = Counter(m["To"] for m in smtp.messages)
    assert received == Counter({person.email: 1 for person in people})
    assert Message.objects.filter(rule=rule).count() == 1
    rule.refresh_from_db()
    assert rule.state == ReminderRule.State.SENT
