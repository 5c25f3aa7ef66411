"""Reminder fan-out: one reminder due for an event with many confirmed registrations.

Measures from the moment the reminder scan is asked to run until the local SMTP sink has
received every email, with the batched fan-out (a task per 200 deliveries, one SMTP
connection each). The floor, in the same run: raw smtplib, one connection, one process,
sending emails of the same average size to the same sink — what the sink and the machine
allow. Optionally also naively, one Celery task per email, on a smaller set. The sink counts
deliveries per recipient, so repeats would show.

    python bench/reminder_fanout.py [--recipients 100000] [--floor 30000] [--naive 0]
        [--workers 1] [--pool threads] [--concurrency 32] [--sink-processes 2] [--write-docs]
"""

import argparse
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    PYTHON,
    ROOT,
    database_name,
    django_shell,
    fresh_database,
    machine,
    write_docs,
)

HERE = Path(__file__).resolve().parent
# Another database or sink port for a run beside someone else's (BENCH_REDIS picks Redis).
DATABASE = os.environ.get("BENCH_FANOUT_DATABASE", "scievents_fanout")
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "2599"))

SETUP = """
import json
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from events import services
from registration.models import Registration
owner, _ = get_user_model().objects.get_or_create(username="bench-owner")
start = timezone.now() + timedelta(days=3)
event = services.create_event(user=owner, data={
    "slug": "SLUG", "title_en": "Fan-out", "start": start, "end": start + timedelta(hours=8)})
services.publish_event(event, user=owner)
event.reminder_rules.all().delete()
past = timezone.now() - timedelta(hours=1)
Registration.objects.bulk_create(
    (Registration(event=event, status="confirmed", name=f"Person {n}", language="vi",
                  email=f"SLUG-{n}@bench.example.org", consent_at=past, created_at=past,
                  consent_notice_version="bench") for n in range(COUNT)),
    batch_size=5000)
Registration.objects.filter(event=event).update(created_at=past)
# The size of one reminder, for the floor's emails (rendered, not saved).
from notifications.models import Delivery, Message
from notifications.rendering import render
person = Registration.objects.filter(event=event).first()
sample = Delivery(kind="message", message=Message(event=event, kind="reminder"),
                  registration=person, to_email=person.email, language=person.language)
print(json.dumps({"event": event.pk, "size": len(render(sample).message().as_bytes("\\r\\n"))}))
"""

FIRE = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import Event
from notifications import reminders
from notifications.models import ReminderRule
from notifications.tasks import fire_due_reminders
import time
event = Event.objects.get(slug="SLUG")
asked = time.time()
reminders.save_rule(ReminderRule(event=event, send_at=timezone.now() - timedelta(seconds=1)))
fire_due_reminders.delay()
print(json.dumps({"asked": asked}))
"""

NAIVE = """
import json
from events.models import Event
from notifications.models import Message
from notifications.tasks import deliver_email
event = Event.objects.get(slug="SLUG")
message = Message.objects.create(event=event, kind=Message.Kind.REMINDER)
from django.db import transaction
from notifications.models import Delivery
from registration.models import Registration
with transaction.atomic():
    Delivery.objects.bulk_create(
        [Delivery(kind="message", message=message, event=event, registration_id=pk,
                  to_email=email, language=lang)
         for pk, email, lang in Registration.objects.filter(event=event)
         .values_list("pk", "email", "language")], batch_size=5000)
import time
asked = time.time()
for pk in Delivery.objects.filter(message=message).values_list("pk", flat=True):
    deliver_email.apply_async((pk,), queue="bulk")  # one task per email
print(json.dumps({"asked": asked}))
"""


def delivery_states(slug: str) -> dict[str, int]:
    """Counted with psql: a Django process per poll would take the workers' CPU."""
    query = (
        "SELECT d.state, count(*) FROM notifications_delivery d "
        "JOIN events_event e ON e.id = d.event_id "
        f"WHERE e.slug = '{slug}' GROUP BY d.state"
    )
    output = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database_name(DATABASE),
            "-AtF",
            " ",
            "-c",
            query,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {state: int(n) for state, n in (line.split() for line in output.splitlines())}


def start_sink(processes: int) -> subprocess.Popen:
    sink = subprocess.Popen(
        [PYTHON, str(HERE / "smtp_counter.py"), "--port", str(SMTP_PORT)]
        + ["--processes", str(processes)],
        stdout=subprocess.PIPE,
        text=True,
    )
    if sink.stdout.readline().strip() != "ready":
        raise RuntimeError("the SMTP sink did not start")
    return sink


