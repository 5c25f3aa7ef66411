from datetime import timedelta

import pytest
from django.utils import timezone

from notifications import sending
from notifications.models import Delivery
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db
State = Delivery.State


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


@pytest.mark.parametrize("emails", [2, 6])
def test_batch_costs_one_statement_per_email_and_a_few_per_batch(
    smtp, emails, django_assert_num_queries
):
    from notifications import outbox
    from notifications.models import Message

    event = EventFactory()
    for n in range(emails):
        register(event, n)
    outbox.send_message(
        Message.objects.create(event=event, kind="reminder"), outbox.audience(event)
    )
    ids = list(Delivery.objects.filter(kind="message").values_list("pk", flat=True))

    # Once per batch: the claim (lock, mark, load; in the test's transaction its own shows as
    # a savepoint and its release), the event and the message. Then the sent mark per email.
    with django_assert_num_queries(7 + emails):
        sending.send_deliveries(ids)

    assert len(smtp.messages) == emails
