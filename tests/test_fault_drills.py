"""Fault drills: the real application in a gunicorn process, its database or Redis cut.

PostgreSQL and Redis only. The database goes through a TCP proxy the test cuts; Redis is a
server of the drill's own, stopped and started again.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from registration.models import Registration, Seats
from tests.factories import EventFactory

from .notifications.smtp import SmtpServer
from .proxy import Proxy

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="drills need PostgreSQL and Redis shared with other processes",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(check, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def database_url(port: int) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{port}/{db['NAME']}"


class App:
    """gunicorn serving the project with the given environment."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "1",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", "--timeout", "60"],
            cwd=ROOT,
            env={**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
                 "RATELIMIT_ENABLED": "0", "DATABASE_CONN_MAX_AGE": "600", **env},
        )  # fmt: skip
        wait_until(lambda: self.get("/api/v1/fields/")[0] == 200)

    def request(self, method: str, path: str, body: dict | None = None, form: bool = False):
        data = None
        headers = {"Accept-Language": "en"}
        if body is not None and form:
            data = "&".join(f"{k}={v}" for k, v in body.items()).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        call = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(call, timeout=30) as answer:  # noqa: S310
                return answer.status, answer.read().decode(), dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)
        except OSError:
            return 0, "", {}

    def get(self, path: str):
        return self.request("GET", path)

    def register(self, slug: str, n: int):
        person = {"name": f"Drill {n}", "email": f"drill{n}@example.org", "consent": True}
        return self.request("POST", f"/api/v1/events/{slug}/registrations/", person)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


@pytest.fixture
def database_proxy():
    proxy = Proxy(int(connection.settings_dict["PORT"] or 5432))
    yield proxy
    proxy.close()


@pytest.fixture
def app_behind_proxy(database_proxy):
    app = App(
        DATABASE_URL=database_url(database_proxy.port),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        CACHE_URL=os.environ.get("CACHE_URL", "locmem://"),
    )
    yield app
    app.stop()


def test_database_down_answers_503_and_recovers_without_restart(app_behind_proxy, database_proxy):
    event = EventFactory(capacity=10)

    database_proxy.down()
    status, body, headers = app_behind_proxy.register(event.slug, 1)
    page_status, page, _ = app_behind_proxy.get(f"/en/events/{event.slug}/")
    database_proxy.up()
    recovered, _, _ = app_behind_proxy.register(event.slug, 2)

    assert status == 503 and headers.get("Retry-After") and json.loads(body)["detail"]
    assert page_status == 503 and "Briefly unavailable" in page
    assert recovered == 201
    assert list(Registration.objects.values_list("email", flat=True)) == ["drill2@example.org"]


def test_connection_lost_mid_registration_leaves_nothing_half_done(
    app_behind_proxy, database_proxy
):
    event = EventFactory(capacity=10)
    app_behind_proxy.register(event.slug, 1)  # warm: the connection is open and in use

    database_proxy.trip_on(b"UPDATE registration_seats")  # after the INSERT, before commit
    status, _, _ = app_behind_proxy.register(event.slug, 2)
    after, _, _ = app_behind_proxy.register(event.slug, 3)

    assert database_proxy.tripped.is_set()
    assert status == 503 and after == 201
    emails = sorted(Registration.objects.values_list("email", flat=True))
    assert emails == ["drill1@example.org", "drill3@example.org"]
    assert Seats.objects.get(pk=event.pk).taken == 2


@pytest.fixture
def drill_redis():
    """A Redis server of the drill's own, so stopping it disturbs nothing else."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = free_port()

    def start() -> subprocess.Popen:
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", port)) == 0)
        return process

    server = {"process": start()}

    class Control:
        url = f"redis://127.0.0.1:{port}"

        def stop(self) -> None:
            server["process"].kill()
            server["process"].wait()

        def start(self) -> None:
            server["process"] = start()

    yield Control()
    server["process"].kill()
    server["process"].wait()


@pytest.fixture
def smtp_server():
    with SmtpServer() as server:
        yield server


def test_redis_down_still_takes_registrations_and_mail_flows_after(drill_redis, smtp_server):
    smtp = smtp_server
    event = EventFactory(capacity=10)
    app = App(
        DATABASE_URL=database_url(int(connection.settings_dict["PORT"] or 5432)),
        CELERY_BROKER_URL=f"{drill_redis.url}/0",
        CACHE_URL=f"{drill_redis.url}/1",
        RATELIMIT_ENABLED="1",  # the limiter fails open while its cache is down
    )
    try:
        drill_redis.stop()
        statuses = [app.register(event.slug, n)[0] for n in range(3)]
        drill_redis.start()
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--beat",
             "--pool=solo", "--queues=mail,bulk", "--loglevel=WARNING",
             "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT,
            env={**os.environ,
                 "DATABASE_URL": database_url(int(connection.settings_dict["PORT"] or 5432)),
                 "CELERY_BROKER_URL": f"{drill_redis.url}/0", "CACHE_URL": f"{drill_redis.url}/1",
                 "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}", "EMAIL_SWEEP_AFTER_SECONDS": "0",
                 "LOG_LEVEL": "WARNING"},
        )  # fmt: skip
        try:
            wait_until(lambda: len(smtp.sink.messages) >= 3, seconds=60)
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=30)
    finally:
        app.stop()

    assert statuses == [201, 201, 201]
    recipients = sorted(parseaddr(message["To"])[1] for message in smtp.sink.messages)
    assert recipients == [f"drill{n}@example.org" for n in range(3)]
