"""The email composer's preview in a real browser: phone and desktop, both languages."""

import pytest
from playwright.sync_api import expect

from notifications.models import Message
from registration.models import Question
from tests.factories import (
    ChoiceFactory,
    EventFactory,
    QuestionFactory,
    RegistrationFactory,
    UserFactory,
)

from .conftest import screenshot, serious_violations
from .test_organiser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

COUNT = {"en": "This message will go to 2 people.", "vi": "Thư này sẽ được gửi tới 2 người."}
PREVIEW = {"en": "Preview", "vi": "Xem trước"}


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width, height", [(390, 844), (1280, 900)])
def test_composer_preview_counts_people_in_workshop_a(new_page, language, width, height):
    owner = UserFactory(username="composer")
    event = EventFactory(owner=owner, title_en="Mekong Forum", title_vi="Diễn đàn Mê Kông")
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, label_en="Workshop")
    a = ChoiceFactory(question=question, label_en="Workshop A", label_vi="Hội thảo A")
    b = ChoiceFactory(question=question, label_en="Workshop B", label_vi="Hội thảo B")
    for choice in (a, a, b):
        RegistrationFactory(event=event, answers={str(question.pk): choice.pk})
    page = new_page(width=width, height=height)
    sign_in(page, "composer")

    page.goto(f"/{language}/organiser/events/{event.slug}/email/")
    page.locator("#id_body_en").fill("Hello {name}, Workshop A moves to room 2.")
    page.locator("#id_body_vi").fill("Xin chào {name}, Hội thảo A chuyển sang phòng 2.")
    page.locator(f"#id_choices_{a.pk}").check()
    page.get_by_role("button", name=PREVIEW[language], exact=True).click()

    expect(page.get_by_role("heading", name=COUNT[language])).to_be_visible()
    expect(page.locator("#preview")).to_contain_text("Hội thảo A chuyển sang phòng 2.")
    expect(page.locator("#preview")).to_contain_text("Workshop A moves to room 2.")
    expect(page.locator(f"#id_choices_{a.pk}")).to_be_checked()
    assert not Message.objects.filter(event=event).exists()
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter(e => !e.closest('.table-wrap'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .map(e => e.tagName + '#' + e.id + '.' + e.className + ':' + e.textContent.slice(0, 40))"""
    )
    assert overflow == []
    assert serious_violations(page) == []
    screenshot(page, f"organiser-email-preview-{language}-{width}")
