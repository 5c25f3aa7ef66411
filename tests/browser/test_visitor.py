"""A visitor's path through the public site, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from registration.models import Registration
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)


def register(page, slug: str, name: str, email: str) -> None:
    page.goto(f"/en/events/{slug}/register/")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("I agree that my data is processed").check()
    page.locator("form button[type=submit]").last.click()


def test_visitor_flow_register_fill_waitlist_and_promotion(new_page):
    EventFactory(
        slug="hanoi-ai-forum",
        title_en="Hanoi AI Forum",
        venue_city="Hà Nội",
        capacity=2,
        waitlist_enabled=True,
        fields=["1"],
    )
    EventFactory(slug="da-nang-materials", title_en="Da Nang Materials Day", venue_city="Đà Nẵng")
    first, second, third = new_page(), new_page(width=390, height=844), new_page()

    first.goto("/en/")
    first.get_by_label("City").select_option("Hà Nội")
    first.get_by_role("button", name="Show events").click()
    expect(first.get_by_role("link", name="Da Nang Materials Day")).to_have_count(0)
    first.get_by_role("link", name="Hanoi AI Forum").click()
    expect(first.get_by_role("heading", level=1)).to_have_text("Hanoi AI Forum")
    expect(first.get_by_text("2 seats left")).to_be_visible()
    first.get_by_role("link", name="Register", exact=True).click()
    register(first, "hanoi-ai-forum", "Nguyễn Văn An", "an@example.org")
    expect(first.get_by_role("heading", name="You are registered!")).to_be_visible()
    first_manage_url = first.url

    register(second, "hanoi-ai-forum", "Trần Thị Bình", "binh@example.org")  # a phone
    expect(second.get_by_role("heading", name="You are registered!")).to_be_visible()

    third.goto("/en/events/hanoi-ai-forum/")
    expect(third.get_by_text("Full – waiting list open")).to_be_visible()
    register(third, "hanoi-ai-forum", "Lê Văn Cường", "cuong@example.org")
    expect(third.get_by_text("You are number 1 on the waiting list.").first).to_be_visible()

    first.goto(first_manage_url)
    first.once("dialog", lambda dialog: dialog.accept())
    first.get_by_role("button", name="Cancel my registration").click()
    expect(first.locator("#registration-status")).to_have_text("Cancelled")

    third.reload()
    expect(third.locator("#registration-status")).to_have_text("Confirmed")
    expect(third.locator("#ticket-code")).to_have_text(
        Registration.objects.get(email="cuong@example.org").ticket_code
    )


def test_registration_form_errors_show_inline_and_keep_input(page):
    EventFactory(slug="forum")

    page.goto("/en/events/forum/register/")
    page.get_by_label("Full name").fill("Phạm Minh Đức")
    page.get_by_label("Organisation").fill("Viện Vật lý")
    page.get_by_label("Email").fill("not-an-email")
    page.locator("form button[type=submit]").last.click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_email-error")).to_contain_text("valid email")
    expect(page.get_by_label("Full name")).to_have_value("Phạm Minh Đức")
    expect(page.get_by_label("Organisation")).to_have_value("Viện Vật lý")
    expect(page.get_by_label("Email")).to_have_value("not-an-email")

    page.get_by_label("Email").fill("duc@example.org")
    page.locator("form button[type=submit]").last.click()

    expect(page.locator("#id_consent-error")).to_contain_text("agree")
    expect(page.get_by_label("Email")).to_have_value("duc@example.org")
    expect(page.get_by_label("Organisation")).to_have_value("Viện Vật lý")
    assert Registration.objects.count() == 0


def test_lost_link_page_answers_the_same_for_any_address(page):
    EventFactory(slug="forum")

    page.goto("/en/events/forum/lost-link/")
    page.get_by_label("Email").fill("nobody@example.org")
    page.get_by_role("button", name="Email me my link").click()

    expect(page.get_by_text("the link is on its way")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/en/events/forum/lost-link/$"))
