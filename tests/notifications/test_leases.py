"""Leases on deliveries being sent: a live sender keeps them however long its batch takes, a
dead one's run out and are taken back by the sweep."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications import leases
from notifications import sending as notifications_sending
from notifications.models import Delivery, Message
from tests.factories import EventFactory, RegistrationFactory

State = Delivery.State


def queued_reminders(count: int) -> list[int]:
    """Reminder deliveries written straight to the outbox (no broker involved)."""
    event = EventFactory()
    message = Message.objects.create(event=event, kind=Message.Kind.REMINDER)
    people = RegistrationFactory.create_batch(count, event=event)
    rows = Delivery.objects.bulk_create(
        Delivery(
            kind=Delivery.Kind.MESSAGE,
            message=message,
            event=event,
            registration=person,
            to_email=person.email,
        )
        for person in people
    )
    return [row.pk for row in rows]


@pytest.mark.django_db(transaction=True)
def test_slow_batch_longer_than_the_lease_is_never_taken_back(mailbox, settings):
    settings.EMAIL_LEASE_SECONDS = 1  # renewed every third of a second
    ids = queued_reminders(6)
    sender = threading.Thread(
        target=lambda: (notifications_sending.send_deliveries(ids, rate=3), connection.close())
    )  # two seconds for six emails: twice the lease
    renewals_before = leases.renewals()

    sender.start()
    taken_back = []
    while sender.is_alive():
        taken_back += sum(leases.reclaim_expired(), [])
        sender.join(0.1)

    assert taken_back == []
    assert leases.renewals() > renewals_before
    assert sorted(m.to[0] for m in mailbox) == sorted(
        Delivery.objects.values_list("to_email", flat=True)
    )
    assert Delivery.objects.filter(state=State.SENT).count() == 6


@pytest.mark.django_db
def test_claim_left_by_a_dead_sender_is_taken_back_after_the_lease():
    dead, live = queued_reminders(2)
    expired = timezone.now() - leases.lease() - timedelta(seconds=1)
    Delivery.objects.filter(pk=dead).update(state=State.SENDING, claimed_at=expired)
    Delivery.objects.filter(pk=live).update(state=State.SENDING, claimed_at=timezone.now())

    bulk, transactional = leases.reclaim_expired()

    assert (bulk, transactional) == ([dead], [])
    assert Delivery.objects.get(pk=dead).state == State.QUEUED
    assert Delivery.objects.get(pk=live).state == State.SENDING


@pytest.mark.django_db
@pytest.mark.parametrize("renew", [leases.renew, leases._renew_without_locks])
def test_renewal_pushes_only_the_claims_still_being_sent(renew):
    sending, sent = queued_reminders(2)
    long_ago = timezone.now() - timedelta(hours=1)
    Delivery.objects.filter(pk=sending).update(state=State.SENDING, claimed_at=long_ago)
    Delivery.objects.filter(pk=sent).update(state=State.SENT, claimed_at=long_ago)

    renewed = renew([sending, sent])

    assert renewed == 1
    assert Delivery.objects.get(pk=sending).claimed_at > long_ago
    assert Delivery.objects.get(pk=sent).claimed_at == long_ago
