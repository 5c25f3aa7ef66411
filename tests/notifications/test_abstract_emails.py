"""The call for abstracts' emails at a real SMTP server: the decision asks only the presenting
author to confirm, with the private link; reviewers' reminders come in each reviewer's
language, else in the event's."""

from datetime import timedelta
from email.header import decode_header, make_header

import pytest
from django.utils import timezone

from abstracts import reviewing
from events.models import TeamMembership
from notifications import sending
from notifications.models import Delivery
from tests.abstracts.helpers import assign, author, decide, member, open_call, submit
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def bodies(message) -> str:
    """The text and HTML parts of a message, decoded."""
    return "".join(
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() in ("text/plain", "text/html")
    )


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def decided(event, outcome: str):
    open_call(event)
    abstract = submit(
        event, authors=[author(1), author(2, presenting=True, language="vi"), author(3)]
    )
    Delivery.objects.all().delete()
    decide(abstract, outcome)
    return abstract


def test_decision_asks_only_the_presenting_author_to_confirm(smtp, event):
    abstract = decided(event, "talk")
    link = f"/a/{abstract.token}"

    sending.drain()

    with_link = sorted(m["To"] for m in smtp.messages if link in bodies(m))
    assert len(smtp.messages) == 3
    assert with_link == ["author2@uni2.edu.vn"]


def test_decision_asks_the_presenter_in_their_language(smtp, event):
    decided(event, "poster")

    sending.drain()

    [message] = smtp.to("author2@uni2.edu.vn")
    assert "vui lòng xác nhận" in bodies(message)


def test_rejection_asks_nobody_to_confirm(smtp, event):
    abstract = decided(event, "reject")

    sending.drain()

    assert len(smtp.messages) == 3
    assert not any(f"/a/{abstract.token}" in bodies(m) for m in smtp.messages)


def reminders_due(event):
    open_call(
        event,
        closes_at=timezone.now() + timedelta(hours=1),
        review_deadline=timezone.now() + timedelta(hours=3),
    )
    return submit(event)


def test_reviewers_get_their_reminder_in_their_own_language(smtp, event):
    abstract = reminders_due(event)
    for n, language in ((1, "vi"), (2, "en")):
        reviewer = member(event, "reviewer", email=f"r{n}@review{n}.org")
        TeamMembership.objects.filter(event=event, user=reviewer).update(language=language)
        assign(abstract, reviewer)

    reviewing.remind_reviewers()
    sending.drain()

    [vietnamese] = smtp.to("r1@review1.org")
    [english] = smtp.to("r2@review2.org")
    assert subject(vietnamese).startswith("Nhắc nhở: sắp đến hạn phản biện")
    assert vietnamese["Content-Language"] == "vi"
    assert subject(english).startswith("Reminder: your review for")
    assert english["Content-Language"] == "en"


def test_reviewer_of_unknown_language_gets_the_events_language(smtp, owner):
    event = EventFactory(owner=owner, title_en="", title_vi="Hội thảo vật liệu")
    abstract = reminders_due(event)
    assign(abstract, member(event, "reviewer", email="r@review.org"))

    reviewing.remind_reviewers()
    sending.drain()

    [message] = smtp.to("r@review.org")
    assert message["Content-Language"] == "vi"
