"""Registration burst: many concurrent clients register for ONE event over HTTP.

Starts gunicorn on a throwaway PostgreSQL database (Redis as the broker), drives
POST /api/v1/events/{slug}/registrations/ with wrk, then checks the database: confirmed never
above capacity, the seat counter equal to the confirmed rows, nobody lost. Two scenarios:
seats for everyone, and a sell-out (capacity 2,000, everyone after that on the waiting
list). The same run measures a plain Django view that inserts one row, under the same
server settings, as the floor this stack allows.

    python bench/registration_burst.py [--connections 64] [--seconds 20] [--workers 2]
        [--write-docs]
"""

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_shell, fresh_database, gunicorn, machine, write_docs, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "scievents_bench"
SCENARIOS = {"seats for everyone": None, "sell-out, then waiting list": 2000}

CREATE_EVENT = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from events import services
owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
start = timezone.now() + timedelta(days=30)
event = services.create_event(user=owner, data={
    "slug": "SLUG", "title_en": "Burst", "start": start, "end": start + timedelta(hours=8),
    "capacity": CAPACITY, "waitlist_enabled": True,
})
services.publish_event(event, user=owner)
print(json.dumps({"slug": event.slug}))
"""

CHECK = """
import json
from django.db.models import Count
from registration.models import Registration, Seats
from notifications.models import Delivery
rows = Registration.objects.filter(event__slug="SLUG")
counts = dict(rows.values_list("status").annotate(n=Count("id")))
seats = Seats.objects.get(event__slug="SLUG")
emails = Delivery.objects.filter(event__slug="SLUG").count()
print(json.dumps({"counts": counts, "taken": seats.taken, "capacity": seats.capacity,
                  "emails": emails, "registrations": rows.count()}))
"""


def run_scenario(env, args, slug: str, capacity: int | None) -> dict:
    code = CREATE_EVENT.replace("SLUG", slug).replace("CAPACITY", repr(capacity))
    django_shell(env, code)
    script = HERE / "register.lua"
    with gunicorn(env, workers=args.workers) as base:
        url = f"{base}/api/v1/events/{slug}/registrations/"
        warm = wrk(url, script, connections=8, seconds=2, label=f"{slug}-warm")
        result = wrk(url, script, connections=args.connections, seconds=args.seconds, label=slug)
    state = django_shell(env, CHECK.replace("SLUG", slug))
    state["warmup_created"] = warm["statuses"].get(201, 0)
    return {"result": result, "state": state}


def run_baseline(env, args) -> dict:
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
    env = {**env, "PYTHONPATH": str(HERE)}
    with gunicorn(env, workers=args.workers, app="baseline_wsgi:application") as base:
        return wrk(f"{base}/insert/", HERE / "register.lua", args.connections, args.seconds)


def rate(result: dict, code: int | None = None) -> float:
    count = result["requests"] if code is None else result["statuses"].get(code, 0)
    return count / (result["duration_us"] / 1e6)


def report(args, scenarios: dict, baseline: dict) -> tuple[str, list[str]]:
    floor = rate(baseline)
    rows = [
        "| scenario | registrations/s | p50 | p95 | p99 | confirmed | waitlisted | "
        "overbooked | 5xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    problems = []
    for name, measured in scenarios.items():
        result, state = measured["result"], measured["state"]
        confirmed = state["counts"].get("confirmed", 0)
        waitlisted = state["counts"].get("waitlisted", 0)
        capacity = state["capacity"]
        overbooked = 0 if capacity is None else max(confirmed - capacity, 0)
        errors = sum(n for code, n in result["statuses"].items() if code >= 500)
        # Requests still in flight when wrk stops are stored but never seen: rows may exceed
        # the 201s seen, never the other way round.
        lost = result["statuses"].get(201, 0) + state["warmup_created"] - state["registrations"]
        if overbooked or errors or state["taken"] != confirmed or lost > 0:
            problems.append(f"{name}: overbooked {overbooked}, 5xx {errors}, lost {lost}")
        rows.append(
            f"| {name} (capacity {capacity or 'unlimited'}) | **{rate(result, 201):.0f}** | "
            f"{result['p50_us'] / 1000:.0f} ms | {result['p95_us'] / 1000:.0f} ms | "
            f"**{result['p99_us'] / 1000:.0f} ms** | {confirmed} | {waitlisted} | "
            f"{overbooked} | {errors} |"
        )
    rows.append(
        f"| plain Django view, one INSERT (floor) | {floor:.0f} | "
        f"{baseline['p50_us'] / 1000:.0f} ms | {baseline['p95_us'] / 1000:.0f} ms | "
        f"{baseline['p99_us'] / 1000:.0f} ms | – | – | – | – |"
    )
    text = "\n".join(
        [
            f"Machine: {machine()}.",
            "",
            f"Command: `python bench/registration_burst.py --connections {args.connections} "
            f"--seconds {args.seconds} --workers {args.workers}` — gunicorn with "
            f"{args.workers} sync workers, wrk with 2 threads and {args.connections} "
            f"connections, {args.seconds} s per scenario after a 2 s warm-up. Every "
            "registration writes its outbox email in the same transaction; Redis is the "
            "broker, no worker runs.",
            "",
            *rows,
            "",
            "Target: 500 registrations/s sustained on one event, p99 under 250 ms at 64 "
            "clients, no overbooked seat, no 5xx. The database is checked after each run: "
            "the seat counter equals the confirmed rows and every 201 is a stored row.",
        ]
    )
    return text, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    scenarios = {
        name: run_scenario(env, args, f"burst-{n}", capacity)
        for n, (name, capacity) in enumerate(SCENARIOS.items())
    }
    text, problems = report(args, scenarios, run_baseline(env, args))
    print(text)
    if args.write_docs:
        write_docs("registration-burst", text)
    if problems:
        sys.exit("Guarantee broken: " + "; ".join(problems))


if __name__ == "__main__":
    main()