def stop_sink(sink: subprocess.Popen, started: float) -> dict:
    sink.send_signal(signal.SIGTERM)
    summary = json.loads(sink.communicate(timeout=60)[0].strip().splitlines()[-1])
    summary["seconds"] = (summary["last"] or started) - started
    summary["first_after"] = (summary["first"] or started) - started
    summary["rate"] = summary["received"] / summary["seconds"] if summary["seconds"] else 0
    return summary


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def backends(database: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving `database` (by its process title;
    the server's shared processes, the WAL writer and checkpointer, serve every database)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if title.startswith("postgres: ") and f" {database} " in title:
                found[int(entry.name)] = cpu_seconds(int(entry.name))
        except (OSError, ValueError):  # gone meanwhile
            continue
    return found


def database_cpu(database: str, before: dict[int, float]) -> float:
    """CPU seconds the backends of `database` used since `before` (a backend that ended
    meanwhile is not counted: the workers' connections stay open)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in backends(database).items())


def redis_cpu(url: str) -> float:
    """The Redis server's CPU seconds so far (it is the broker's, and the cache's)."""
    info = subprocess.run(
        ["redis-cli", "-u", url, "info", "cpu"], check=True, capture_output=True, text=True
    ).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    return float(fields["used_cpu_user"]) + float(fields["used_cpu_sys"])


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far: what else ran shows too."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


def busy_cores(before: tuple[float, float]) -> float:
    """How many cores were busy on average since `before`, by anything on the machine."""
    busy, total = machine_busy()
    return (busy - before[0]) / (total - before[1]) * (os.cpu_count() or 1)


def floor(count: int, size: int, sink_processes: int = 1) -> dict:
    """Raw smtplib: one connection, one process, prebuilt emails of `size` bytes, each to its
    own recipient (envelope and To), to the same sink."""
    head = "From: bench@localhost\r\nTo: {to}\r\nSubject: Floor\r\nMIME-Version: 1.0\r\n\r\n"
    line = "x" * 76 + "\r\n"
    body = (line * (max(size - len(head) - 40, 0) // len(line) + 1)).encode()
    sink = start_sink(sink_processes)
    machine = machine_busy()
    started = time.time()
    try:
        with smtplib.SMTP("127.0.0.1", SMTP_PORT) as server:
            for n in range(count):
                to = f"floor-{n}@bench.example.org"
                server.sendmail("bench@localhost", [to], head.format(to=to).encode() + body)
    finally:
        summary = stop_sink(sink, started)
    summary["busy_cores"] = busy_cores(machine)
    summary["count"] = count
    summary["states"] = {}
    summary["worker_cpu"] = summary["database_cpu"] = summary["redis_cpu"] = 0.0
    return summary


def setup(env, slug: str, count: int) -> int:
    """An event with `count` confirmed people; returns the size of their reminder email."""
    return django_shell(env, SETUP.replace("SLUG", slug).replace("COUNT", str(count)))["size"]


def run(env, args, slug: str, count: int, fire: str) -> dict:
    sink = start_sink(args.sink_processes)
    workers = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--queues=bulk",
                f"--pool={args.pool}",
                f"--concurrency={args.concurrency}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=bench{n}@%h",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in range(args.workers)
    ]
    started = time.time()
    try:
        time.sleep(3)  # let the workers connect before the reminder is asked for
        worker_cpu = sum(cpu_seconds(w.pid) for w in workers)
        database = backends(database_name(DATABASE))
        broker = redis_cpu(env["CELERY_BROKER_URL"])
        machine = machine_busy()
        # The clock starts when the reminder is asked for, in that process: the seconds a
        # fresh Django process takes to start are the benchmark's, not the fan-out's.
        started = django_shell(env, fire.replace("SLUG", slug))["asked"]
        deadline = started + args.timeout
        while time.time() < deadline:
            states = delivery_states(slug)
            if states.get("sent", 0) + states.get("failed", 0) >= count:
                break
            time.sleep(0.5)
        cores = busy_cores(machine)
        # prefork: the pool's children do the work
        pids = [w.pid for w in workers] + [
            int(child)
            for w in workers
            for child in Path(f"/proc/{w.pid}/task/{w.pid}/children").read_text().split()
        ]
        worker_cpu = sum(cpu_seconds(pid) for pid in pids) - worker_cpu
        database = database_cpu(database_name(DATABASE), database)
        broker = redis_cpu(env["CELERY_BROKER_URL"]) - broker
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        summary = stop_sink(sink, started)
    summary["busy_cores"] = cores
    summary["worker_cpu"] = worker_cpu
    summary["database_cpu"] = database
    summary["redis_cpu"] = broker
    summary["states"] = states
    summary["count"] = count
    return summary


CPU = ("worker_cpu", "cpu", "database_cpu", "redis_cpu")  # the parts the fan-out takes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--floor", type=int, default=30_000, help="emails for the floor")
    parser.add_argument("--naive", type=int, default=0, help="emails, a task each (0: skip)")
    # Two processes of 16 threads: a process's threads write their sent marks together
    # (notifications/marks.py), one statement and commit at a time, and its threads hide the
    # commits' waits; one process alone (even of 32 threads) is held by its interpreter lock
    # to about a core and left the other partly idle (1,612 emails/s, 0.69x the floor, against
    # 2,107-2,282/s, 0.90-0.94x, with two of 16 on the same quiet machine, 2026-12-01).
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pool", default="threads", help="Celery pool of each worker")
    parser.add_argument("--concurrency", type=int, default=16, help="threads per worker")
    # Two: one aiosmtpd process cannot take what parallel senders hand over on this machine;
    # the floor's one connection meets one of them, as it would meet one process anyway.
    parser.add_argument(
        "--sink-processes", type=int, default=2, help="sink processes sharing the port"
    )
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
        CELERY_BROKER_URL=env["CELERY_BROKER_URL"],
        PYTHONWARNINGS="ignore",
    )
    subprocess.run(
        ["redis-cli", "-u", env["CELERY_BROKER_URL"], "flushdb"], check=True, capture_output=True
    )
    size = setup(env, "fanout", args.recipients)
    # The floor before and after the fan-out, on the same sink: the machine is the same for
    # both only if nothing else changed meanwhile, and the ratio is taken to the faster one.
    before = floor(args.floor, size, args.sink_processes)
    batched = run(env, args, "fanout", args.recipients, FIRE)
    after = floor(args.floor, size, args.sink_processes)
    raw = max(before, after, key=lambda result: result["rate"])
    runs = [
        ("floor before: raw smtplib, one connection", before),
        ("batched fan-out", batched),
        ("floor after", after),
    ]
    if args.naive:
        setup(env, "naive", args.naive)
        runs.append(("naive: a task per email", run(env, args, "naive", args.naive, NAIVE)))
    ratio = batched["rate"] / raw["rate"] if raw["rate"] else 0
    exactly_once = not batched["repeated"] and batched["received"] == args.recipients
    met = batched["rate"] >= 1000 and ratio >= 0.8 and exactly_once
    sink = (
        f"{args.sink_processes} aiosmtpd sink process{'es' if args.sink_processes > 1 else ''} "
        f"({batched['loop']}) on one port of 127.0.0.1, counting deliveries per recipient"
    )
    lines = [
        "## Reminder fan-out",
        "",
        f"Machine: {machine()}.",
        "",
        f"Command: `python bench/reminder_fanout.py --recipients {args.recipients} "
        f"--floor {args.floor} --naive {args.naive} --workers {args.workers} "
        f"--pool {args.pool} --concurrency {args.concurrency} "
        f"--sink-processes {args.sink_processes}` — {args.workers} Celery worker "
        f"processes ({args.pool} pool, {args.concurrency} each) on the bulk queue, Redis "
        f"broker, PostgreSQL, {sink}. "
        "Time runs from asking for the reminder scan to the last email the sink received. "
        f"The floor sends prebuilt emails of the fan-out's size ({size} bytes) over "
        "one smtplib connection from one process to the same sink, before and after the "
        "fan-out. CPU: milliseconds per email of the workers, the sink, the database's "
        "backends and Redis; busy cores: "
        "the machine's, by anything running on it.",
        "",
        "| run | emails | seconds | first email after | emails/s | received | repeated "
        "| workers CPU | sink CPU | PostgreSQL CPU | Redis CPU | CPU in all | busy cores "
        "| states |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    for name, result in runs:
        per_email = 1000 / max(result["received"], 1)
        lines.append(
            f"| {name} | {result['count']} | {result['seconds']:.1f} | "
            f"{result['first_after']:.1f} s | "
            f"**{result['rate']:.0f}** | {result['received']} | {result['repeated']} | "
            f"{result['worker_cpu'] * per_email:.2f} ms | {result['cpu'] * per_email:.2f} ms | "
            f"{result['database_cpu'] * per_email:.2f} ms | "
            f"{result['redis_cpu'] * per_email:.2f} ms | "
            f"**{sum(result[k] for k in CPU) * per_email:.2f} ms** | "
            f"{result['busy_cores']:.1f} of {os.cpu_count()} | {json.dumps(result['states'])} |"
        )
    lines += [
        "",
        f"Fan-out / floor: **{ratio:.2f}×** (to the faster floor). Target: at least 1,000 "
        f"emails/s and 0.8× the floor, exactly once — {'met' if met else 'NOT met'}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_docs("reminder-fanout", text)
    if not exactly_once:
        sys.exit("Fan-out was not exactly once.")


if __name__ == "__main__":
    main()
