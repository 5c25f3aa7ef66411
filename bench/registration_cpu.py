"""CPU per registration in one process, next to the DRF floor's, on a throwaway database.

Throughput on a shared 2-core machine says little; the CPU time one request costs the web
process does not depend on what else runs. This calls each WSGI application directly (no
gunicorn, no network client), `--requests` times after a warm-up (in five rounds, the
fastest kept), and prints the process's CPU milliseconds per request, and those of the
PostgreSQL server process behind its connection (when the server runs on this machine), for
our registration endpoint and for the minimal DRF endpoint of bench/baseline_wsgi.py (the floor of
bench/registration_burst.py), with the same settings as the burst (DEBUG off, rate limits
off, PostgreSQL and Redis). `--profile` prints the heaviest functions of each endpoint
(cProfile on CPU time; SORT=tottime and TOP=100 in the environment change the listing);
`--py-spy FILE` records it with py-spy instead (raw stacks).

On a shared machine CPU time moves with the neighbours. `--instructions` counts instead the
machine instructions one request executes in the web process's request thread, under
valgrind's callgrind (Debian package `valgrind`; about fifty times slower, so use a few
hundred requests): the same code gives the same count whatever else runs, so a change that
saves 2% shows as 2%. The outbox's waker thread is left out: under valgrind a request takes
so long that it would publish a wake-up for nearly every one, against one per 0.2 s of a
real server.

    python bench/registration_cpu.py [--requests 2000] [--profile]
    python bench/registration_cpu.py --instructions [--requests 300]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, ROOT, django_shell, fresh_database, psql  # noqa: E402
from registration_burst import CREATE_EVENT, baseline_wsgi_tables  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "scievents_cpu"
OUR_URL = "/api/v1/events/cpu/registrations/"
FLOOR_URL = "/drf/register/"

# Runs in a child process: one WSGI application, called in a loop.
LOOP = r"""
import io, json, os, sys, time
app_path, url, count, profile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
module, name = app_path.split(":")
application = getattr(__import__(module, fromlist=[name]), name)
run = os.urandom(4).hex()
statuses = {}

def start_response(status, headers, exc_info=None):
    statuses[status] = statuses.get(status, 0) + 1

def call(n):
    body = json.dumps({"name": f"Bench {n}", "email": f"{run}-{n}@bench.example.org",
                       "consent": True, "country": "VN", "language": "vi"}).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": url, "QUERY_STRING": "", "SERVER_NAME":
        "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST":
        "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    response = application(environ, start_response)
    b"".join(response)
    response.close()

for n in range(200):
    call(n)
statuses.clear()
# The database's share: CPU of the server process behind this process's connection (local).
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_backend_pid()")
    backend = cursor.fetchone()[0]

def backend_cpu():
    try:
        fields = open(f"/proc/{backend}/stat").read().rsplit(")", 1)[1].split()
    except OSError:  # the server runs elsewhere
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
if profile:
    import cProfile, pstats
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
# Five rounds; the fastest says most about the code (the others lost time to neighbours).
rounds, n = [], 200
for _ in range(5):
    cpu, wall, db = time.process_time(), time.perf_counter(), backend_cpu()
    for n in range(n, n + count // 5):
        call(n)
    n += 1
    rounds.append((time.process_time() - cpu, time.perf_counter() - wall, backend_cpu() - db))
cpu, wall, db = min(rounds)
count = count // 5
if profile:
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr)
    stats.sort_stats(os.environ.get("SORT", "cumulative"))
    stats.print_stats(int(os.environ.get("TOP", "60")))
print(json.dumps({"cpu_ms": cpu * 1000 / count, "wall_ms": wall * 1000 / count,
                  "db_cpu_ms": db * 1000 / count,
                  "statuses": statuses}))
"""


def _loop(app: str, url: str, count: int, profile: bool = False) -> list[str]:
    """The command that runs LOOP: `count` requests after the warm-up, in five rounds."""
    return [PYTHON, "-c", LOOP, app, url, str(count), "1" if profile else "0"]


def measure(env: dict, app: str, url: str, count: int, profile: bool, spy: str = "") -> dict:
    command = _loop(app, url, count, profile)
    if spy:  # sampled, so the figures printed stay close to the real ones
        spy_bin = Path(PYTHON).parent / "py-spy"
        command = [
            str(spy_bin) if spy_bin.exists() else "py-spy",
            "record",
            "-r",
            "1000",
            "-f",
            "raw",
            "-o",
            spy,
            "--",
            *command,
        ]
    output = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=not spy,  # py-spy may exit non-zero when the process it watched has ended
        text=True,
        stdout=subprocess.PIPE,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def instructions(env: dict, app: str, url: str, count: int) -> float:
    """Millions of instructions per request in the request thread: two runs under callgrind,
    with the same warm-up and `count` requests more in the second, subtracted."""
    count -= count % 5  # LOOP makes count // 5 requests in each of its five rounds
    totals = []
    for requests in (5, count + 5):  # at least one request per round
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "callgrind.out"
            subprocess.run(
                [
                    "valgrind",
                    "--tool=callgrind",
                    "--separate-threads=yes",
                    f"--callgrind-out-file={out}",
                    *_loop(app, url, requests),
                ],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
            # One file per thread, "-01" the main thread's: it serves the requests.
            totals.append(_total_instructions(Path(f"{out}-01")))
    return (totals[1] - totals[0]) / count / 1e6


def _total_instructions(path: Path) -> int:
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="cProfile our endpoint")
    parser.add_argument("--py-spy", default="", help="record our endpoint to this file (raw)")
    parser.add_argument("--capacity", type=int, default=None, help="seats (default: no limit)")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions under callgrind"
    )
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    django_shell(env, CREATE_EVENT.replace("SLUG", "cpu").replace("CAPACITY", repr(args.capacity)))
    psql(DATABASE, baseline_wsgi_tables())
    if args.instructions:
        floor_env = {**env, "PYTHONPATH": str(HERE)}
        ours_m = instructions(env, "config.wsgi:application", OUR_URL, args.requests)
        floor_m = instructions(floor_env, "baseline_wsgi:application", FLOOR_URL, args.requests)
        print(f"registration: {ours_m:.3f} M instructions per request (request thread)")
        print(f"DRF floor: {floor_m:.3f} M instructions per request")
        print(f"instruction ratio (ours / floor): {ours_m / floor_m:.2f}")
        return
    ours = measure(
        env,
        "config.wsgi:application",
        OUR_URL,
        args.requests,
        args.profile,
        args.py_spy,
    )
    floor = measure(
        {**env, "PYTHONPATH": str(HERE)},
        "baseline_wsgi:application",
        FLOOR_URL,
        args.requests,
        args.profile,
    )
    for label, result in (("registration", ours), ("DRF floor", floor)):
        print(
            f"{label}: {result['cpu_ms']:.2f} ms CPU, {result['wall_ms']:.2f} ms wall, "
            f"{result['db_cpu_ms']:.2f} ms database CPU per request ({result['statuses']})"
        )
    print(f"CPU ratio (ours / floor): {ours['cpu_ms'] / floor['cpu_ms']:.2f}")
    if floor["db_cpu_ms"]:
        print(f"database CPU ratio (ours / floor): {ours['db_cpu_ms'] / floor['db_cpu_ms']:.2f}")


if __name__ == "__main__":
    main()
