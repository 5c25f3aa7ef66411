"""The call for abstracts' emails: written to the outbox in the transaction that causes them,
each with a `once_key`, so the database refuses a second copy (a decision email per author,
a reminder per assignment), and rendered in each recipient's language.

What a reviewer receives never names the authors (double-blind review must hold in emails
too): the reminder carries abstract numbers and titles only. It is written in the reviewer's
language (`TeamMembership.language`: the one they accepted the invitation in or last reviewed
in), else in the event's.

The decision email asks the presenting author of an accepted contribution, and only them, to
confirm they will present it, with the private link (abstracts/confirmation.py).
"""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from abstracts.decisions import comments_to_authors
from abstracts.models import Abstract, Assignment, Decision
from events.selectors import team_member_language

from . import enqueue
from .models import Delivery
from .rendering import written_email

Kind = Delivery.Kind


def _queue(rows: list[Delivery]) -> int:
    """Write these emails; any whose `once_key` exists already is left out by the database."""
    written = Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(enqueue.wake_outbox)
    return len(written)


def abstract_url(abstract: Abstract) -> str:
    return f"{settings.SITE_URL}/a/{abstract.token}"


def queue_submitted(abstract: Abstract) -> int:
    """The submitter (the first author) gets the private link; every other author is told
    they were listed, without it."""
    authors = list(abstract.authors.order_by("position"))
    rows = []
    for author in authors:
        first = author.position == authors[0].position
        rows.append(
            Delivery(
                kind=Kind.ABSTRACT_SUBMITTED if first else Kind.ABSTRACT_LISTED,
                event_id=abstract.event_id,
                to_email=author.email,
                language=abstract.language if first else author.language,
                context={"abstract": abstract.pk, "author": author.pk},
                once_key=f"abstract-{'submitted' if first else 'listed'}:{author.pk}",
            )
        )
    return _queue(rows)


def queue_decided(abstract: Abstract, decision: Decision) -> int:
    """Every author, in their language, once: the decision and the reviewers' comments to the
    authors (without their names)."""
    rows = [
        Delivery(
            kind=Kind.ABSTRACT_DECIDED,
            event_id=abstract.event_id,
            to_email=author.email,
            language=author.language,
            context={"abstract": abstract.pk, "author": author.pk},
            once_key=f"abstract-decided:{abstract.pk}:{author.pk}",
        )
        for author in abstract.authors.order_by("position")
    ]
    return _queue(rows)


def queue_review_reminder(assignment: Assignment) -> int:
    reviewer = assignment.reviewer
    event = assignment.abstract.event
    row = Delivery(
        kind=Kind.REVIEW_REMINDER,
        event_id=event.pk,
        to_email=reviewer.email,
        language=team_member_language(event, reviewer),
        context={"assignment": assignment.pk, "abstract": assignment.abstract_id},
        once_key=f"review-reminder:{assignment.pk}",
    )
    return _queue([row]) if reviewer.email else 0


SUBJECTS = {
    Kind.ABSTRACT_SUBMITTED: lambda: _("Your abstract for %(event)s was received"),
    Kind.ABSTRACT_LISTED: lambda: _("You are listed as an author of an abstract for %(event)s"),
    Kind.ABSTRACT_DECIDED: lambda: _("Decision on your abstract for %(event)s"),
    Kind.REVIEW_REMINDER: lambda: _("Reminder: your review for %(event)s is due"),
}


def _context(delivery: Delivery) -> dict[str, Any]:
    event = delivery.event
    abstract = Abstract.objects.select_related("contribution_type").get(
        pk=delivery.context["abstract"]
    )
    context = {
        "kind": delivery.kind,
        "language": delivery.language,
        "event": event,
        "title": event.title,
        "abstract_title": abstract.title,
        "abstract_number": abstract.pk,
        "site_url": settings.SITE_URL,
    }
    if delivery.kind == Kind.REVIEW_REMINDER:
        call = event.call
        context["deadline"] = event.local(call.review_deadline)
        context["review_url"] = settings.SITE_URL + reverse(
            "web:review", args=[event.slug, abstract.pk]
        )
        return context
    author = abstract.authors.filter(pk=delivery.context["author"]).first()
    context["name"] = author.name if author else ""
    if delivery.kind == Kind.ABSTRACT_SUBMITTED:
        context["abstract_url"] = abstract_url(abstract)
    if delivery.kind == Kind.ABSTRACT_DECIDED:
        decision = Decision.objects.get(abstract=abstract)
        context["outcome"] = decision.outcome
        context["outcome_label"] = decision.get_outcome_display()
        context["comments"] = comments_to_authors(abstract)
        context["presenting"] = bool(author and author.presenting)
        if context["presenting"] and decision.accepted:
            # Only the presenting author answers, so only their email carries the link.
            context["confirm_url"] = abstract_url(abstract)
    return context


def render_abstract_email(delivery: Delivery) -> EmailMultiAlternatives:
    event = delivery.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        context = _context(delivery)
        subject = SUBJECTS[delivery.kind]() % {"event": event.title}
        text = render_to_string("notifications/email/abstract.txt", context)
        html = render_to_string("notifications/email/abstract.html", context)
    return written_email(delivery, subject, text, html)
