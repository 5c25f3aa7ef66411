"""The email composer: who a message reaches (by their answers too), and how it reads."""

import pytest
from django.core.exceptions import ValidationError

from notifications import broadcasts, composer, sending
from registration.models import Question, Registration
from tests.factories import (
    ChoiceFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshops(event):
    """A single-choice question "Workshop" with choices A and B."""
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, label_en="Workshop")
    return (
        question,
        ChoiceFactory(question=question, label_en="A"),
        ChoiceFactory(question=question, label_en="B"),
    )


def in_workshop(event, question, choice, **kwargs):
    return RegistrationFactory(event=event, answers={str(question.pk): choice.pk}, **kwargs)


def test_recipients_by_single_choice_answer(event, workshops):
    question, a, b = workshops
    first, second = in_workshop(event, question, a), in_workshop(event, question, a)
    in_workshop(event, question, b)

    people = composer.recipients(event, {"choices": [a.pk]})

    assert set(people) == {first, second}


def test_recipients_by_multiple_choice_answer(event):
    question = QuestionFactory(event=event, kind=Question.Kind.MULTIPLE_CHOICE)
    lunch, dinner = ChoiceFactory(question=question), ChoiceFactory(question=question)
    both = RegistrationFactory(event=event, answers={str(question.pk): [lunch.pk, dinner.pk]})
    RegistrationFactory(event=event, answers={str(question.pk): [lunch.pk]})

    assert list(composer.recipients(event, {"choices": [dinner.pk]})) == [both]


def test_recipients_with_a_choice_of_another_event_is_refused(event):
    other = ChoiceFactory(question=QuestionFactory(event=EventFactory(), kind="single_choice"))

    with pytest.raises(ValidationError) as caught:
        composer.recipients(event, {"choices": [other.pk]})

    assert "choices" in caught.value.message_dict


def test_preview_count_equals_deliveries_written_by_sending(event, workshops, owner):
    question, a, b = workshops
    in_workshop(event, question, a)
    in_workshop(event, question, a, language="vi")
    in_workshop(event, question, a, status=Registration.Status.WAITLISTED)
    in_workshop(event, question, b)
    data = {"body_en": "Room 101", "choices": [a.pk]}

    shown = composer.preview(event, data)
    message = broadcasts.broadcast(event, actor=owner, data=data)

    assert shown["count"] == 2 == message.deliveries.count()
    assert [v["count"] for v in shown["versions"]] == [1, 1]


def test_preview_reads_in_each_language_with_placeholders_filled(event):
    RegistrationFactory(event=event)
    data = {"subject_en": "About {event}", "body_en": "Hi {name}", "body_vi": "Chào {name}"}

    en, vi = composer.preview(event, data)["versions"]

    assert en["subject"] == f"About {event.title_en}" and en["body"] == "Hi {name}"
    # No Vietnamese subject: the English one, with the event's Vietnamese title.
    assert vi["body"] == "Chào {name}" and vi["subject"] == f"About {event.title_vi}"


def test_broadcast_by_choice_reaches_the_smtp_sink_as_counted(event, workshops, owner, smtp):
    question, a, b = workshops
    chosen = [in_workshop(event, question, a) for _ in range(3)]
    in_workshop(event, question, b)
    data = {"subject_en": "Workshop A moves", "body_en": "Room 101", "choices": [a.pk]}
    counted = composer.preview(event, data)["count"]

    message = broadcasts.broadcast(event, actor=owner, data=data)
    sending.send_deliveries(message.deliveries.values_list("pk", flat=True))

    received = [m for m in smtp.messages if "Workshop A moves" in str(m["Subject"])]
    assert counted == len(received) == 3
    assert {m["To"] for m in received} == {r.email for r in chosen}


def test_api_broadcast_by_choice_counts_only_those_people(owner_api, event, workshops):
    question, a, b = workshops
    in_workshop(event, question, a)
    in_workshop(event, question, b)

    response = owner_api.post(
        f"/api/v1/events/{event.slug}/messages/",
        {"body_en": "Room 101", "choices": [a.pk]},
        format="json",
    )

    assert response.status_code == 201 and response.json()["recipients"] == 1


def test_api_broadcast_with_a_stranger_choice_answers_400(owner_api, event):
    other = ChoiceFactory(question=QuestionFactory(event=EventFactory(), kind="single_choice"))

    response = owner_api.post(
        f"/api/v1/events/{event.slug}/messages/",
        {"body_en": "Room 101", "choices": [other.pk]},
        format="json",
    )

    assert response.status_code == 400 and "choices" in str(response.json())


def test_api_broadcast_with_text_as_a_choice_answers_400(owner_api, event):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/messages/",
        {"body_en": "Room 101", "choices": ["workshop"]},
        format="json",
    )

    assert response.status_code == 400
