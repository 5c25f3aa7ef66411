"""Registration burst: many concurrent clients register for ONE event over HTTP.

Starts gunicorn on a throwaway PostgreSQL database (Redis as the broker), drives
POST /api/v1/events/{slug}/registrations/ with wrk, then checks the database: confirmed never
above capacity, the seat counter equal to the confirmed rows, nobody lost. The same run
measures a plain Django view that inserts one row, under the same server settings.

    python bench/registration_burst.py [--connections 64] [--seconds 20] [--workers 5]
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_shell, fresh_database, gunicorn, machine, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "scievents_bench"

CREATE_EVENT = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from events import services
owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
start = timezone.now() + timedelta(days=30)
event = services.create_event(user=owner, data={
    "slug": "burst", "title_en": "Burst", "start": start, "end": start + timedelta(hours=8),
    "capacity": CAPACITY, "waitlist_enabled": True,
})
services.publish_event(event, user=owner)
print(json.dumps({"slug": event.slug}))
"""

CHECK = """
import json
from django.db.models import Count
from registration.models import Registration, Seats
from notifications.models import OutboundEmail
counts = dict(Registration.objects.values_list("status").annotate(n=Count("id")))
seats = Seats.objects.get(event__slug="burst")
print(json.dumps({"counts": counts, "taken": seats.taken, "capacity": seats.capacity,
                  "emails": OutboundEmail.objects.count()}))
"""


def run(args) -> dict:
    env = fresh_database(DATABASE)
    django_shell(env, CREATE_EVENT.replace("CAPACITY", str(args.capacity)))
    script = HERE / "register.lua"
    with gunicorn(env, workers=args.workers, threads=args.threads) as base:
        url = f"{base}/api/v1/events/burst/registrations/"
        wrk(url, script, connections=8, seconds=2, label="warmup")  # imports, connections
        result = wrk(url, script, connections=args.connections, seconds=args.seconds)
    state = django_shell(env, CHECK)

    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            DATABASE,
            "-qc",
            "CREATE TABLE bench_baseline (id bigserial PRIMARY KEY, body text)",
        ],
        check=True,
    )
    env["PYTHONPATH"] = str(HERE)
    with gunicorn(
        env, workers=args.workers, threads=args.threads, app="baseline_wsgi:application"
    ) as base:
        baseline = wrk(
            f"{base}/insert/", script, connections=args.connections, seconds=args.seconds
        )
    return {"result": result, "state": state, "baseline": baseline}


def summarise(args, measured: dict) -> str:
    result, state, baseline = measured["result"], measured["state"], measured["baseline"]
    seconds = result["duration_us"] / 1e6
    ok = sum(n for code, n in result["statuses"].items() if code == 201)
    server_errors = sum(n for code, n in result["statuses"].items() if code >= 500)
    confirmed = state["counts"].get("confirmed", 0)
    waitlisted = state["counts"].get("waitlisted", 0)
    overbooked = max(confirmed - state["capacity"], 0)
    baseline_rate = baseline["requests"] / (baseline["duration_us"] / 1e6)
    rate = ok / seconds
    lines = [
        f"- machine: {machine()}",
        f"- command: `python bench/registration_burst.py --connections {args.connections} "
        f"--seconds {args.seconds} --workers {args.workers} --threads {args.threads} "
        f"--capacity {args.capacity}`",
        f"- gunicorn: {args.workers} workers x {args.threads} threads; "
        f"wrk: 2 threads, {args.connections} connections",
        f"- registrations: **{rate:.0f}/s** sustained over {seconds:.0f} s ({ok} created, "
        f"statuses {json.dumps(result['statuses'])})",
        f"- latency: p50 {result['p50_us'] / 1000:.1f} ms, p95 {result['p95_us'] / 1000:.1f} ms, "
        f"**p99 {result['p99_us'] / 1000:.1f} ms**, max {result['max_us'] / 1000:.1f} ms",
        f"- database after the run: {confirmed} confirmed, {waitlisted} waitlisted "
        f"(capacity {state['capacity']}, seat counter {state['taken']}), "
        f"{state['emails']} outbox emails; **overbooked seats: {overbooked}**, "
        f"**5xx: {server_errors}**",
        f"- plain Django view inserting one row, same server: {baseline_rate:.0f} requests/s "
        f"(p99 {baseline['p99_us'] / 1000:.1f} ms); registration runs at "
        f"{rate / baseline_rate:.0%} of it",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--capacity", type=int, default=5000)
    args = parser.parse_args()
    measured = run(args)
    print(summarise(args, measured))
    state = measured["state"]
    if state["counts"].get("confirmed", 0) > state["capacity"] or state["taken"] != state[
        "counts"
    ].get("confirmed", 0):
        sys.exit("Seat guarantee broken: see the counts above.")


if __name__ == "__main__":
    main()
