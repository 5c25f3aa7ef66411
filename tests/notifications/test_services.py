from datetime import timedelta

import pytest
from django.utils import timezone

from events import services as event_services
from notifications import broadcasts, outbox, reminders, sending, sweep
from notifications.models import Delivery, Message, OptOut, ReminderRule
from registration import personal_data as registration_personal_data
from registration import seats as registration_seats
from tests.factories import EventFactory, UserFactory
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


def test_new_event_gets_day_and_two_hours_reminders():
    event = EventFactory()

    due = sorted(event.reminder_rules.values_list("due_at", flat=True))

    assert due == [event.start - timedelta(days=1), event.start - timedelta(hours=2)]


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


def test_cancelled_event_tells_everyone_still_registered(owner):
    event = EventFactory(owner=owner, capacity=1, waitlist_enabled=True)
    first, waiting = register(event, 1), register(event, 2)
    registration_seats.cancel(register(event, 3))

    event_services.cancel_event(event, user=owner)

    notice = Message.objects.get(event=event, kind=Message.Kind.EVENT_CANCELLED)
    assert sorted(notice.deliveries.values_list("registration", flat=True)) == sorted(
        [first.pk, waiting.pk]
    )


def test_rescheduling_a_published_event_sends_a_notice(owner):
    event = EventFactory(owner=owner)
    register(event, 1)

    event_services.update_event(event, user=owner, data={"venue_name": "Hall B"})

    assert Message.objects.filter(event=event, kind=Message.Kind.EVENT_CHANGED).count() == 1


def test_broadcast_reaches_the_chosen_people_only():
    event = EventFactory()
    student = register(event, 1, participant_type="student")
    register(event, 2, participant_type="press")

    message = broadcasts.broadcast(
        event,
        actor=UserFactory(),
        data={"body_en": "Bring your ID", "participant_types": ["student"]},
    )

    assert list(message.deliveries.values_list("registration", flat=True)) == [student.pk]


def test_confirmation_email_carries_ticket_and_calendar(mailbox):
    registration = register(EventFactory(), 1)

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    names = sorted(name for name, _content, _type in mailbox[0].attachments)
    assert names == sorted(
        [f"ticket-{registration.ticket_code}.png", f"{registration.event.slug}.ics"]
    )
    assert Delivery.objects.get().state == State.SENT


def test_confirmation_email_in_attendee_language(mailbox):
    register(EventFactory(title_vi="Hội nghị", title_en="Conference"), 1, language="vi")

    sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    assert "Hội nghị" in mailbox[0].subject
    assert "Kính gửi" in mailbox[0].body


def test_reminder_email_has_one_click_unsubscribe(mailbox):
    event = EventFactory()
    register(event, 1)
    Delivery.objects.all().delete()
    message = broadcasts.broadcast(event, actor=UserFactory(), data={"body_en": "Hello {name}"})

    sending.send_deliveries(message.deliveries.values_list("pk", flat=True))

    sent = mailbox[0]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert sent.extra_headers["List-Unsubscribe"].startswith("<http")
    assert "Hello Người 1" in sent.body


def test_placeholders_cannot_reach_attributes(mailbox):
    event = EventFactory()
    register(event, 1)
    Delivery.objects.all().delete()
    message = broadcasts.broadcast(
        event, actor=UserFactory(), data={"body_en": "{name.__class__} {unknown}"}
    )

    sending.send_deliveries(message.deliveries.values_list("pk", flat=True))

    assert "{name.__class__} {unknown}" in mailbox[0].body


def test_sent_delivery_is_never_sent_again(mailbox):
    register(EventFactory(), 1)
    delivery = Delivery.objects.get()

    sending.send_deliveries([delivery.pk])
    sending.send_deliveries([delivery.pk])

    assert len(mailbox) == 1


def test_abandoned_delivery_is_taken_back_after_lease(mailbox):
    from notifications import retry

    register(EventFactory(), 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.SENDING, claimed_at=timezone.now() - retry.lease() - timedelta(seconds=1)
    )

    sending.send_deliveries([delivery.pk])

    assert len(mailbox) == 1


def test_delivery_being_sent_by_a_live_worker_is_left_alone(mailbox):
    register(EventFactory(), 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=State.SENDING, claimed_at=timezone.now())

    sending.send_deliveries([delivery.pk])

    assert mailbox == []


def test_resend_puts_failed_delivery_back_in_queue():
    register(EventFactory(), 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=State.FAILED, attempts=8)

    sending.resend(delivery)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (State.QUEUED, 0)


def test_erasure_withdraws_queued_emails():
    registration = register(EventFactory(), 1)

    registration_personal_data.erase_personal_data(registration)

    states = dict(Delivery.objects.values_list("kind", "state"))
    assert states["confirmed"] == State.WITHDRAWN
    assert states["erased"] == State.QUEUED


def test_opt_out_is_recorded_once():
    registration = register(EventFactory(), 1)

    outbox.unsubscribe(registration)
    outbox.unsubscribe(registration)

    assert OptOut.objects.count() == 1


def test_message_rendered_once_is_personal_for_each_person(mailbox):
    event = EventFactory()
    register(event, 1, name="An <b>")
    register(event, 2, name="Bình")
    Delivery.objects.all().delete()
    message = broadcasts.broadcast(event, actor=UserFactory(), data={"body_en": "Hello {name}"})

    sending.send_deliveries(message.deliveries.order_by("id").values_list("pk", flat=True))

    first, second = mailbox
    assert "Hello An <b>" in first.body and "Hello Bình" in second.body
    html = first.alternatives[0][0]
    assert "An &lt;b&gt;" in html and "An <b>" not in html
    assert first.extra_headers["List-Unsubscribe"] != second.extra_headers["List-Unsubscribe"]


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
