"""Reminder fan-out: one reminder due for an event with many confirmed registrations.

Measures from the moment the reminder scan is asked to run until the local SMTP sink has
received every email, with the batched fan-out (a task per 200 deliveries, one SMTP
connection each) and, in the same run, naively with one Celery task per email on a smaller
set. The sink counts deliveries per recipient, so repeats would show.

    python bench/reminder_fanout.py [--recipients 100000] [--naive 10000] [--workers 2]
        [--write-docs]
"""

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import PYTHON, ROOT, django_shell, fresh_database, machine, write_docs  # noqa: E402

HERE = Path(__file__).resolve().parent
DATABASE = "scievents_fanout"
SMTP_PORT = 2599

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
print(json.dumps({"event": event.pk}))
"""

FIRE = """
import json
from datetime import timedelta
from django.utils import timezone
from events.models import Event
from notifications import reminders
from notifications.models import ReminderRule
from notifications.tasks import fire_due_reminders
event = Event.objects.get(slug="SLUG")
reminders.save_rule(ReminderRule(event=event, send_at=timezone.now() - timedelta(seconds=1)))
fire_due_reminders.delay()
print(json.dumps({"asked": True}))
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
for pk in Delivery.objects.filter(message=message).values_list("pk", flat=True):
    deliver_email.apply_async((pk,), queue="bulk")  # one task per email
print(json.dumps({"asked": True}))
"""


def delivery_states(slug: str) -> dict[str, int]:
    """Counted with psql: a Django process per poll would take the workers' CPU."""
    query = (
        "SELECT d.state, count(*) FROM notifications_delivery d "
        "JOIN events_event e ON e.id = d.event_id "
        f"WHERE e.slug = '{slug}' GROUP BY d.state"
    )
    output = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-AtF", " ", "-c", query],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {state: int(n) for state, n in (line.split() for line in output.splitlines())}


def run(env, args, slug: str, count: int, fire: str) -> dict:
    django_shell(env, SETUP.replace("SLUG", slug).replace("COUNT", str(count)))
    sink = subprocess.Popen(
        [PYTHON, str(HERE / "smtp_counter.py"), "--port", str(SMTP_PORT)],
        stdout=subprocess.PIPE,
        text=True,
    )
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
    try:
        time.sleep(3)  # let the workers connect before the clock starts
        started = time.time()
        django_shell(env, fire.replace("SLUG", slug))
        deadline = started + args.timeout
        while time.time() < deadline:
            states = delivery_states(slug)
            if states.get("sent", 0) + states.get("failed", 0) >= count:
                break
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        sink.send_signal(signal.SIGTERM)
        summary = json.loads(sink.communicate(timeout=30)[0].strip().splitlines()[-1])
    summary["seconds"] = (summary["last"] or started) - started
    summary["first_after"] = (summary["first"] or started) - started
    summary["rate"] = summary["received"] / summary["seconds"] if summary["seconds"] else 0
    summary["states"] = states
    summary["count"] = count
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--naive", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--pool", default="threads", help="Celery pool of each worker")
    parser.add_argument("--concurrency", type=int, default=6, help="threads per worker")
    parser.add_argument("--timeout", type=int, default=900)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    env = fresh_database(DATABASE)
    env.update(
        EMAIL_URL=f"smtp://127.0.0.1:{SMTP_PORT}",
        CELERY_BROKER_URL=env["CELERY_BROKER_URL"],
        PYTHONWARNINGS="ignore",
    )
    subprocess.run(["redis-cli", "-n", "14", "flushdb"], check=True, capture_output=True)
    batched = run(env, args, "fanout", args.recipients, FIRE)
    naive = run(env, args, "naive", args.naive, NAIVE)
    lines = [
        f"Machine: {machine()}.",
        "",
        f"Command: `python bench/reminder_fanout.py --recipients {args.recipients} "
        f"--naive {args.naive} --workers {args.workers} --pool {args.pool} "
        f"--concurrency {args.concurrency}` — {args.workers} Celery worker processes "
        f"({args.pool} pool, {args.concurrency} each) on the bulk queue, Redis broker, "
        "PostgreSQL, an aiosmtpd sink on 127.0.0.1 counting deliveries per recipient. "
        "Time runs from asking for the reminder scan to the last email the sink received.",
        "",
        "| run | emails | seconds | first email after | emails/s | received | repeated | states |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, result in (("batched fan-out", batched), ("naive: a task per email", naive)):
        lines.append(
            f"| {name} | {result['count']} | {result['seconds']:.1f} | "
            f"{result['first_after']:.1f} s | "
            f"**{result['rate']:.0f}** | {result['received']} | {result['repeated']} | "
            f"{json.dumps(result['states'])} |"
        )
    lines += ["", "Target: 1,000 emails/s delivered to the local sink, exactly once."]
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        write_docs("reminder-fanout", text)
    if batched["repeated"] or batched["received"] != args.recipients:
        sys.exit("Fan-out was not exactly once.")


if __name__ == "__main__":
    main()
