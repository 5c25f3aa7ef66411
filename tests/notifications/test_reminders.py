from datetime import timedelta

import pytest
from django.utils import timezone

from events import services as event_services
from notifications import outbox, reminders, sweep
from notifications.models import Delivery, Message, ReminderRule
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db
State = Delivery.State


def reminder_deliveries(event):
    return Delivery.objects.filter(event=event, message__kind=Message.Kind.REMINDER)


def due_rule(event, **fields):
    """A rule due a second from now, after everyone registered so far."""
    rule = ReminderRule(event=event, send_at=timezone.now() + timedelta(seconds=1), **fields)
    return reminders.save_rule(rule)


def fire():
    return reminders.fire_due_reminders(now=timezone.now() + timedelta(seconds=2))


def test_moving_event_start_moves_unsent_reminders(owner):
    event = EventFactory(owner=owner)
    absolute = reminders.save_rule(
        ReminderRule(event=event, send_at=event.start - timedelta(days=3))
    )
    new_start = event.start + timedelta(days=7)

    event_services.update_event(
        event, user=owner, data={"start": new_start, "end": new_start + timedelta(hours=8)}
    )

    relative = event.reminder_rules.get(minutes_before_start=120)
    absolute.refresh_from_db()
    assert relative.due_at == new_start - timedelta(hours=2)
    assert absolute.due_at == new_start - timedelta(days=3)


def test_due_reminder_goes_to_each_confirmed_person_once():
    event = EventFactory(capacity=2, waitlist_enabled=True)
    people = [register(event, n) for n in range(3)]  # two confirmed, one waiting
    rule = due_rule(event)

    fire()
    fire()

    assert sorted(reminder_deliveries(event).values_list("registration", flat=True)) == sorted(
        p.pk for p in people[:2]
    )
    rule.refresh_from_db()
    assert rule.state == ReminderRule.State.SENT


def test_reminder_can_include_waitlist_and_pick_participant_types():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    register(event, 1, participant_type="speaker")
    waiting = register(event, 2, participant_type="student")
    due_rule(event, include_waitlisted=True, participant_types=["student"])

    fire()

    assert list(reminder_deliveries(event).values_list("registration", flat=True)) == [waiting.pk]


def test_late_registrant_gets_no_stale_reminder():
    event = EventFactory()
    rule = reminders.save_rule(
        ReminderRule(event=event, send_at=timezone.now() - timedelta(minutes=1))
    )
    register(event, 1)  # registers after the reminder's time

    reminders.fire_due_reminders()

    rule.refresh_from_db()
    assert rule.state == ReminderRule.State.SENT
    assert not reminder_deliveries(event).exists()


def test_reminder_past_grace_is_missed_not_sent():
    event = EventFactory()
    register(event, 1)
    rule = reminders.save_rule(
        ReminderRule(event=event, send_at=timezone.now() - timedelta(hours=3), grace_minutes=60)
    )
    ReminderRule.objects.filter(pk=rule.pk).update(due_at=timezone.now() - timedelta(hours=3))

    reminders.fire_due_reminders()

    rule.refresh_from_db()
    assert rule.state == ReminderRule.State.MISSED
    assert not reminder_deliveries(event).exists()


def test_cancelled_event_sends_no_reminders(owner):
    event = EventFactory(owner=owner)
    register(event, 1)
    event_services.cancel_event(event, user=owner)
    due_rule(event)

    fire()

    assert not reminder_deliveries(event).exists()


def test_unsubscribed_person_gets_no_reminder():
    event = EventFactory()
    person = register(event, 1)
    outbox.unsubscribe(person)
    due_rule(event)

    fire()

    assert not reminder_deliveries(event).exists()


def test_reminder_audience_written_in_chunks_reaches_everyone(monkeypatch):
    monkeypatch.setattr(reminders, "AUDIENCE_CHUNK", 2)
    event = EventFactory()
    people = [register(event, n) for n in range(5)]
    due_rule(event)

    fire()

    message = Message.objects.get(event=event, kind=Message.Kind.REMINDER)
    assert message.audience_complete
    assert sorted(message.deliveries.values_list("registration", flat=True)) == sorted(
        p.pk for p in people
    )


def test_interrupted_reminder_audience_is_completed_by_the_sweep():
    event = EventFactory()
    people = [register(event, n) for n in range(3)]
    rule = due_rule(event)
    fire()
    message = Message.objects.get(rule=rule)
    message.deliveries.filter(registration=people[2]).delete()  # as if the writer died
    Message.objects.filter(pk=message.pk).update(
        audience_complete=False, created_at=timezone.now() - timedelta(hours=1)
    )

    sweep.sweep()

    assert message.deliveries.count() == 3
    assert Message.objects.get(pk=message.pk).audience_complete
