"""Registration and notification through PgBouncer in transaction pooling mode.

Web (gunicorn) and worker reach the test database only through a PgBouncer of the test's own
(Debian's `pgbouncer`), with DATABASE_PGBOUNCER=1: no prepared statements, no server-side
cursors, since each transaction may land on another server connection. PostgreSQL and Redis
only; under CI a missing pgbouncer fails the test instead of skipping it.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from collections import Counter
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken

from config.celery import app
from notifications import reminders as notifications_reminders
from notifications.models import Delivery, ReminderRule
from notifications.tasks import fire_due_reminders
from tests.factories import EventFactory, UserFactory

from .notifications.smtp import SmtpServer
from .processes import free_port
from .test_fault_drills import App, wait_until

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="needs PostgreSQL and Redis shared with other processes",
    ),
]

# Round robin over several open server connections: consecutive transactions of one client
# land on different servers, as under load, so a prepared statement or a cursor kept from one
# transaction to the next would fail here every time rather than now and then.
CONFIG = """
[databases]
* = host={host} port={port}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {listen}
unix_socket_dir =
auth_type = trust
auth_file = {users}
admin_users = {user}
pool_mode = transaction
default_pool_size = 4
min_pool_size = 3
server_round_robin = 1
max_client_conn = 100
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
"""


def pgbouncer_binary() -> str:
    binary = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin")
    if binary is None:
        message = "pgbouncer is not installed (Debian package pgbouncer)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


class PgBouncer:
    """A PgBouncer in transaction pooling mode in front of the test database's server."""

    def __init__(self) -> None:
        db = connection.settings_dict
        self.user = db["USER"]
        self.port = free_port()
        # Readable by the user it switches to when started as root (it refuses to run as root).
        self.folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.folder.chmod(0o755)
        users = self.folder / "users.txt"
        users.write_text(f'"{self.user}" ""\n')
        config = CONFIG.format(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, listen=self.port,
            users=users, user=self.user,
        )  # fmt: skip
        if os.geteuid() == 0:
            config += "user = postgres\n"
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(config)
        for path in (users, ini):
            path.chmod(0o644)
        self.process = subprocess.Popen(
            [pgbouncer_binary(), str(ini)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_until(lambda: self.admin("SHOW VERSION") is not None)

    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{connection.settings_dict['NAME']}"

    def admin(self, command: str) -> str | None:
        """A command on PgBouncer's admin console, its answer as text (None: not up yet)."""
        answer = subprocess.run(
            [shutil.which("psql") or "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U",
             self.user, "-d", "pgbouncer", "-AtF", "|", "-c", command],
            capture_output=True, text=True,
        )  # fmt: skip
        return answer.stdout if answer.returncode == 0 else None

    def transactions(self) -> int:
        """Transactions PgBouncer passed on to the test database."""
        for line in (self.admin("SHOW STATS") or "").splitlines():
            fields = line.split("|")
            if fields[0] == connection.settings_dict["NAME"]:
                return int(fields[1])
        return 0

    def close(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)


def export_csv(port: int, event) -> tuple[int, str]:
    owner = event.team.get(role="owner").user
    _token, key = AuthToken.objects.create(user=owner)
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/events/{event.slug}/registrations/export.csv",
        headers={"Authorization": f"Token {key}"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return answer.status, answer.read().decode("utf-8-sig")


@pytest.fixture
def pgbouncer():
    bouncer = PgBouncer()
    yield bouncer
    bouncer.close()


def test_registration_and_emails_through_pgbouncer_in_transaction_mode(pgbouncer):
    event = EventFactory(capacity=2, waitlist_enabled=True, owner=UserFactory())
    event.reminder_rules.all().delete()
    through_bouncer = {
        "DATABASE_URL": pgbouncer.url(),
        "DATABASE_PGBOUNCER": "1",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CACHE_URL": os.environ.get("CACHE_URL", "locmem://"),
    }
    app.control.purge()
    with SmtpServer() as smtp:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=threads",
             "--concurrency=2", "--queues=mail,bulk", "--loglevel=WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle",
             # As deployed: beat's outbox sweep sends what the throttled wake-ups leave.
             "--beat"],
            cwd=ROOT,
            env={**os.environ, **through_bouncer, "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
                 "LOG_LEVEL": "WARNING"},
        )  # fmt: skip
        web = App(**through_bouncer)  # the worker starts meanwhile
        try:
            # Each statement more often than psycopg's prepare threshold (5), were it on.
            statuses = [web.register(event.slug, n)[0] for n in range(PEOPLE)]
            wait_until(lambda: len(smtp.sink.messages) >= PEOPLE, seconds=60)
            # A reminder, scanned for and fanned out by the worker through PgBouncer too.
            # Its time is now, after every registration: a reminder goes only to people who
            # registered before its time, and all eight may have done so within the last second.
            rule = ReminderRule(event=event, send_at=timezone.now())
            notifications_reminders.save_rule(rule)
            fire_due_reminders.delay()
            wait_until(lambda: len(smtp.sink.messages) >= PEOPLE + 2, seconds=60)
            # The export reads registrations with QuerySet.iterator() outside a transaction.
            export_status, export = export_csv(web.port, event)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
            web.stop()

    assert statuses == [201] * PEOPLE  # two seats, then the waiting list
    subjects = Counter(
        (parseaddr(m["To"])[1], m["Subject"].split(" ")[0]) for m in smtp.sink.messages
    )
    confirmed = ["drill0@example.org", "drill1@example.org"]
    waiting = [f"drill{n}@example.org" for n in range(2, PEOPLE)]
    assert subjects == Counter(
        [(email, "Your") for email in confirmed]
        + [(email, "Reminder:") for email in confirmed]
        + [(email, "You") for email in waiting]
    )
    assert export_status == 200
    assert sorted(re.findall(r"drill\d+@example.org", export)) == sorted(
        f"drill{n}@example.org" for n in range(PEOPLE)
    )
    assert not Delivery.objects.exclude(state=Delivery.State.SENT).exists()
    assert pgbouncer.transactions() > 20  # web and worker really went through it
