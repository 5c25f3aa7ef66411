import pytest

from notifications import broadcasts, sending
from notifications.models import Delivery
from tests.factories import EventFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db
State = Delivery.State


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
