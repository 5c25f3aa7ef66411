"""Open-data statistics with 10,000 events and 1,000,000 registrations.

    python bench/open_data.py [--events 10000] [--registrations 1000000] [--seconds 20]

Seeds a throwaway PostgreSQL database (events through the ORM, registrations with one
INSERT ... SELECT), then measures with wrk against gunicorn:
- statistics.json under load, as the public reads it (cached until something changes);
- the same with the cache made stale before every request (every answer computed afresh),
  so the aggregate queries themselves are measured too;
- the programme page.
Target: p95 under 200 ms for statistics.json. Results go to docs/benchmarks.md.
"""

import argparse
import statistics as stats
import time
import urllib.request
from pathlib import Path

from common import (
    ROOT,
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
DATABASE = "bench_statistics"

SEED_REGISTRATIONS = """
INSERT INTO registration_registration (
    status, name, email, affiliation, country, language, participant_type, answers,
    held_choices, consent_at, consent_notice_version, public_listing, manage_token,
    ticket_code, decision_reason, checked_in_at, created_at, updated_at, event_id)
SELECT
    (ARRAY['confirmed','confirmed','confirmed','confirmed','confirmed','confirmed','confirmed',
           'pending','waitlisted','cancelled'])[1 + n % 10],
    'Bench person ' || n, 'bench' || n || '@example.org', '',
    (ARRAY['VN','VN','VN','VN','VN','VN','JP','KR','DE','FR','US','TH','SG','AU'])[1 + n % 14],
    'vi', 'delegate', '{}'::jsonb, '[]'::jsonb, now(), 'default-1', false,
    md5(n::text) || md5((n + 1)::text), upper(substr(md5('t' || n), 1, 12)), '',
    CASE WHEN n % 3 = 0 THEN now() END, now(), now(),
    FIRST + (n % EVENTS)
FROM generate_series(1, REGISTRATIONS) AS n;
ANALYZE;
"""


def seed(env: dict[str, str], events: int, registrations: int) -> float:
    began = time.monotonic()
    ids = seed_events(env, events)
    sql = (
        SEED_REGISTRATIONS.replace("FIRST", str(ids["first"]))
        .replace("EVENTS", str(events))
        .replace("REGISTRATIONS", str(registrations))
    )
    psql(DATABASE, sql)
    return time.monotonic() - began


def cold_latencies(env: dict[str, str], base: str, path: str, times: int = 5) -> list[float]:
    """Each request after making the figures stale: the aggregate queries, measured."""
    found = []
    for _ in range(times):
        django_shell(env, "from reports import services; services.figures_changed(); print('{}')")
        began = time.monotonic()
        with urllib.request.urlopen(base + path, timeout=120) as answer:  # noqa: S310
            answer.read()
        found.append((time.monotonic() - began) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    env = fresh_database(DATABASE)
    seconds_seeding = seed(env, args.events, args.registrations)
    print(f"seeded in {seconds_seeding:.0f} s")
    get = HERE / "get.lua"
    with gunicorn(env, workers=4) as base:
        cold = cold_latencies(env, base, "/api/v1/open-data/statistics.json")
        cached = wrk(
            base + "/api/v1/open-data/statistics.json", get, args.connections, args.seconds
        )
        page = wrk(base + "/en/programmes/01-ctr-tu/", get, args.connections, args.seconds)
    rows = {}
    for label, result in (("statistics.json", cached), ("programme page", page)):
        rate = result["requests"] / (result["duration_us"] / 1e6)
        rows[label] = (
            f"| {label} | {rate:,.0f}/s | {result['p50_us'] / 1000:.1f} ms | "
            f"{result['p95_us'] / 1000:.1f} ms | {result['p99_us'] / 1000:.1f} ms | "
            f"{result['statuses']} |"
        )
        print(label, rows[label])
    print("cold", [f"{ms:.0f}" for ms in cold])
    text = f"""## Open-data statistics: {args.events:,} events, {args.registrations:,} registrations

Machine: {machine()}.
Command: `python bench/open_data.py --write-docs` (`make bench` runs every benchmark).
Gunicorn with 4 sync workers, Redis cache, wrk with {args.connections} connections for
{args.seconds} s per address.
Seeding took {seconds_seeding:.0f} s (10 programmes; 80 % of events published, 10 % cancelled,
10 % drafts; 70 % of registrations confirmed, a third checked in, 14 countries).

| address | requests/s | p50 | p95 | p99 | answers |
| --- | --- | --- | --- | --- | --- |
{rows["statistics.json"]}
{rows["programme page"]}

Target: p95 under 200 ms for statistics.json: {"met" if cached["p95_us"] < 200_000 else "NOT met"}.
Figures are cached until something changes (a registration, an event, a target) or for
`STATISTICS_CACHE_SECONDS`. Computed afresh, with the cache made stale before each request
(three queries: the events, their fields, and confirmed registrations counted per event and
country over all {args.registrations:,} registrations): median
{stats.median(cold):,.0f} ms, slowest {max(cold):,.0f} ms over {len(cold)} requests.
"""
    if args.write_docs:
        write_docs("statistics", text)
    print(f"written to {ROOT / 'docs' / 'benchmarks.md'}")


if __name__ == "__main__":
    main()
