"""A phone reaches the Register button and the first events at once; an organiser edits a
question and a session in place, in a real browser at 390 and 1280 px in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.agenda_models import Session
from registration.models import Question
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory

from .conftest import screenshot, serious_violations
from .test_organiser import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
PHONE, DESKTOP = 390, 1280
REGISTER = {"en": "Register", "vi": "Đăng ký"}
FILTERS = {"en": "Filter events", "vi": "Lọc sự kiện"}


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height


@pytest.fixture
def forum():
    return EventFactory(
        slug="forum",
        capacity=50,
        description_en="A long programme.\n" * 80,
        description_vi="Một chương trình dài.\n" * 80,
    )


@pytest.mark.parametrize("language", ["en", "vi"])
def test_event_page_on_a_phone_keeps_register_in_view_while_scrolling(new_page, forum, language):
    page = new_page(width=PHONE, height=780)
    page.goto(f"/{language}/events/forum/")
    button = page.locator(".register-bar .button")

    assert button.inner_text() == REGISTER[language]
    assert in_viewport(page, button)
    page.evaluate("() => window.scrollTo(0, 3000)")
    assert page.evaluate("() => window.scrollY") > 1000
    assert in_viewport(page, button)
    screenshot(page, f"event-phone-{language}")
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["en", "vi"])
def test_event_page_on_a_desktop_has_register_beside_not_on_top(new_page, forum, language):
    page = new_page(width=DESKTOP)
    page.goto(f"/{language}/events/forum/")

    expect(page.locator(".register-bar")).to_be_hidden()
    expect(page.locator(".event-aside .button")).to_be_visible()


@pytest.mark.parametrize("language", ["en", "vi"])
def test_home_page_on_a_phone_folds_filters_and_shows_the_first_event(new_page, forum, language):
    page = new_page(width=PHONE, height=780)
    page.goto(f"/{language}/")

    expect(page.locator("#id_q")).to_be_hidden()
    assert in_viewport(page, page.locator("li.card").first)
    screenshot(page, f"home-phone-{language}")
    page.get_by_text(FILTERS[language]).click()
    expect(page.locator("#id_q")).to_be_visible()
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", ["en", "vi"])
def test_home_page_on_a_desktop_shows_the_filters_open(new_page, forum, language):
    page = new_page(width=DESKTOP)
    page.goto(f"/{language}/")

    expect(page.locator("#id_q")).to_be_visible()
    expect(page.get_by_text(FILTERS[language])).to_be_hidden()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_organiser_edits_a_question_and_a_session_in_place(new_page, width):
    owner = UserFactory(username="organiser")
    event = EventFactory(slug="forum", owner=owner, status="draft")
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, label_en="Tour")
    choice = ChoiceFactory(question=question, label_en="Lab", label_vi="")
    start = timezone.now() + timedelta(days=30)
    session = Session.objects.create(
        event=event, title_en="Keynote", start=start, end=start + timedelta(hours=1)
    )
    page = new_page(width=width)
    sign_in(page, "organiser")

    page.goto("/en/organiser/events/forum/questions/")
    page.get_by_role("link", name="Edit Tour").click()
    page.locator(f"#id_choice_{choice.pk}_vi").fill("Phòng thí nghiệm")
    page.locator("#id_label_vi").fill("Tham quan")
    page.get_by_role("button", name="Save the question").click()
    expect(page.get_by_text("The question is saved.")).to_be_visible()
    page.goto("/en/organiser/events/forum/agenda/")
    page.get_by_role("link", name="Edit Keynote").click()
    page.locator("#id_title_en").fill("Opening keynote")
    page.get_by_role("button", name="Save the session").click()
    expect(page.get_by_role("rowheader", name="Opening keynote")).to_be_visible()

    choice.refresh_from_db()
    session.refresh_from_db()
    assert choice.label_vi == "Phòng thí nghiệm"
    assert session.title_en == "Opening keynote"
    assert serious_violations(page) == []
