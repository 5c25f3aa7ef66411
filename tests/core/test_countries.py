"""Country names in English and Vietnamese, and what the API accepts as a country."""

import pytest

from core.countries import (
    COUNTRY_CODES,
    country_choices,
    country_name,
    fold,
    resolve_country,
)
from registration.models import Registration
from tests.factories import EventFactory
from tests.registration.helpers import person


def url(event) -> str:
    return f"/api/v1/events/{event.slug}/registrations/"


@pytest.mark.parametrize("language", ["en", "vi"])
def test_country_choices_cover_every_code_with_vietnam_first(language):
    choices = country_choices(language)

    assert {code for code, _ in choices} == COUNTRY_CODES and len(choices) == len(COUNTRY_CODES)
    assert choices[0][0] == "VN"


def test_country_choices_after_vietnam_are_in_name_order():
    names = [name for _, name in country_choices("vi")[1:]]

    assert [fold(n) for n in names] == sorted(fold(n) for n in names)


@pytest.mark.parametrize(
    ("code", "english", "vietnamese"),
    [
        ("VN", "Vietnam", "Việt Nam"),
        ("KR", "South Korea", "Hàn Quốc"),
        ("DE", "Germany", "Đức"),
        ("VI", "U.S. Virgin Islands", "Quần đảo Virgin thuộc Hoa Kỳ"),
    ],
)
def test_country_name_in_both_languages(code, english, vietnamese):
    assert (country_name(code, "en"), country_name(code, "vi")) == (english, vietnamese)


def test_country_name_every_code_has_a_vietnamese_name():
    untranslated = [c for c in COUNTRY_CODES if country_name(c, "vi") in ("", c)]

    assert untranslated == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Việt Nam", "VN"),
        ("Viet Nam", "VN"),
        ("viet nam", "VN"),
        ("Vietnam", "VN"),
        ("Hàn Quốc", "KR"),
        ("han quoc", "KR"),
        ("Korea, Republic of", "KR"),
        ("South Korea", "KR"),
        ("Đức", "DE"),
        ("vn", "VN"),
        (" jp ", "JP"),
        ("VI", "VI"),
    ],
)
def test_resolve_country_reads_codes_and_names_in_either_language(text, code):
    assert resolve_country(text) == code


@pytest.mark.parametrize("text", ["Narnia", "XX", "V", ""])
def test_resolve_country_unknown_is_none(text):
    assert resolve_country(text) is None


@pytest.mark.django_db
@pytest.mark.parametrize(("sent", "stored"), [("kr", "KR"), ("Hàn Quốc", "KR"), ("Viet Nam", "VN")])
def test_register_api_stores_the_code_for_a_code_or_name(api, sent, stored):
    event = EventFactory()

    response = api.post(url(event), person(1, country=sent), format="json")

    assert response.status_code == 201
    assert Registration.objects.get().country == stored


@pytest.mark.django_db
def test_register_api_unknown_country_is_400_naming_it(api):
    event = EventFactory()

    response = api.post(url(event), person(1, country="Narnia"), format="json")

    assert response.status_code == 400
    assert "Narnia" in response.json()["country"][0]
    assert not Registration.objects.exists()
