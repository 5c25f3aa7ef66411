"""Registration burst: many concurrent clients register for ONE event over HTTP.

Starts gunicorn on a throwaway PostgreSQL database (Redis as the broker), drives
POST /api/v1/events/{slug}/registrations/ with wrk, then checks the database: confirmed never
above capacity, the seat counter equal to the confirmed rows, nobody lost. Two scenarios:
seats for everyone, and a sell-out (capacity 2,000, everyone after that on the waiting
list). The same run measures the floors this stack allows, under the same server settings:
a plain Django view that inserts one row, and a minimal DRF endpoint with a registration's
transaction shape (bench/baseline_wsgi.py); the target is a ratio to the latter.

    python bench/registration_burst.py [--connections 64] [--seconds 20] [--workers 2]
        [--write-docs]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    django_shell,
    fresh_database,
    gunicorn,
    machine,
    psql,
    write_docs,
    wrk,
)

HERE = Path(__file__).resolve().parent
DATABASE = "scievents_bench"
SCENARIOS = {"seats for everyone": None, "sell-out, then waiting list": 2000}
DRF_FLOOR = "minimal DRF endpoint: serializer, INSERT, conditional UPDATE"
FLOORS = {"plain Django view, one INSERT": "/insert/", DRF_FLOOR: "/drf/register/"}
RATIO_TARGET = 0.8
P99_TARGET_US = 250_000

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


def run_floors(env, args) -> dict[str, dict]:
    """The floors, on the same database and server settings: one INSERT, and the minimal
    DRF endpoint with a registration's transaction shape."""
    psql(DATABASE, baseline_wsgi_tables())
    env = {**env, "PYTHONPATH": str(HERE)}
    script = HERE / "register.lua"
    floors = {}
    with gunicorn(env, workers=args.workers, app="baseline_wsgi:application") as base:
        for label, path in FLOORS.items():
            wrk(f"{base}{path}", script, connections=8, seconds=2)
            floors[label] = wrk(f"{base}{path}", script, args.connections, args.seconds)
    return floors


def baseline_wsgi_tables() -> str:
    text = (HERE / "baseline_wsgi.py").read_text()
    return text.split('TABLES = """', 1)[1].split('"""', 1)[0]


def rate(result: dict, code: int | None = None) -> float:
    count = result["requests"] if code is None else result["statuses"].get(code, 0)
    return count / (result["duration_us"] / 1e6)


def ms(result: dict, key: str) -> str:
    return f"{result[key] / 1000:.0f} ms"


def report(args, scenarios: dict, floors: dict) -> tuple[str, list[str]]:
    floor = rate(floors[DRF_FLOOR], 201)
    rows = [
        "| scenario | registrations/s | × DRF floor | p50 | p95 | p99 | confirmed | waitlisted "
        "| overbooked | 5xx | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    problems, verdicts = [], []
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
        ratio = rate(result, 201) / floor
        met = ratio >= RATIO_TARGET and result["p99_us"] < P99_TARGET_US and not overbooked
        verdicts.append(met)
        rows.append(
            f"| {name} (capacity {capacity or 'unlimited'}) | **{rate(result, 201):.0f}** | "
            f"**{ratio:.2f}×** | {ms(result, 'p50_us')} | {ms(result, 'p95_us')} | "
            f"**{ms(result, 'p99_us')}** | {confirmed} | {waitlisted} | {overbooked} | "
            f"{errors} | {'met' if met else 'NOT met'} |"
        )
    for label, result in floors.items():
        rows.append(
            f"| {label} (floor) | {rate(result, 201):.0f} | "
            f"{rate(result, 201) / floor:.2f}× | {ms(result, 'p50_us')} | "
            f"{ms(result, 'p95_us')} | {ms(result, 'p99_us')} | – | – | – | – | – |"
        )
    text = "\n".join(
        [
            "## Registration burst",
            "",
            f"Machine: {machine()}.",
            "",
            f"Command: `python bench/registration_burst.py --connections {args.connections} "
            f"--seconds {args.seconds} --workers {args.workers}` (`make bench` runs every "
            f"benchmark) — gunicorn with {args.workers} sync workers, wrk with 2 threads and "
            f"{args.connections} connections, {args.seconds} s per scenario after a 2 s "
            "warm-up, rate limits off. Every registration is validated and writes its outbox "
            "email in the same transaction; Redis is the broker, no worker runs. The floors run "
            "right after, in the same run, on the same database and server settings "
            "(`bench/baseline_wsgi.py`).",
            "",
            *rows,
            "",
            f"Target: at least {RATIO_TARGET}× the minimal DRF endpoint with the same "
            "transaction shape (serializer for name and email; INSERT, then the conditional "
            f"UPDATE of the hot counter row), p99 under {P99_TARGET_US // 1000} ms at "
            f"{args.connections} connections, no overbooked seat: "
            f"**{'met' if all(verdicts) else 'NOT met'}**. The database is checked after each "
            "run: the seat counter equals the confirmed rows and every 201 is a stored row.",
        ]
    )
    return text, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--floors-only", action="store_true", help="measure the floors only")
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    if args.floors_only:
        for label, result in run_floors(env, args).items():
            print(f"{label}: {rate(result, 201):.0f}/s, p99 {ms(result, 'p99_us')}")
        return
    scenarios = {
        name: run_scenario(env, args, f"burst-{n}", capacity)
        for n, (name, capacity) in enumerate(SCENARIOS.items())
    }
    text, problems = report(args, scenarios, run_floors(env, args))
    print(text)
    if args.write_docs:
        write_docs("registration-burst", text)
    if problems:
        sys.exit("Guarantee broken: " + "; ".join(problems))


if __name__ == "__main__":
    main()
