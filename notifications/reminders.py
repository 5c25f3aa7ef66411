"""Reminder rules and firing them: each due rule becomes one Message whose audience is written
to the outbox in chunks."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import Conflict
from events.models import Event
from events.services import record
from registration.models import Registration

from .models import Delivery, Message, ReminderRule
from .outbox import _write_deliveries, audience

DEFAULT_REMINDERS = (24 * 60, 120)  # one day and two hours before the start


# --- Reminders ------------------------------------------------------------------------------


def add_rule(event: Event, data: dict[str, Any], *, actor) -> ReminderRule:
    rule = save_rule(ReminderRule(event=event, **data))
    record(event, actor, "reminder.created", due=str(rule.due_at))
    return rule


def change_rule(rule: ReminderRule, data: dict[str, Any], *, actor) -> ReminderRule:
    if rule.state != ReminderRule.State.SCHEDULED:
        raise Conflict(_("This reminder has already been sent or missed."), "reminder_done")
    for name, value in data.items():
        setattr(rule, name, value)
    rule = save_rule(rule)
    record(rule.event, actor, "reminder.updated", due=str(rule.due_at))
    return rule


def delete_rule(rule: ReminderRule, *, actor) -> None:
    record(rule.event, actor, "reminder.deleted", due=str(rule.due_at))
    rule.delete()


def save_rule(rule: ReminderRule) -> ReminderRule:
    rule.compute_due_at()
    rule.save()
    return rule


def add_default_rules(event: Event) -> None:
    for minutes in DEFAULT_REMINDERS:
        save_rule(ReminderRule(event=event, minutes_before_start=minutes))


def move_rules(event: Event, shift: timedelta | None) -> None:
    """Unsent reminders follow the event's start: relative ones always, absolute ones by
    `shift` when the organisers moved the event."""
    for rule in event.reminder_rules.filter(state=ReminderRule.State.SCHEDULED):
        if rule.send_at is not None and shift:
            rule.send_at += shift
        rule.event = event
        old = rule.due_at
        rule.compute_due_at()
        if rule.due_at != old:
            rule.save(update_fields=["send_at", "due_at"])


def reminder_audience(rule: ReminderRule) -> QuerySet[Registration]:
    statuses = [Registration.Status.CONFIRMED]
    if rule.include_pending:
        statuses.append(Registration.Status.PENDING)
    if rule.include_waitlisted:
        statuses.append(Registration.Status.WAITLISTED)
    # Someone who registered after the reminder's time gets no stale reminder.
    return audience(
        rule.event,
        statuses=statuses,
        participant_types=rule.participant_types,
        registered_before=rule.due_at,
    )


def fire_due_reminders(now=None) -> dict[str, int]:
    """Send each reminder whose time has come, once; mark missed what is too late."""
    now = now or timezone.now()
    fired = missed = 0
    due = ReminderRule.objects.filter(
        state=ReminderRule.State.SCHEDULED, enabled=True, due_at__lte=now
    ).values_list("pk", flat=True)
    for rule_id in list(due):
        with transaction.atomic():
            rule = (
                ReminderRule.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("event")
                .filter(pk=rule_id, state=ReminderRule.State.SCHEDULED)
                .first()
            )
            if rule is None:
                continue
            late = now - rule.due_at > timedelta(minutes=rule.grace_minutes)
            if late or rule.event.status != Event.Status.PUBLISHED:
                rule.state = ReminderRule.State.MISSED
                rule.save(update_fields=["state"])
                missed += 1
                continue
            message = Message.objects.create(
                event=rule.event,
                kind=Message.Kind.REMINDER,
                rule=rule,
                subject_en=rule.subject_en,
                subject_vi=rule.subject_vi,
                body_en=rule.body_en,
                body_vi=rule.body_vi,
                audience_complete=False,
            )
            rule.state = ReminderRule.State.SENT
            rule.fired_at = now
            rule.save(update_fields=["state", "fired_at"])
            fired += 1
        # After the rule is marked (so no other scan fires it again): write the deliveries in
        # chunks, each sent off as soon as it is committed.
        complete_audience(message)
    return {"fired": fired, "missed": missed}


AUDIENCE_CHUNK = 5000


def complete_audience(message: Message) -> int:
    """Write a reminder's deliveries chunk by chunk, resuming after the last one written.

    Each chunk commits and goes to the bulk workers at once, so the first emails leave while
    the rest of a large audience is still being written. Safe to run again: a person never
    gets two deliveries of one message (the unique constraint).
    """
    people = reminder_audience(message.rule).order_by("pk")
    written = Delivery.objects.filter(message=message).order_by("-registration_id").first()
    if written is not None and written.registration_id:
        people = people.filter(pk__gt=written.registration_id)
    total = 0
    while True:
        chunk = list(people.values_list("pk", "email", "language")[:AUDIENCE_CHUNK])
        if not chunk:
            break
        with transaction.atomic():
            total += _write_deliveries(message, chunk)
        people = people.filter(pk__gt=chunk[-1][0])
    Message.objects.filter(pk=message.pk).update(audience_complete=True)
    return total
