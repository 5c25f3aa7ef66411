"""Short leases on the deliveries a worker is sending, renewed while it is alive.

A sender marks the deliveries it takes `sending` with the time it took them (`claimed_at`).
A worker that dies (SIGKILL, a lost machine) stops renewing, and once the lease has run out
the sweep hands those deliveries to another worker: an email is late by at most the lease
plus one sweep interval, not by minutes.

The renewal runs in one thread per process, not between emails: a sending thread waiting on
a slow SMTP server (up to EMAIL_TIMEOUT per command) keeps its deliveries all the same, so a
live sender is never robbed of a batch, which would send it twice. The thread exists only
while the process holds deliveries, and closes its database connection when it stops.

Times are the database's (`now()`), never the machine's: with workers on several machines a
skewed clock must not shorten anyone's lease.
"""

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Now

from .models import Delivery

log = logging.getLogger(__name__)
State = Delivery.State


def lease() -> timedelta:
    """How long a claim lasts without renewal."""
    return timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def renew_every() -> float:
    """Three renewals per lease: one late or lost renewal still leaves the claim valid."""
    return settings.EMAIL_LEASE_SECONDS / 3


class _Holder:
    """What this process is sending now, and the thread that renews its claims."""

    def __init__(self) -> None:
        self.held: Counter[int] = Counter()
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        self.thread: threading.Thread | None = None
        self.renewals = 0  # how many renewals this process made (seen by the tests)

    def hold(self, ids: Iterable[int]) -> None:
        with self.lock:
            self.held.update(ids)
            if self.held and (self.thread is None or not self.thread.is_alive()):
                self.thread = threading.Thread(target=self._run, name="delivery-lease", daemon=True)
                self.thread.start()

    def release(self, ids: Iterable[int]) -> None:
        with self.lock:
            self.held.subtract(ids)
            self.held = +self.held  # drop what nobody holds any more
            if not self.held:
                self.changed.notify_all()

    def _run(self) -> None:
        try:
            while True:
                with self.lock:
                    self.changed.wait_for(lambda: not self.held, timeout=renew_every())
                    if not self.held:
                        self.thread = None
                        return
                    ids = list(self.held)
                try:
                    renew(ids)
                except Exception:  # the next round tries again; the lease has slack for it
                    log.warning("Could not renew the lease of %d deliveries.", len(ids))
        finally:
            connection.close()  # this thread's own connection: none is left open behind it


_holder = _Holder()


RENEW = (
    "UPDATE notifications_delivery SET claimed_at = now() WHERE id IN ("
    "SELECT id FROM notifications_delivery WHERE id = ANY(%s::bigint[]) AND state = 'sending' "
    "ORDER BY id FOR UPDATE SKIP LOCKED)"
)


def renew(ids: list[int]) -> int:
    """Push the claims of these deliveries, still being sent, one lease further."""
    # Rows being marked sent at this moment are skipped (they need no lease any more), and the
    # rest are locked in id order: never a deadlock with the sent marks (marks.py).
    if connection.vendor != "postgresql":
        renewed = _renew_without_locks(ids)
    else:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(RENEW, [ids])
            renewed = cursor.rowcount
    _holder.renewals += 1
    return renewed


def _renew_without_locks(ids: list[int]) -> int:
    """The same renewal for the embedded SQLite of `make run` (no arrays, no row locks: its
    writes take turns anyway)."""
    return Delivery.objects.filter(pk__in=ids, state=Delivery.State.SENDING).update(
        claimed_at=Now()
    )


@contextmanager
def held(ids: list[int]) -> Iterator[None]:
    """Keep these claimed deliveries' lease alive while the block sends them."""
    _holder.hold(ids)
    try:
        yield
    finally:
        _holder.release(ids)


def renewals() -> int:
    return _holder.renewals


def reclaim_expired() -> tuple[list[int], list[int]]:
    """Deliveries whose sender stopped renewing (it died) go back to the queue.

    Returns the ids taken back, (bulk ones, transactional ones), to hand to workers at once
    rather than when the sweep next looks for old queued rows.
    """
    expired = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=Now() - lease())
    with transaction.atomic():
        rows = list(expired.select_for_update(skip_locked=True).values_list("pk", "message_id"))
        Delivery.objects.filter(pk__in=[pk for pk, _ in rows], state=State.SENDING).update(
            state=State.QUEUED
        )
    bulk = [pk for pk, message_id in rows if message_id is not None]
    transactional = [pk for pk, message_id in rows if message_id is None]
    return bulk, transactional


# A reminder's audience is written chunk by chunk by the scan that fired it; one still
# unfinished this long after it started was left by a scan that died, and is resumed. Not the
# delivery lease: writing 100,000 rows may take longer than that.
AUDIENCE_RESUME_AFTER = timedelta(minutes=5)
