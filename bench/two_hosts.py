"""Two web hosts behind one address, simulated on one machine: two gunicorn groups sharing
PostgreSQL and Redis, haproxy (Debian package `haproxy`) balancing them round robin.

Measures, in the same run, one group alone and the two groups behind haproxy, for the event
page and for registrations to one event; afterwards the database must hold exactly the
registrations answered 201 (no request lost or doubled between hosts).

    python bench/two_hosts.py [--workers 2] [--seconds 10] [--write-docs]
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, django_shell, fresh_database, gunicorn, machine, seed_events, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = os.environ.get("BENCH_TWO_HOSTS_DATABASE", "scievents_two_hosts")
FRONT, HOST_A, HOST_B = 8770, 8771, 8772

EVENT = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from events import services
owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
start = timezone.now() + timedelta(days=30)
event = services.create_event(user=owner, data={
    "slug": "two-hosts", "title_en": "Two hosts", "start": start,
    "end": start + timedelta(hours=8)})
services.publish_event(event, user=owner)
print(json.dumps({"event": event.pk}))
"""

COUNT = """
import json
from registration.models import Registration
people = Registration.objects.filter(event__slug="two-hosts")
addresses = people.values("email").distinct().count()
print(json.dumps({"stored": people.count(), "addresses": addresses}))
"""

HAPROXY = """
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    option http-keep-alive
frontend web
    bind 127.0.0.1:{front}
    default_backend hosts
backend hosts
    balance roundrobin
    server a 127.0.0.1:{a}
    server b 127.0.0.1:{b}
"""


@contextmanager
def haproxy():
    binary = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if binary is None:
        sys.exit("haproxy is needed: apt-get install haproxy")
    folder = Path(tempfile.mkdtemp())
    config = folder / "haproxy.cfg"
    config.write_text(HAPROXY.format(front=FRONT, a=HOST_A, b=HOST_B))
    process = subprocess.Popen([binary, "-f", str(config), "-db"], stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{FRONT}/api/v1/fields/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{FRONT}"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def measure(base: str, args, label: str) -> dict[str, dict]:
    page, register = (
        f"{base}/en/events/bench-500/",
        f"{base}/api/v1/events/two-hosts/registrations/",
    )
    wrk(page, HERE / "get.lua", 4, 2)  # warm every worker's connections
    return {
        "event page": wrk(page, HERE / "get.lua", 16, args.seconds),
        "registration": wrk(register, HERE / "register.lua", 64, args.seconds, label=label),
    }


def write_scaling(text: str) -> None:
    """Replace the measured section of docs/scaling.md, keeping the rest."""
    path = ROOT / "docs" / "scaling.md"
    begin, end = "<!-- two-hosts -->", "<!-- /two-hosts -->"
    current = path.read_text()
    before, rest = current.split(begin, 1)
    path.write_text(before + f"{begin}\n{text}\n{end}" + rest.split(end, 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    seed_events(env, 1000)
    django_shell(env, EVENT)
    with ExitStack() as stack:
        one = stack.enter_context(gunicorn(env, workers=args.workers, port=HOST_A))
        alone = measure(one, args, "one")
        stack.enter_context(gunicorn(env, workers=args.workers, port=HOST_B))
        front = stack.enter_context(haproxy())
        behind = measure(front, args, "two")
    answers = {"one host": alone["registration"]["statuses"]}
    answers["two hosts"] = behind["registration"]["statuses"]
    created = sum(r["registration"]["statuses"].get(201, 0) for r in (alone, behind))
    counts = django_shell(env, COUNT)
    stored = counts["stored"]
    # wrk stops counting at the deadline while the server finishes what it has taken: more
    # rows than 201s is expected; fewer, or one address twice, is not.
    sound = stored >= created and counts["addresses"] == stored
    lines = [
        f"Machine: {machine()}.",
        "",
        f"Command: `python bench/two_hosts.py --workers {args.workers} --seconds "
        f"{args.seconds}` — each host a gunicorn with {args.workers} sync workers; wrk with 16 "
        "connections for the event page, 64 for registrations, "
        f"{args.seconds} s each; 1,000 events.",
        "",
        "| read or write | one host, direct | two hosts behind haproxy | ratio | p99 one / two |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name in ("event page", "registration"):
        a, b = alone[name], behind[name]
        rate_a = a["requests"] / a["duration_us"] * 1e6
        rate_b = b["requests"] / b["duration_us"] * 1e6
        lines.append(
            f"| {name} | {rate_a:.0f}/s | {rate_b:.0f}/s | {rate_b / rate_a:.2f}× | "
            f"{a['p99_us'] / 1000:.0f} ms / {b['p99_us'] / 1000:.0f} ms |"
        )
    lines += [
        "",
        f"Registrations answered 201: {created}; stored: {stored}, each address once "
        "(requests still in flight when wrk stopped are stored but not counted) — "
        f"{'none lost or doubled' if sound else 'LOST OR DOUBLED'}. Answers: "
        f"{json.dumps(answers)}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_scaling(text)
    if not sound:
        sys.exit("Registrations were lost or doubled.")


if __name__ == "__main__":
    main()
