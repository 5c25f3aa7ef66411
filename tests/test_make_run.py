"""`make run` on any ports: PORT and MAIL_PORT move the site, the SMTP sink and the address the
app sends to, and links in emails follow (SITE_URL derived from HOST and PORT unless set)."""

import email
import email.policy
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .processes import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
VARIABLES = ("HOST", "PORT", "MAIL_PORT", "SITE_URL", "EMAIL_URL", "DEBUG")

pytestmark = pytest.mark.skipif(MAKE is None, reason="needs make")


def run_environment(*arguments: str, **environment: str) -> dict[str, str]:
    """The variables `make run` hands to honcho, read from what `make -n run` would launch."""
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES and not k.startswith("MAKE")}
    output = subprocess.run(
        [MAKE, "-n", "run", *arguments],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [line] = [line for line in output.splitlines() if "honcho -f Procfile.dev" in line]
    values = {}
    for word in shlex.split(line):
        name, equals, value = word.partition("=")
        if not equals or not name.isidentifier():
            break
        values[name] = value
    return values


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile.dev").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise AssertionError(f"no {name} in Procfile.dev")


def test_make_run_defaults_stay_on_port_8000_and_the_sink_on_1025():
    env = run_environment()

    assert env["SITE_URL"] == "http://localhost:8000"
    assert env["EMAIL_URL"] == "smtp://127.0.0.1:1025"
    assert env["MAIL_PORT"] == "1025"


def test_make_run_keeps_a_site_url_that_is_set():
    env = run_environment("PORT=8123", SITE_URL="https://tunnel.example.org")

    assert env["SITE_URL"] == "https://tunnel.example.org"


def test_make_run_names_the_host_it_serves():
    assert run_environment("HOST=192.0.2.7", "PORT=8123")["SITE_URL"] == "http://192.0.2.7:8123"


@pytest.mark.django_db(transaction=True)
def test_make_run_on_other_ports_emails_links_to_the_chosen_port():
    mail_port = free_port()
    env = run_environment("PORT=8123", f"MAIL_PORT={mail_port}")
    assert env["EMAIL_URL"] == f"smtp://127.0.0.1:{mail_port}"
    bin_dir = str(Path(sys.executable).parent)
    process_env = {
        **os.environ,
        **env,
        "DEBUG": "1",  # as ${DEBUG:-1} gives
        "PATH": f"{bin_dir}:{os.environ['PATH']}",  # as make run gives honcho
        "PYTHONUNBUFFERED": "1",
    }
    # The sink exactly as honcho starts it from Procfile.dev: the line, through a shell.
    sink = subprocess.Popen(  # noqa: S602
        f"exec {procfile_command('mail')}",
        shell=True,
        cwd=ROOT,
        env=process_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", mail_port)) != 0:
            assert sink.poll() is None and time.monotonic() < deadline, "the sink did not start"
            time.sleep(0.1)
        # The app, configured by nothing but make's variables, confirms a registration.
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SEND],
            cwd=ROOT,
            env={**process_env, "DATABASE_URL": database_url(), "CELERY_BROKER_URL": "memory://"},
            check=True,
            capture_output=True,
        )
    finally:
        sink.send_signal(signal.SIGTERM)
        received, _ = sink.communicate(timeout=30)

    assert "To: ports@example.org" in received
    # The sink prints the raw message: its parts may be base64, so read them decoded.
    raw = received.split("---------- MESSAGE FOLLOWS ----------", 1)[1]
    raw = raw.split("------------ END MESSAGE ------------", 1)[0].lstrip("\n")
    message = email.message_from_string(raw, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    assert "http://localhost:8123/r/" in body
    assert "localhost:8000" not in body


SEND = """
from notifications.models import Delivery
from notifications.sending import send_deliveries
from registration import seats
from tests.factories import EventFactory

registration = seats.register(
    EventFactory(slug="ports"), {"name": "Port", "email": "ports@example.org", "consent": True}
)
send_deliveries(Delivery.objects.filter(registration=registration).values_list("id", flat=True))
"""


def test_make_run_database_sqlite_serves_registers_and_records_sends(tmp_path):
    """`make run`'s embedded database is SQLite: the paths written in PostgreSQL's SQL for
    speed (reads' freshness, sent marks, leases, a registered address) have portable twins."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL")
    }
    env.update(VAR_DIR=str(tmp_path), DEBUG="1", CELERY_BROKER_URL="memory://")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", ON_SQLITE],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout

    assert output.strip().splitlines()[-1] == ("sqlite 200 200 200 201 409 check_email sent 1")


ON_SQLITE = """
from django.db import connection
from django.test import Client
from notifications import leases, marks
from notifications.models import Delivery
from tests.factories import EventFactory

event = EventFactory(slug="embedded", capacity=10)
client = Client(HTTP_HOST="localhost")
reads = [client.get(path).status_code
         for path in ("/api/v1/events/", "/en/", "/en/events/embedded/")]
person = {"name": "An", "email": "an@example.org", "consent": True}
url = "/api/v1/events/embedded/registrations/"
first = client.post(url, person, content_type="application/json")
again = client.post(url, person, content_type="application/json")
delivery = Delivery.objects.get(registration_id=first.json()["id"])
Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.SENDING)
renewed = leases.renew([delivery.pk])
marks.mark_sent(delivery.pk, "Confirmed")
print(connection.vendor, *reads, first.status_code, again.status_code, again.json()["code"],
      Delivery.objects.get(pk=delivery.pk).state, renewed)
"""
