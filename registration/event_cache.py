"""Which copy of an event a process may keep: one whose seat counter still has its version.

Registration reads its event (and the event's questions) on every request, and reading them
from the database cost more than the rest of the request; so each process keeps the events
it served (`eligibility.event_for_registration`), read with their seat counter, whose
`version` (`Seats.version`) moves on in the transaction of every change to the event or its
questions (`registration.seats.sync_seats`, run on every save of an event, and
`registration.questions.questions_changed`).

Nothing is asked before a registration uses its copy, from Redis or the database: the
registration's own seat statement writes only while the counter still has the copy's
version, and a refusal the copy would give (closed, a wrong answer...) is first checked
against the counter. When the version moved (`Moved`), the registration is made again from
a fresh copy. So a change committed on one machine is seen by the very next registration in
every process on every machine, and no copy outlives a change. Changes made behind the
models' backs (a queryset `update()` of registration fields, raw SQL) must call `bump`.
"""

from django.db.models import F

from events.models import Event

from .models import Seats


class Moved(Exception):  # noqa: N818 (a signal to try again, not an error)
    """The copy of the event is older than the event: register again from a fresh one."""


def kept_version(event: Event) -> int | None:
    """The counter's version the copy was read with; None for an event read without its
    counter, which nothing checks (its caller read it just now, as the API did before)."""
    if not Event.seats.is_cached(event):
        return None
    seats = getattr(event, "seats", None)
    return None if seats is None else seats.version


def refuse_only_if_current(event: Event) -> None:
    """Before a refusal made from a kept copy: `Moved` if the event changed since."""
    version = kept_version(event)
    if version is None:
        return
    if Seats.objects.filter(pk=event.pk).values_list("version", flat=True).first() != version:
        raise Moved


def bump(event_pk: int) -> None:
    """Every copy of this event, in every process, is old once the caller commits."""
    Seats.objects.filter(pk=event_pk).update(version=F("version") + 1)
