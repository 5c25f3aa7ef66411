"""Sent marks: each committed before its thread goes on, a worker's threads' marks written
together."""

import threading

import pytest
from django.db import connection

from notifications import marks
from notifications.models import ERASED_ADDRESS, Delivery

from .test_leases import queued_reminders

State = Delivery.State


@pytest.mark.django_db
def test_mark_sent_records_the_delivery_as_sent_with_its_subject():
    [delivery_id] = queued_reminders(1)

    marks.mark_sent(delivery_id, "Reminder")

    delivery = Delivery.objects.get(pk=delivery_id)
    assert (delivery.state, delivery.subject, delivery.sent_at is not None) == (
        State.SENT,
        "Reminder",
        True,
    )


@pytest.mark.django_db
def test_mark_sent_keeps_no_subject_for_a_recipient_forgotten_meanwhile():
    [delivery_id] = queued_reminders(1)
    Delivery.objects.filter(pk=delivery_id).update(to_email=ERASED_ADDRESS)

    marks.mark_sent(delivery_id, "Reminder for Nguyễn Văn An")

    assert Delivery.objects.get(pk=delivery_id).subject == ""


@pytest.mark.django_db
@pytest.mark.parametrize("write", [marks._write, marks._write_one_by_one])
def test_marks_written_by_either_writer_leave_the_same_rows(write):
    """The grouped statement (PostgreSQL) and the one-by-one updates (the embedded SQLite)."""
    kept, forgotten = queued_reminders(2)
    Delivery.objects.filter(pk=forgotten).update(to_email=ERASED_ADDRESS)

    write([marks._Mark(kept, "Reminder"), marks._Mark(forgotten, "Reminder for An")])

    rows = Delivery.objects.filter(pk__in=[kept, forgotten]).order_by("pk")
    assert [(row.state, row.subject, row.sent_at is not None) for row in rows] == [
        (State.SENT, "Reminder", True),
        (State.SENT, "", True),
    ]


@pytest.mark.django_db(transaction=True)
def test_marks_of_threads_waiting_together_are_written_in_one_statement(monkeypatch):
    ids = queued_reminders(6)
    first_written, release = threading.Event(), threading.Event()
    write = marks._write

    def slow_first_write(batch):
        if not first_written.is_set():
            first_written.set()
            release.wait(10)  # the others queue up meanwhile
        write(batch)

    monkeypatch.setattr(marks, "_write", slow_first_write)
    before = marks.statements()

    def send(delivery_id):
        try:
            marks.mark_sent(delivery_id, "Reminder")
        finally:
            connection.close()

    first = threading.Thread(target=send, args=(ids[0],))
    first.start()
    first_written.wait(10)
    others = [threading.Thread(target=send, args=(pk,)) for pk in ids[1:]]
    for thread in others:
        thread.start()
    for _ in range(1000):  # until every other thread waits for its mark
        if len(marks._marks.waiting) == len(others):
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in [first, *others]:
        thread.join(10)

    assert marks.statements() - before == 2
    assert Delivery.objects.filter(pk__in=ids, state=State.SENT).count() == 6


@pytest.mark.django_db(transaction=True)
def test_mark_that_could_not_be_written_fails_in_every_thread_it_was_for(monkeypatch):
    ids = queued_reminders(2)

    def broken(batch):
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(marks, "_write", broken)
    failures = []

    def send(delivery_id):
        try:
            marks.mark_sent(delivery_id, "Reminder")
        except RuntimeError as error:
            failures.append(error)

    threads = [threading.Thread(target=send, args=(pk,)) for pk in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(failures) == 2
    assert not Delivery.objects.filter(pk__in=ids, state=State.SENT).exists()


def test_marks_are_not_done_when_their_writer_was_interrupted(monkeypatch):
    def interrupted(batch):
        raise KeyboardInterrupt  # not an Exception: only the finally clause runs

    monkeypatch.setattr(marks, "_write", interrupted)
    other = marks._Mark(1, "Reminder")  # another thread's, waiting when this one writes
    marks._marks.waiting.append(other)

    with pytest.raises(KeyboardInterrupt):
        marks._marks.record(marks._Mark(2, "Reminder"))

    assert other.done and isinstance(other.error, RuntimeError)
    assert other.turn.acquire(blocking=False)  # its thread was woken, to raise the error
