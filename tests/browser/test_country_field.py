"""The country on the registration page, as a phone and a desktop show it, in both languages."""

import pytest
from playwright.sync_api import expect

from registration.models import Registration
from tests.factories import EventFactory

from .conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

# What each language shows before anything is typed, and a neighbour typed in that language.
DEFAULT = {"en": "", "vi": "Việt Nam"}
TYPED = {"en": "Korea, Republic of", "vi": "Hàn Quốc"}
SHOWN = {"en": "South Korea", "vi": "Hàn Quốc"}


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_country_field_takes_a_typed_name_and_shows_it_back(new_page, width, language):
    EventFactory(slug="forum", title_en="Hanoi Science Forum")
    page = new_page(width=width, height=844 if width < 500 else 900)
    page.goto(f"/{language}/events/forum/register/")
    field = page.locator("#id_country")

    expect(field).to_have_value(DEFAULT[language])
    box = field.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    assert page.locator("datalist#country-codes option").first.get_attribute("value") == (
        "Việt Nam" if language == "vi" else "Vietnam"
    )
    assert serious_violations(page) == []
    field.fill(TYPED[language])
    screenshot(page, f"register-country-{language}-{'phone' if width < 500 else 'desktop'}")
    page.locator("#id_name").fill("Kim Min-jun")
    page.locator("#id_email").fill("kim@example.org")
    page.locator("#id_consent").check()
    page.locator("form button[type=submit]").last.click()

    expect(page.locator("#registration-status")).to_be_visible()
    assert Registration.objects.get().country == "KR"
    expect(page.locator("dd", has_text=SHOWN[language]).first).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_country_field_unknown_name_shows_the_error_beside_it(new_page, width, language):
    EventFactory(slug="forum")
    page = new_page(width=width, height=844 if width < 500 else 900)
    page.goto(f"/{language}/events/forum/register/")
    page.locator("#id_country").fill("Narnia")
    page.locator("#id_name").fill("An")
    page.locator("#id_email").fill("an@example.org")
    page.locator("#id_consent").check()
    page.locator("form button[type=submit]").last.click()

    error = page.locator("#id_country-error")
    expect(error).to_contain_text("Narnia")
    expect(page.locator("#id_country")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_country")).to_have_value("Narnia")
    assert serious_violations(page) == []
    assert not Registration.objects.exists()
