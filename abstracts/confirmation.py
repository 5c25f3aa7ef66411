"""The presenting author's answer to an accepted contribution: they will present it, or not.

As in pretalx ("confirm your submission"): the decision email asks the presenting author, and
only them, to answer through the abstract's private link (`/a/<token>`, or the API beside it).

- One answer, given before the event starts (or is cancelled). The same answer again changes
  nothing and is not an error (a double click, a retried request); the other answer once one
  was given is refused (409): a confirmed contribution is in the programme people plan around,
  a declined one has left it, so a change of mind goes through the organisers, who see the
  answer on the committee board.
- Two answers at once end with one: the abstract's row is locked and the answer is a
  conditional UPDATE of a pending decision.
- Declining withdraws the contribution's agenda session (deleted through the agenda's own
  service, which audits it and refreshes the event's pages): it leaves `/sessions/`, the event
  page and the calendar; the book of abstracts and the open data leave declined contributions
  out (`decisions.accepted_in_programme_order`). The abstract stays accepted: the committee's
  decision and its figures are unchanged.
- Both answers are written to the event's audit log (no account: the actor is empty).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event
from events.services import delete_session, record

from .models import Abstract, Decision

Confirmation = Decision.Confirmation
ANSWERS = (Confirmation.CONFIRMED, Confirmation.DECLINED)


def can_answer(abstract: Abstract) -> bool:
    """Whether the private link offers the two buttons: accepted, not answered, in time."""
    decision = getattr(abstract, "decision", None)
    return (
        abstract.status == Abstract.Status.ACCEPTED
        and decision is not None
        and decision.confirmation == Confirmation.PENDING
        and _in_time(abstract.event)
    )


def _in_time(event: Event) -> bool:
    return event.status != Event.Status.CANCELLED and timezone.now() < event.start


@transaction.atomic
def answer(abstract: Abstract, answer: str) -> Decision:
    """The presenting author confirms (`confirmed`) or declines (`declined`) the contribution;
    `Conflict` (409) when it is not accepted, already answered otherwise, or too late."""
    if answer not in ANSWERS:
        raise ValueError(answer)
    abstract = (
        Abstract.objects.select_for_update(of=("self",))
        .select_related("event", "session")
        .get(pk=abstract.pk)
    )
    decision = Decision.objects.filter(abstract=abstract).first()
    if abstract.status != Abstract.Status.ACCEPTED or decision is None or not decision.accepted:
        raise Conflict(
            _("Only an accepted contribution can be confirmed or declined."), code="not_accepted"
        )
    if decision.confirmation == answer:
        return decision
    if decision.confirmation != Confirmation.PENDING:
        raise Conflict(
            _("You have answered already: please write to the organisers to change it."),
            code="already_answered",
        )
    if abstract.event.status == Event.Status.CANCELLED:
        raise Conflict(_("This event has been cancelled."), code="event_cancelled")
    if not _in_time(abstract.event):
        raise Conflict(
            _("The event has started: please write to the organisers."), code="event_started"
        )
    now = timezone.now()
    answered = Decision.objects.filter(abstract=abstract, confirmation=Confirmation.PENDING).update(
        confirmation=answer, confirmation_at=now
    )
    if not answered:  # cannot happen under the row lock; the database's rule all the same
        raise Conflict(_("This contribution has been answered already."), code="already_answered")
    event = abstract.event
    record(event, None, f"abstract.{answer}", abstract=abstract.pk)
    if answer == Confirmation.DECLINED and abstract.session is not None:
        delete_session(abstract.session, user=None)
    decision.confirmation, decision.confirmation_at = answer, now
    return decision
