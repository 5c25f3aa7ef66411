"""Shared plumbing for the benchmarks: a throwaway PostgreSQL database, a gunicorn server,
and wrk as the load generator (a C program, so the 2 cores go to the server)."""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
# Several benchmark runs on one machine (or a run beside the test suite) stay apart with their
# own database names and server port.
DATABASE_SUFFIX = os.environ.get("BENCH_DATABASE_SUFFIX", "")
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# Production settings (DEBUG off) refuse a published key: each run makes its own.
BENCH_SECRET_KEY = secrets.token_urlsafe(50)


def bench_env(database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "DATABASE_CONN_MAX_AGE": "600",
        "CELERY_BROKER_URL": f"{REDIS}/14",
        "CACHE_URL": f"{REDIS}/15",
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RATELIMIT_ENABLED": "0",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
    )
    return result.stdout or ""


def database_name(name: str) -> str:
    return name + DATABASE_SUFFIX


def psql(name: str, sql: str) -> None:
    """Run SQL in the benchmark database `name` (as given to fresh_database)."""
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database_name(name), "-qc", sql],
        check=True,
    )


def fresh_database(name: str) -> dict[str, str]:
    name = database_name(name)
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    env = bench_env(name)
    manage(env, "migrate", "--noinput", "-v0")
    return env


def django_shell(env: dict[str, str], code: str) -> dict:
    """Run code in the project's Django; it prints one JSON line, which is returned."""
    output = manage(env, "shell", "-c", code, capture=True)
    return json.loads(output.strip().splitlines()[-1])


@contextmanager
def gunicorn(
    env: dict[str, str],
    workers: int,
    threads: int = 1,
    port: int = PORT,
    app: str = "config.wsgi:application",
):
    process = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread" if threads > 1 else "sync",
            "--threads",
            str(threads),
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/fields/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def wrk(
    url: str,
    script: Path,
    connections: int,
    seconds: int,
    threads: int = 2,
    label: str = "run",
    headers: dict[str, str] | None = None,
) -> dict:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    header_args = [
        arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")
    ]
    output = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            *header_args,
            "-s",
            str(script),
            url,
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    result_line = re.search(r"^RESULT (.*)$", output, re.M).group(1)
    result = {k: int(v) for k, v in (pair.split("=") for pair in result_line.split())}
    result["statuses"] = {
        int(code): int(n) for code, n in re.findall(r"^STATUS (\d+) (\d+)$", output, re.M)
    }
    return result


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    postgres = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
        text=True,
        capture_output=True,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, PostgreSQL {postgres}"
    )


def write_docs(section: str, text: str) -> None:
    """Replace one benchmark's section of docs/benchmarks.md, keeping the others."""
    path = ROOT / "docs" / "benchmarks.md"
    begin, end = f"<!-- {section} -->", f"<!-- /{section} -->"
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in current:
        before, rest = current.split(begin, 1)
        current = before + block + rest.split(end, 1)[1]
    else:
        current = current.rstrip() + f"\n\n{block}\n"
    path.write_text(current)


SEED_EVENTS = """
import json, random
from datetime import datetime, timedelta, timezone as tz
from events.models import Event, FieldOfScience, Programme
from registration.models import Seats
rng = random.Random(1)
programmes = [
    Programme.objects.create(code=f"{n:02d}-CTr/TU", title_en=f"Programme {n}")
    for n in range(1, 11)
]
majors = list(FieldOfScience.objects.filter(parent__isnull=True).values_list("pk", flat=True))
base = datetime(2024, 1, 1, 2, 0, tzinfo=tz.utc)
events = []
for n in range(EVENTS):
    start = base + timedelta(hours=rng.randint(0, 24 * 365 * 4))
    events.append(Event(
        slug=f"bench-{n}", title_en=f"Bench event {n}", kind=rng.choice(Event.Kind.values),
        scope=rng.choice(Event.Scope.values), start=start, end=start + timedelta(hours=8),
        status=rng.choice(["published"] * 8 + ["cancelled", "draft"]),
        programme=programmes[n % len(programmes)], capacity=500,
    ))
Event.objects.bulk_create(events, batch_size=2000)
Seats.objects.bulk_create([Seats(event=e, capacity=500) for e in events], batch_size=2000)
Through = Event.fields.through
Through.objects.bulk_create(
    [Through(event=e, fieldofscience_id=rng.choice(majors)) for e in events], batch_size=5000
)
print(json.dumps({"first": events[0].pk, "last": events[-1].pk}))
"""


def seed_events(env: dict[str, str], count: int) -> dict[str, int]:
    """`count` events over four years in 10 programmes, with seat counters and fields."""
    return django_shell(env, SEED_EVENTS.replace("EVENTS", str(count)))
