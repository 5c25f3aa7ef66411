"""The committee board with 2,000 abstracts of three reviews each: the API board, its score
filter, and the board page, read by a committee member over a real server.

    python bench/committee_board.py [--abstracts 2000] [--requests 200] [--write-docs]

Target: p95 under 300 ms for each read. Requests are made one after the other by a small
Python client (the board is read by a handful of committee members, not by crowds).
"""

import argparse
import http.client
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_shell, fresh_database, gunicorn, machine, write_docs  # noqa: E402

DATABASE = "bench_committee_board"
TARGET_MS = 300

SEED = """
import json, secrets
from datetime import timedelta
from decimal import Decimal
from django.contrib.auth import get_user_model
from django.utils import timezone
from knox.models import AuthToken
from abstracts import setup
from abstracts.models import Abstract, Assignment, Author, ContributionType, Criterion, Review
from events.models import Event, TeamMembership

User = get_user_model()
now = timezone.now()
owner = User.objects.create_user("bench-owner", "owner@bench.org", "x")
event = Event.objects.create(
    slug="bench-call", title_en="Bench call", start=now + timedelta(days=60),
    end=now + timedelta(days=62), status="published",
)
TeamMembership.objects.create(event=event, user=owner, role="owner")
setup.configure(event, actor=owner, data={
    "opens_at": now - timedelta(days=30), "closes_at": now - timedelta(days=1),
    "review_deadline": now + timedelta(days=10),
    "tracks": [{"name_en": f"Track {n}"} for n in range(8)],
})
committee = User.objects.create_user("bench-committee", "committee@bench.org", "x")
TeamMembership.objects.create(event=event, user=committee, role="committee")
reviewers = [User.objects.create_user(f"bench-r{n}", f"r{n}@review{n}.org", "x") for n in range(60)]
TeamMembership.objects.bulk_create(
    [TeamMembership(event=event, user=r, role="reviewer") for r in reviewers]
)
tracks = list(event.tracks.all())
kind = ContributionType.objects.filter(event=event).first()
criteria = [str(c.pk) for c in Criterion.objects.filter(event=event)]
abstracts = Abstract.objects.bulk_create([
    Abstract(
        event=event, title_en=f"Abstract {n}", text_en="Words " * 200, track=tracks[n % 8],
        contribution_type=kind, consent_at=now, consent_notice_version="default-1",
        keywords=["bench"],
    )
    for n in range(ABSTRACTS)
])
Author.objects.bulk_create([
    Author(abstract=a, position=p, name=f"Author {a.pk}-{p}", email=f"a{a.pk}-{p}@uni.edu.vn",
           affiliation="University", country="VN", presenting=p == 0)
    for a in abstracts for p in range(2)
])
assignments = Assignment.objects.bulk_create([
    Assignment(abstract=a, reviewer=reviewers[(i * 3 + k) % 60])
    for i, a in enumerate(abstracts) for k in range(3)
])
Review.objects.bulk_create([
    Review(assignment=s, scores={c: 1 + (s.pk % 5) for c in criteria},
           score=Decimal(1 + s.pk % 5), recommendation="talk")
    for s in assignments
])
_, token = AuthToken.objects.create(committee)
print(json.dumps({"token": token, "abstracts": len(abstracts), "reviews": len(assignments)}))
"""


def measure(base: str, path: str, headers: dict[str, str], count: int) -> dict[str, float]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    times, statuses = [], set()
    for index in range(count + 5):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if index >= 5:  # the first few warm the worker up
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(response.status)
    connection.close()
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "statuses": sorted(statuses),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--abstracts", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    env = fresh_database(DATABASE)
    seeded = django_shell(env, SEED.replace("ABSTRACTS", str(args.abstracts)))
    headers = {"Authorization": f"Token {seeded['token']}", "Accept": "application/json"}
    addresses = {
        "API board, every abstract": "/api/v1/events/bench-call/abstracts/",
        "API board, mean score 3 or more": "/api/v1/events/bench-call/abstracts/?min_score=3",
    }
    rows, failed = [], False
    with gunicorn(env, workers=2, port=8795) as base:  # a port of its own
        for label, path in addresses.items():
            result = measure(base, path, headers, args.requests)
            verdict = "met" if result["p95"] < TARGET_MS else "NOT met"
            failed |= result["p95"] >= TARGET_MS or result["statuses"] != [200]
            rows.append(
                f"| {label} | `{path}` | {result['p50']:.1f} ms | {result['p95']:.1f} ms"
                f" | {TARGET_MS} ms: {verdict} | {result['statuses']} |"
            )
            print(rows[-1])
    text = f"""## Committee board: {seeded["abstracts"]:,} abstracts, {seeded["reviews"]:,} reviews

Machine: {machine()}.
Command: `python bench/committee_board.py --write-docs`.
Gunicorn with 2 sync workers on PostgreSQL; one committee member reads the board
{args.requests} times in a row (after 5 warm-up reads), signed in with an API token.

| read | address | p50 | p95 | p95 target | answers |
| --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}
"""
    if args.write_docs:
        write_docs("committee-board", text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
