"""Reading events with 10,000 and 100,000 of them in the database: the API list (page 1 and a
filtered page), the API detail, the public home page and an event page, each against the
floor measured in the same run: a minimal DRF GET of one row (bench/baseline_wsgi.py) on the
same database and server settings.

    python bench/event_reads.py [--events 10000 100000] [--seconds 15] [--connections 16]
        [--workers 2] [--write-docs]

Targets: every read at least 0.5x the floor with p99 under 100 ms at 16 connections; at the
largest size, every read within 1.5x (of its rate) of the smallest.
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
    seed_events,
    write_docs,
    wrk,
)

HERE = Path(__file__).resolve().parent
DATABASE = "bench_event_reads"
RATIO_TARGET = 0.5
P99_TARGET_MS = 100
SCALE_TARGET = 1.5
FLOOR = "minimal DRF GET of one row (floor)"

# Seeded events have no searchable text of their own until saved: give them the text a save
# would, so that `q=` finds some. Then pick a published event from the middle to read.
PREPARE = """
import json
from events.models import Event
Event.objects.update(search_text="bench event")
middle = Event.objects.filter(status="published", pk__gte=MIDDLE).order_by("pk").first()
print(json.dumps({"slug": middle.slug, "id": middle.pk}))
"""


def addresses(slug: str) -> dict[str, str]:
    return {
        "API event list, page 1": "/api/v1/events/",
        "API event list, filtered by field and text": "/api/v1/events/?field=1&q=bench",
        "API event detail": f"/api/v1/events/{slug}/",
        "home page (upcoming events)": "/en/",
        "event page": f"/en/events/{slug}/",
    }


def rate(result: dict) -> float:
    return result["requests"] / (result["duration_us"] / 1e6)


def measure(args, events: int) -> dict[str, dict]:
    env = fresh_database(DATABASE)
    ids = seed_events(env, events)
    middle = django_shell(env, PREPARE.replace("MIDDLE", str((ids["first"] + ids["last"]) // 2)))
    psql(DATABASE, "VACUUM ANALYZE")  # as autovacuum would have, long before
    get = HERE / "get.lua"
    results = {}
    with gunicorn(env, workers=args.workers) as base:
        for label, path in addresses(middle["slug"]).items():
            wrk(base + path, get, 2, 2)  # warm every worker's caches and connections
            results[label] = wrk(base + path, get, args.connections, args.seconds)
            print(events, label, f"{rate(results[label]):.0f}/s")
    floor_env = {**env, "PYTHONPATH": str(HERE)}
    with gunicorn(floor_env, workers=args.workers, app="baseline_wsgi:application") as base:
        path = f"/drf/rows/{middle['id']}/"
        wrk(base + path, get, 2, 2)
        results[FLOOR] = wrk(base + path, get, args.connections, args.seconds)
        print(events, FLOOR, f"{rate(results[FLOOR]):.0f}/s")
    results["slug"] = middle["slug"]
    return results


def table(events: int, results: dict, smallest: dict | None) -> tuple[list[str], bool]:
    floor = rate(results[FLOOR])
    rows = [
        "| read | address | requests/s | × floor | p50 | p99 | "
        + ("× the smallest size | " if smallest else "")
        + "target | answers |",
        "| --- | --- | ---: | ---: | ---: | ---: | "
        + ("---: | " if smallest else "")
        + "--- | --- |",
    ]
    all_met = True
    results = dict(results)
    paths = {**addresses(results.pop("slug")), FLOOR: "/drf/rows/<id>/"}
    for label, result in results.items():
        ratio = rate(result) / floor
        p99 = result["p99_us"] / 1000
        met = ratio >= RATIO_TARGET and p99 < P99_TARGET_MS
        scale = ""
        if smallest:
            slower = rate(smallest[label]) / rate(result)
            met = met and slower <= SCALE_TARGET
            scale = f"{slower:.2f} | "
        errors = sum(n for code, n in result["statuses"].items() if code != 200)
        met = met and not errors
        if label != FLOOR:
            all_met = all_met and met
        rows.append(
            f"| {label} | `{paths[label]}` | {rate(result):,.0f} | **{ratio:.2f}×** | "
            f"{result['p50_us'] / 1000:.1f} ms | **{p99:.1f} ms** | {scale}"
            f"{'–' if label == FLOOR else ('met' if met else 'NOT met')} | {result['statuses']} |"
        )
    return rows, all_met


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    measured = {events: measure(args, events) for events in args.events}
    smallest = measured[args.events[0]]
    sections, verdicts = [], []
    for events, results in measured.items():
        rows, met = table(events, results, smallest if results is not smallest else None)
        verdicts.append(met)
        sections += [f"### {events:,} events", "", *rows, ""]
    text = "\n".join(
        [
            "## Event reads",
            "",
            f"Machine: {machine()}.",
            "",
            f"Command: `python bench/event_reads.py --events {' '.join(map(str, args.events))} "
            f"--seconds {args.seconds} --connections {args.connections} --workers "
            f"{args.workers}` (`make bench` runs every benchmark). Gunicorn with "
            f"{args.workers} sync workers on PostgreSQL and Redis, rate limits off, wrk with "
            f"{args.connections} connections for {args.seconds} s per address after a 2 s "
            "warm-up, anonymous readers. Events are spread over four years in 10 programmes, "
            "each with a seat counter and a field; 80 % published. The floor is a minimal DRF "
            "view reading one event row by id through a serializer "
            "(`bench/baseline_wsgi.py`), served right after on the same database and server "
            "settings.",
            "",
            *sections,
            f"Targets: every read at least {RATIO_TARGET}× the floor with p99 under "
            f"{P99_TARGET_MS} ms; at {args.events[-1]:,} events, each read's rate within "
            f"{SCALE_TARGET}× of its rate at {args.events[0]:,}: "
            f"**{'met' if all(verdicts) else 'NOT met'}**.",
        ]
    )
    print(text)
    if args.write_docs:
        write_docs("event-reads", text)


if __name__ == "__main__":
    main()
