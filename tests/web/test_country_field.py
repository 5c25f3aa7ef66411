"""The country field on the pages: typed names in either language, names shown, never codes."""

import pytest

from registration.models import Registration
from tests.factories import EventFactory, QuestionFactory, RegistrationFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db


def form(**extra) -> dict:
    return {"name": "Nguyễn An", "email": "an@example.org", "consent": "1", **extra}


@pytest.mark.parametrize(
    ("language", "typed", "stored"),
    [
        ("vi", "Việt Nam", "VN"),
        ("vi", "Hàn Quốc", "KR"),
        ("en", "Viet Nam", "VN"),
        ("en", "Korea, Republic of", "KR"),
        ("en", "viet nam", "VN"),
    ],
)
def test_register_page_stores_the_code_of_a_typed_name(client, language, typed, stored):
    EventFactory(slug="forum")

    response = client.post(f"/{language}/events/forum/register/", form(country=typed))

    assert response.status_code == 302
    assert Registration.objects.get().country == stored


def test_register_page_unknown_country_is_400_with_the_error_beside_the_field(client):
    EventFactory(slug="forum")

    response = client.post("/en/events/forum/register/", form(country="Narnia"))

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_country-error"' in page and "“Narnia” is not a country we know" in page
    assert 'value="Narnia"' in page
    assert not Registration.objects.exists()


def test_register_page_in_vietnamese_defaults_to_viet_nam_listed_first(client):
    EventFactory(slug="forum")

    page = client.get("/vi/events/forum/register/").content.decode()

    assert 'name="country" list="country-codes"' in page and 'value="Việt Nam"' in page
    datalist = page.split('<datalist id="country-codes">', 1)[1]
    assert datalist.startswith('<option value="Việt Nam" label="Vietnam · VN">')
    assert 'maxlength="2"' not in page.split('id="id_country"', 1)[1].split(">", 1)[0]


def test_register_page_in_english_has_no_default_country(client):
    EventFactory(slug="forum")

    page = client.get("/en/events/forum/register/").content.decode()

    assert 'id="id_country" name="country" list="country-codes" maxlength="100" ' in page
    assert 'autocomplete="country-name" value=""' in page
    assert '<option value="Vietnam" label="Việt Nam · VN">' in page


def test_manage_page_shows_the_country_name_and_saves_a_typed_one(client):
    registration = register(EventFactory(), 1, country="KR")
    page = client.get(f"/r/{registration.manage_token}").content.decode()
    assert "<dd>Hàn Quốc</dd>" in page and 'value="Hàn Quốc"' in page

    client.post(
        f"/r/{registration.manage_token}",
        {
            "action": "edit",
            "name": "An",
            "email": registration.email,
            "country": "Nhật Bản",
            "language": "vi",
        },
    )

    registration.refresh_from_db()
    assert registration.country == "JP"


def test_registrations_page_shows_names_and_filters_by_a_typed_name(client):
    owner = UserFactory()
    event = EventFactory(owner=owner)
    RegistrationFactory(event=event, country="KR", name="Kim")
    RegistrationFactory(event=event, country="VN", name="An")
    client.force_login(owner)

    page = client.get(
        f"/en/organiser/events/{event.slug}/registrations/", {"country": "South Korea"}
    ).content.decode()

    assert "<td>South Korea</td>" in page and "Kim" in page
    assert ">An<" not in page


def test_public_participant_list_shows_country_names(client):
    event = EventFactory(slug="forum", participant_list_public=True)
    RegistrationFactory(event=event, country="DE", public_listing=True, name="Anna")

    page = client.get("/vi/events/forum/participants/").content.decode()

    assert "<td>Đức</td>" in page


def test_country_question_takes_a_name_and_shows_the_stored_answer_as_a_name(client):
    event = EventFactory(slug="forum")
    question = QuestionFactory(event=event, kind="country", label_en="Passport country")
    response = client.post(
        "/vi/events/forum/register/", form(**{f"answers.{question.pk}": "Nhật Bản"})
    )
    registration = Registration.objects.get()
    assert response.status_code == 302 and registration.answers == {str(question.pk): "JP"}

    page = client.get(f"/r/{registration.manage_token}").content.decode()

    assert f'id="id_answers.{question.pk}" name="answers.{question.pk}" value="Nhật Bản"' in page
