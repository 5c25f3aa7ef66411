"""The committee board with 2,000 abstracts of three reviews each, read by committee members
over a real server: the API board (every abstract, and filtered by score) and the board page
(a page of 50 rows, and filtered).

    python bench/committee_board.py [--abstracts 2000] [--connections 1 2] [--seconds 15]
        [--write-docs]

Target: p95 under 300 ms for each read, by one committee member reading again as soon as an
answer arrives, and by two at once (wrk, closed loop: two keep both sync workers busy all the
time, more than a committee does).
The load average of the machine before and after is written with the figures: on a shared
machine they are not those of a quiet one.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import django_shell, fresh_database, gunicorn, machine, psql, write_docs, wrk  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "bench_committee_board"
TARGET_MS = 300

SEED = """
import json
from datetime import timedelta
from decimal import Decimal
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from importlib import import_module
from django.utils import timezone
from knox.models import AuthToken
from abstracts import setup, summaries
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
# Reviews written in bulk here, not through reviewing.save_review: their figures too.
summaries.refresh(a.pk for a in abstracts)
_, token = AuthToken.objects.create(committee)
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(committee.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = committee.get_session_auth_hash()
session.create()
print(json.dumps({
    "token": token, "abstracts": len(abstracts), "reviews": len(assignments), "track": tracks[0].pk,
    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}",
}))
"""


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--abstracts", type=int, default=2000)
    parser.add_argument("--connections", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    env = fresh_database(DATABASE)
    seeded = django_shell(env, SEED.replace("ABSTRACTS", str(args.abstracts)))
    psql(DATABASE, "VACUUM ANALYZE")  # as autovacuum would have, long before
    api = {"Authorization": f"Token {seeded['token']}", "Accept": "application/json"}
    page = {"Cookie": seeded["cookie"]}
    reads = [
        ("API board, every abstract", "/api/v1/events/bench-call/abstracts/", api),
        (
            "API board, mean score 3 or more",
            "/api/v1/events/bench-call/abstracts/?min_score=3",
            api,
        ),
        ("board page, first page", "/en/organiser/events/bench-call/committee/", page),
        (
            "board page, a track, mean 3 or more, page 2",
            f"/en/organiser/events/bench-call/committee/?track={seeded['track']}&min_score=3&page=2",
            page,
        ),
    ]
    rows, failed = [], False
    load_before = load()
    with gunicorn(env, workers=2) as base:
        for connections in args.connections:
            for label, path, headers in reads:
                wrk(base + path, HERE / "get.lua", 2, 2, headers=headers)  # warm both workers
                result = wrk(
                    base + path, HERE / "get.lua", connections, args.seconds, headers=headers
                )
                p50, p95, p99 = (result[f"p{n}_us"] / 1000 for n in (50, 95, 99))
                rate = result["requests"] / (result["duration_us"] / 1e6)
                met = p95 < TARGET_MS and set(result["statuses"]) == {200}
                failed |= not met
                rows.append(
                    f"| {label} | `{path}` | {connections} | {rate:.1f} | {p50:.1f} ms"
                    f" | **{p95:.1f} ms** | {p99:.1f} ms | {'met' if met else 'NOT met'}"
                    f" | {os.getloadavg()[0]:.1f} | {result['statuses']} |"
                )
                print(rows[-1], flush=True)
    load_after = load()
    text = f"""## Committee board: {seeded["abstracts"]:,} abstracts, {seeded["reviews"]:,} reviews

Machine: {machine()}.
Load average of the machine: {load_before} before the server started, {load_after} after
the reads; the table gives the 1-minute load after each read, which counts the benchmark's own
processes too (a worker per reader, PostgreSQL, wrk). On {os.cpu_count()} cores, a load above
about 2 means other work took CPU from the server while the figures were measured.

Command: `python bench/committee_board.py --abstracts {args.abstracts} --connections
{" ".join(map(str, args.connections))} --seconds {args.seconds} --write-docs` (`make bench` runs
every benchmark). Gunicorn with 2 sync workers on PostgreSQL (analysed after seeding), rate
limits off; wrk with as many connections as committee members reading at once, each reading
again as soon as its answer arrives, for {args.seconds} s per read after a 2 s warm-up; the
API signed in with a token, the page with a session. The API board answers every abstract
(its contract: a list, about 0.5 MB here); the page shows 50 rows at a time. The figures of
the reviews (mean, spread, count) are read from each abstract's `ReviewSummary` row, kept in
the transaction of each review.

| read | address | members | requests/s | p50 | p95 | p99 | p95 < {TARGET_MS} ms | load | answers |
| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |
{chr(10).join(rows)}

Target: p95 under {TARGET_MS} ms for every read: **{"NOT met" if failed else "met"}**.
"""
    print(text)
    if args.write_docs:
        write_docs("committee-board", text)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
