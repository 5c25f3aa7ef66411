"""An organiser's path through the organiser area, in a real browser."""

import csv
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events.models import Event
from notifications.models import ReminderRule
from registration.models import Registration
from tests.factories import UserFactory

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, username: str) -> None:
    page.goto("/en/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="My events")).to_be_visible()


def create_event(page) -> str:
    start = timezone.localtime() + timedelta(days=14)
    page.get_by_role("link", name="Create an event").click()
    page.locator("#id_title_en").fill("Mekong Delta Water Summit")
    page.locator("#id_title_vi").fill("Hội nghị Nước Đồng bằng sông Cửu Long")
    page.locator("#id_summary_en").fill("Salinity, rice and resilient cities.")
    page.locator("#id_start").fill(start.strftime("%Y-%m-%dT09:00"))
    page.locator("#id_end").fill(start.strftime("%Y-%m-%dT17:00"))
    page.locator("#id_venue_name").fill("Can Tho University")
    page.locator("#id_venue_city").fill("Cần Thơ")
    page.locator("#id_capacity").fill("50")
    page.get_by_label("Registrations need approval").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name="Mekong Delta Water Summit")).to_be_visible()
    return Event.objects.get(title_en="Mekong Delta Water Summit").slug


def test_organiser_creates_publishes_approves_exports_and_checks_in(new_page):
    UserFactory(username="organiser")
    page = new_page()
    sign_in(page, "organiser")
    slug = create_event(page)

    page.locator("#id_label_en").fill("Which field trip?")
    page.locator("#id_kind").select_option("short_text")
    page.get_by_role("button", name="Add question").click()
    expect(page.get_by_role("rowheader", name="Which field trip?")).to_be_visible()

    page.get_by_role("link", name="Reminders").click()
    page.locator("#id_hours_before_start").fill("48")
    page.get_by_role("button", name="Add reminder").click()
    page.get_by_role("link", name="Preview & publish").click()
    screenshot(page, "organiser-preview")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("h1 .badge")).to_have_text("Published")
    assert ReminderRule.objects.filter(event__slug=slug).count() >= 1

    visitor = new_page(width=390, height=844)
    visitor.goto(f"/en/events/{slug}/register/")
    visitor.get_by_label("Full name").fill("Võ Thị Mai")
    visitor.get_by_label("Email").fill("mai@example.org")
    visitor.get_by_label("Which field trip?").fill("Floating market")
    visitor.get_by_label("I agree that my data is processed").check()
    visitor.locator("form button[type=submit]").last.click()
    expect(visitor.get_by_role("heading", name="the organisers will review")).to_be_visible()

    page.goto(f"/en/organiser/events/{slug}/registrations/")
    page.get_by_role("button", name="Approve Võ Thị Mai").click()
    expect(page.locator("tbody .badge-confirmed")).to_have_count(1)
    screenshot(page, "organiser-registrations")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        rows = list(csv.DictReader(exported))
    assert [(row["Name"], row["Which field trip?"]) for row in rows] == [
        ("Võ Thị Mai", "Floating market")
    ]

    code = Registration.objects.get(email="mai@example.org").ticket_code
    page.get_by_role("link", name="Check-in").click()
    page.get_by_label("Ticket code", exact=True).fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#scan-result")).to_contain_text("Checked in on ")
    expect(page.locator("#scan-result")).to_contain_text(": Võ Thị Mai")
    expect(page.locator("#checked-in-count")).to_contain_text("1 of 1")
    page.get_by_label("Ticket code", exact=True).fill(code)
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("#scan-result")).to_contain_text("Already checked in today at")
    expect(page.locator("#scan-result")).to_have_class("scan-result scan-bad")
    screenshot(page, "organiser-check-in")
    page.goto("/en/organiser/")
    expect(page.locator("#live-counts")).to_contain_text("Mekong Delta Water Summit")
    screenshot(page, "organiser-dashboard")


def test_organiser_sees_errors_inline_when_creating_an_event(page):
    UserFactory(username="organiser")
    sign_in(page, "organiser")

    page.get_by_role("link", name="Create an event").click()
    page.locator("#id_title_en").fill("Half-filled")
    page.locator("#id_start").fill("2031-05-02T14:00")
    page.locator("#id_end").fill("2031-05-02T09:00")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_title_en")).to_have_value("Half-filled")
    expect(page.locator("#id_start")).to_have_value("2031-05-02T14:00")
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert not Event.objects.exists()
