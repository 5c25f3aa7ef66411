"""Secret tokens never reach a log line: Django's request logs and gunicorn's access log."""

import io
import logging
import logging.config
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.logmask import MaskTokens, mask_tokens
from tests.factories import RegistrationFactory

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "Zq3xY7wVb2Nc5Md8Kf1Lg4Hj"  # the shape of a manage token


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (f"GET /r/{TOKEN} HTTP/1.1", "GET /r/*** HTTP/1.1"),
        (f"POST /u/{TOKEN}:1uX:abc HTTP/1.1", "POST /u/*** HTTP/1.1"),
        (
            f"GET /api/v1/registrations/{TOKEN}/ticket.png",
            "GET /api/v1/registrations/***/ticket.png",
        ),
        (f"Not Found: /api/v1/registrations/{TOKEN}/", "Not Found: /api/v1/registrations/***/"),
        (f'"https://events.example.org/r/{TOKEN}"', '"https://events.example.org/r/***"'),
        (f"/en/events/forum/?token={TOKEN}&page=2", "/en/events/forum/?token=***&page=2"),
        ("GET /api/v1/events/forum/ HTTP/1.1", "GET /api/v1/events/forum/ HTTP/1.1"),
    ],
)
def test_mask_tokens_hides_the_token_and_keeps_the_path(line, masked):
    assert mask_tokens(line) == masked


@pytest.fixture
def console():
    """What Django's configured handlers write (the root console and runserver's own)."""
    # As Django configures them: an earlier test may have replaced a logger's handlers.
    logging.config.dictConfig(settings.LOGGING)
    streams = []
    for logger in (logging.getLogger(), logging.getLogger("django.server")):
        for handler in logger.handlers:
            if any(isinstance(found, MaskTokens) for found in handler.filters):
                streams.append((handler, handler.setStream(io.StringIO())))
    assert len(streams) == 2
    yield lambda: "".join(handler.stream.getvalue() for handler, _old in streams)
    for handler, old in streams:
        handler.setStream(old)


@pytest.mark.django_db
@pytest.mark.parametrize("path", [f"/r/{TOKEN}", f"/api/v1/registrations/{TOKEN}/", f"/u/{TOKEN}"])
def test_django_request_log_masks_unknown_tokens(client, caplog, console, path):
    caplog.set_level(logging.WARNING, logger="django.request")

    assert client.get(path).status_code == 404

    assert [record.name for record in caplog.records] == ["django.request"]
    assert "Not Found: " + path.replace(TOKEN, "***") in console()
    assert TOKEN not in console()
    assert TOKEN not in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_django_request_log_masks_a_valid_token(client, caplog, console):
    """A conflict (no ticket for a cancelled registration) is logged: without its token."""
    registration = RegistrationFactory(status="cancelled")
    caplog.set_level(logging.WARNING, logger="django.request")

    response = client.get(f"/api/v1/registrations/{registration.manage_token}/ticket.png")

    assert response.status_code == 409
    assert caplog.records and all(r.name == "django.request" for r in caplog.records)
    assert "/api/v1/registrations/***/ticket.png" in console()
    assert registration.manage_token not in console()


def test_runserver_request_lines_mask_tokens(console):
    # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a request.
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /r/{TOKEN}?token={TOKEN} HTTP/1.1", "200", "5120"
    )

    assert '"GET /r/***?token=*** HTTP/1.1" 200 5120' in console()
    assert TOKEN not in console()


# --- gunicorn -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, **headers: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with the project's config file, serving the test database; its output."""
    db = connection.settings_dict
    port = free_port()
    log = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "RATELIMIT_ENABLED": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
    }
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while fetch(f"{base}/api/v1/fields/") != 200:
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    yield base, log
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="gunicorn shares the database")
@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_masks_manage_tokens(gunicorn):
    base, log = gunicorn
    token = RegistrationFactory().manage_token
    manage = f"{base}/r/{token}"

    assert fetch(manage) == 200
    assert fetch(f"{base}/api/v1/registrations/{token}/ticket.png") == 200
    assert fetch(f"{base}/api/v1/events/?token={token}") == 200
    assert fetch(f"{base}/static/web/site.css", Referer=manage) in (200, 404)
    time.sleep(0.5)  # the access log is written after the answer

    text = log.read_text()
    assert token not in text
    assert '"GET /r/*** HTTP/1.1" 200' in text
    assert '"GET /api/v1/registrations/***/ticket.png HTTP/1.1" 200' in text
    assert '"GET /api/v1/events/?token=*** HTTP/1.1" 200' in text
    assert f'"{base}/r/***"' in text  # the Referer of what the manage page loads
