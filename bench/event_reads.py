"""Reading events with 10,000 of them in the database: the API list and detail, the public
home page and event page, and the same server's minimal one-row view for scale.

    python bench/event_reads.py [--events 10000] [--seconds 15] [--connections 16]
        [--write-docs]
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import fresh_database, gunicorn, machine, seed_events, write_docs, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "bench_event_reads"
TARGETS = {  # p95 at the given connections, on two cores
    "API event list, page 1": 150,
    "API event list, filtered by field and text": 150,
    "API event detail": 100,
    "home page (upcoming events)": 200,
    "event page": 150,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    env = fresh_database(DATABASE)
    seed_events(env, args.events)
    middle = args.events // 2
    addresses = {
        "API event list, page 1": "/api/v1/events/",
        "API event list, filtered by field and text": "/api/v1/events/?field=1&q=bench",
        "API event detail": f"/api/v1/events/bench-{middle}/",
        "home page (upcoming events)": "/en/",
        "event page": f"/en/events/bench-{middle}/",
    }
    get = HERE / "get.lua"
    results = {}
    with gunicorn(env, workers=args.workers) as base:
        for label, path in addresses.items():
            wrk(base + path, get, 2, 2)  # warm every worker's caches and connections
            results[label] = wrk(base + path, get, args.connections, args.seconds)
    rows = []
    for label, result in results.items():
        rate = result["requests"] / (result["duration_us"] / 1e6)
        p95 = result["p95_us"] / 1000
        verdict = "met" if p95 < TARGETS[label] else "NOT met"
        rows.append(
            f"| {label} | `{addresses[label]}` | {rate:,.0f}/s | {result['p50_us'] / 1000:.1f} ms"
            f" | {p95:.1f} ms | {TARGETS[label]} ms: {verdict} | {result['statuses']} |"
        )
        print(rows[-1])
    text = f"""## Event reads: {args.events:,} events

Machine: {machine()}.
Command: `python bench/event_reads.py --write-docs` (`make bench` runs every benchmark).
Gunicorn with {args.workers} sync workers on PostgreSQL and Redis, wrk with
{args.connections} connections for {args.seconds} s per address after a short warm-up.
Events are spread over four years in 10 programmes, each with a seat counter and a field.

| read | address | requests/s | p50 | p95 | p95 target | answers |
| --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

The minimal one-row Django view on the same server settings is measured with the registration
burst above, in the same `make bench` run.
"""
    if args.write_docs:
        write_docs("event-reads", text)


if __name__ == "__main__":
    main()
