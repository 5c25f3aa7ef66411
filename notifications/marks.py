"""Sent marks: each email is recorded as sent right after the server accepted it, and before
its sending thread hands the next one over, so a worker killed at any instant leaves at most
one delivered email per sending thread unrecorded (sent again once its lease runs out).

A worker's sending threads write their marks together: the first thread with a mark to write
writes every mark waiting at that moment, its own included, in one statement and one commit
(one flush of the write-ahead log), and the others wait for that commit before they go on.
Each thread still waits until its own mark is committed, so the guarantee above is unchanged;
what changes is that eight threads' marks cost one statement, one commit and one disk flush
instead of up to eight. The commit stays synchronous: with `synchronous_commit = off` a
PostgreSQL crash would lose the marks of the last moments, emails the server had accepted,
and send them all again.
"""

import threading

from django.db import connection, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from .models import ERASED_ADDRESS, Delivery

# The subject is not written back to a row whose recipient was forgotten while it was on
# the wire (erasure scrubs rows in `sending` too): it may hold their name. The rows are taken
# in id order (the nested loop over the sorted marks), as the lease's renewal (which skips
# locked rows) and any other statement taking several rows should: two such statements taking
# them in different orders deadlock, and a mark that fails leaves a delivered email to be sent
# again. One plain UPDATE, no separate locking step: PostgreSQL plans the statement again on
# every run (its plan depends on how many marks there are), and planning a lock, a join and a
# semi-join took three times as long as planning this, and more than running it.
MARK_SENT = (
    "UPDATE notifications_delivery AS d SET state = 'sent', sent_at = %s, "
    "subject = CASE WHEN d.to_email = %s THEN '' ELSE sent.subject END, last_error = '' "
    "FROM (SELECT * FROM unnest(%s::bigint[], %s::text[]) AS s(id, subject) ORDER BY id) "
    "AS sent WHERE d.id = sent.id"
)


class _Mark:
    __slots__ = ("delivery_id", "subject", "done", "error", "turn")

    def __init__(self, delivery_id: int, subject: str) -> None:
        self.delivery_id = delivery_id
        self.subject = subject[:300]
        self.done = False
        self.error: Exception | None = None
        # Held until its thread may go on: its mark written, or its turn to write the marks
        # waiting. Only that thread is woken, not every waiting one (with a condition's
        # notify_all every statement woke them all; py-spy showed that wake-up as the largest
        # part of the marks' time in a worker).
        self.turn = threading.Lock()
        self.turn.acquire()


class _Marks:
    """The marks this process's threads are waiting to have written."""

    def __init__(self) -> None:
        self.waiting: list[_Mark] = []
        self.writing = False  # a thread is writing marks, or has been woken to write them
        self.lock = threading.Lock()
        self.statements = 0  # how many statements wrote marks (seen by the tests)

    def record(self, mark: _Mark) -> None:
        with self.lock:
            self.waiting.append(mark)
            wait, self.writing = self.writing, True
        if wait:
            # Another thread is writing: its commit may hold this mark, or this thread is
            # woken to write the next statement.
            mark.turn.acquire()
            if mark.done:
                return
        with self.lock:
            marks, self.waiting = self.waiting, []
        # Until the statement returns, the marks are not written: a thread interrupted while
        # writing (a BaseException) leaves the others with an error, never with "done".
        error: Exception | None = RuntimeError("The sent marks were not written.")
        try:
            _write(marks)
            error = None
        except Exception as failure:  # every mark of the statement failed with it
            error = failure
        finally:
            with self.lock:
                self.statements += 1
                for written in marks:
                    written.done, written.error = True, error
                    if written is not mark:
                        written.turn.release()
                if self.waiting:
                    self.waiting[0].turn.release()  # its turn: it writes all that waits
                else:
                    self.writing = False


_marks = _Marks()


def _write(marks: list[_Mark]) -> None:
    if connection.vendor != "postgresql":
        _write_one_by_one(marks)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            MARK_SENT,
            [
                timezone.now(),
                ERASED_ADDRESS,
                [mark.delivery_id for mark in marks],
                [mark.subject for mark in marks],
            ],
        )


def _write_one_by_one(marks: list[_Mark]) -> None:
    """The same marks without PostgreSQL's arrays, for the embedded SQLite of `make run`."""
    now = timezone.now()
    with transaction.atomic():
        for mark in marks:
            Delivery.objects.filter(pk=mark.delivery_id).update(
                state=Delivery.State.SENT,
                sent_at=now,
                subject=Case(
                    When(to_email=ERASED_ADDRESS, then=Value("")), default=Value(mark.subject)
                ),
                last_error="",
            )


def mark_sent(delivery_id: int, subject: str) -> None:
    """Record this delivery as sent, committed when this returns (raises if it could not be).

    Inside a transaction (a caller's atomic block) the mark is written alone, in it: only
    the caller's commit makes it durable, and no other thread's mark may depend on that.
    """
    mark = _Mark(delivery_id, subject)
    if connection.in_atomic_block:
        _write([mark])
        return
    _marks.record(mark)
    if mark.error is not None:
        raise mark.error


def statements() -> int:
    return _marks.statements
