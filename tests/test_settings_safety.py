"""With DEBUG off, web, worker and beat refuse a missing, short or published SECRET_KEY with one
line saying what to set; a random key starts them (config/safety.py)."""

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from config.safety import DEVELOPMENT_SECRET_KEY, secret_key_problem, unsafe_start_message

from .processes import database_url, free_port

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(50)


@pytest.mark.parametrize(
    "key",
    [
        "",
        "   ",
        DEVELOPMENT_SECRET_KEY,
        "change-me-to-a-long-random-string",
        "change-me-in-.env",
        "django-insecure-" + secrets.token_urlsafe(50),
        secrets.token_urlsafe(36)[:49],
        "k" * 80,
    ],
    ids=["empty", "blank", "fallback", "env-example", "compose", "insecure", "49-chars", "k80"],
)
def test_secret_key_problem_names_an_unsafe_key(key):
    assert secret_key_problem(key) is not None


def test_secret_key_problem_accepts_a_random_key():
    assert secret_key_problem(secrets.token_urlsafe(50)) is None


def test_unsafe_key_is_allowed_in_debug():
    assert unsafe_start_message(True, "") is None


def _keys_written_in_the_repository() -> dict[str, str]:
    """Every SECRET_KEY value written as a literal outside the tests."""
    git = shutil.which("git") or "git"
    tracked = subprocess.run(
        [git, "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = {}
    pattern = re.compile(r"SECRET_KEY\s*[=:]\s*[\"']?([^\s\"'$}]*)")
    for name in tracked:
        if name.startswith("tests/") or not (ROOT / name).is_file():
            continue
        try:
            text = (ROOT / name).read_text()
        except UnicodeDecodeError:
            continue
        for value in pattern.findall(text):
            if value and not value.startswith(("env_str", "(", "`")):
                found[f"{name}: {value}"] = value
    found["config/settings.py fallback"] = DEVELOPMENT_SECRET_KEY
    return found


def test_every_key_written_in_the_repository_is_refused():
    keys = _keys_written_in_the_repository()

    assert {
        name: secret_key_problem(key) for name, key in keys.items() if not secret_key_problem(key)
    } == {}


def test_env_example_leaves_the_key_to_be_set():
    line = next(
        line
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith("SECRET_KEY=")
    )
    assert line == "SECRET_KEY="


COMPOSE = shutil.which("docker-compose")


@pytest.mark.skipif(COMPOSE is None, reason="needs docker-compose")
def test_compose_refuses_to_start_without_a_key():
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}

    result = subprocess.run(
        [COMPOSE, "config", "-q"], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert result.returncode != 0
    assert "set SECRET_KEY in .env" in result.stderr


# --- The real programs ------------------------------------------------------------------------


def production_env(key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(),
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
    )
    env.pop("SECRET_KEY", None)
    if key is not None:
        env["SECRET_KEY"] = key
    return env


def command(program: str, port: int) -> list[str]:
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    return {
        "gunicorn": [sys.executable, "-m", "gunicorn", "config.wsgi:application",
                     "--workers", "1", "--bind", f"127.0.0.1:{port}"],
        "runserver": [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
        "asgi": [sys.executable, "-c", "import config.asgi"],
        # A queue of its own, so the worker takes nothing meant for the other tests.
        "worker": [*celery, "worker", "--pool=solo", "--queues=safety-check", "--loglevel=INFO",
                   f"--hostname=safety{port}@%h", "--without-heartbeat", "--without-gossip",
                   "--without-mingle"],
        "beat": [*celery, "beat", "--loglevel=INFO"],
    }[program]  # fmt: skip


@pytest.mark.parametrize(
    ("program", "key"),
    [
        ("gunicorn", None),
        ("runserver", "change-me-to-a-long-random-string"),
        ("asgi", DEVELOPMENT_SECRET_KEY),
        ("worker", "change-me-in-.env"),
        ("beat", secrets.token_urlsafe(30)),
    ],
    ids=[
        "gunicorn-no-key",
        "runserver-env-example",
        "asgi-fallback",
        "worker-compose",
        "beat-short",
    ],
)
def test_production_process_with_unsafe_key_stops_with_one_line(program, key):
    result = subprocess.run(
        command(program, free_port()),
        cwd=ROOT,
        env=production_env(key),
        capture_output=True,
        text=True,
        timeout=120,
    )

    said = [line for line in result.stderr.splitlines() if "SECRET_KEY" in line]
    assert result.returncode != 0
    assert said == [unsafe_start_message(False, key or "")]
    assert "set SECRET_KEY to a random value of at least 50 characters" in said[0]
    assert "Traceback" not in result.stderr


def wait_for_output(process: subprocess.Popen, log: Path, text: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        assert process.poll() is None, log.read_text(errors="replace")
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} in:\n{log.read_text(errors='replace')}")


def start(program: str, port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            command(program, port),
            cwd=ROOT,
            env=production_env(GOOD_KEY),
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.django_db(transaction=True)
def test_gunicorn_with_a_random_key_serves(tmp_path):
    port = free_port()
    process = start("gunicorn", port, tmp_path / "log")
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "log").read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/fields/") as answer:  # noqa: S310
                    status = answer.status
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "log").read_text()
                time.sleep(0.2)
    finally:
        stop(process)

    assert status == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("program", "started"), [("worker", " ready."), ("beat", "beat: Starting")]
)
def test_celery_with_a_random_key_starts(tmp_path, program, started):
    process = start(program, free_port(), tmp_path / "log")
    try:
        wait_for_output(process, tmp_path / "log", started)
        time.sleep(1)
        still_running = process.poll() is None
    finally:
        stop(process)

    assert still_running, (tmp_path / "log").read_text()
    assert "SECRET_KEY" not in (tmp_path / "log").read_text()
