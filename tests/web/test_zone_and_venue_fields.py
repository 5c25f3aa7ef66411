"""The details step: the time zone named as an IANA zone from a list with offsets, and the
venue's country typed by name and shown by name."""

import re
from datetime import UTC, datetime

import pytest

from events.models import Event
from events.zones import zone_options
from tests.factories import EventFactory

from .test_setup_pages import details, page

pytestmark = pytest.mark.django_db

NEW = "/{language}/organiser/events/new/"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def options(html: str) -> dict[str, str]:
    datalist = re.search(r'<datalist id="time-zones">(.*?)</datalist>', html, re.S).group(1)
    return dict(re.findall(r'<option value="([^"]+)" label="([^"]+)">', datalist))


def test_zone_options_give_the_offset_in_force_then():
    winter = dict(zone_options(datetime(2027, 1, 15, tzinfo=UTC)))
    summer = dict(zone_options(datetime(2027, 7, 15, tzinfo=UTC)))

    assert (winter["Europe/Berlin"], summer["Europe/Berlin"]) == ("UTC+1", "UTC+2")
    assert winter["Asia/Kolkata"] == "UTC+5:30" and winter["America/St_Johns"] == "UTC-3:30"
    assert winter["Asia/Ho_Chi_Minh"] == "UTC+7"


def test_zone_options_put_vietnam_first_and_leave_out_aliases():
    names = [name for name, _offset in zone_options()]

    assert names[0] == "Asia/Ho_Chi_Minh" and "UTC" in names
    assert not {"US/Eastern", "Etc/GMT+7", "GMT", "Asia"} & set(names)
    assert names[1:] == sorted(names[1:])


@pytest.mark.parametrize(
    "language, help_text",
    [
        ("en", "An IANA time zone name, such as Asia/Ho_Chi_Minh or Europe/Berlin"),
        ("vi", "Tên múi giờ theo IANA, chẳng hạn Asia/Ho_Chi_Minh hoặc Europe/Berlin"),
    ],
)
def test_details_form_offers_zones_with_their_offset(owner_client, language, help_text):
    html = owner_client.get(NEW.format(language=language)).content.decode()

    field = re.search(r'<input[^>]*id="id_timezone"[^>]*>', html).group(0)
    assert 'list="time-zones"' in field and 'aria-describedby="id_timezone-help"' in field
    assert help_text in html
    found = options(html)
    assert found["Asia/Ho_Chi_Minh"] == "UTC+7"
    assert found["Europe/Berlin"] in {"UTC+1", "UTC+2"}


@pytest.mark.parametrize(
    "language, message",
    [("en", "Unknown timezone"), ("vi", "không xác định: vui lòng sử dụng tên theo chuẩn IANA")],
)
def test_details_form_refuses_an_offset_for_a_zone_beside_the_field(
    owner_client, language, message
):
    response = owner_client.post(NEW.format(language=language), details(timezone="UTC+7"))

    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="id_timezone-error"><li>[^<]*' + message, html)
    assert 'value="UTC+7"' in html
    assert not Event.objects.filter(title_en="Materials Science Forum").exists()


def test_api_schema_describes_the_zone_as_an_iana_name(api):
    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]

    description = schema["EventRequest"]["properties"]["timezone"]["description"]
    assert "IANA" in description and "Europe/Berlin" in description


@pytest.mark.parametrize("typed", ["Đức", "Germany", "de"])
def test_details_form_takes_the_venue_country_by_name(owner_client, typed):
    response = owner_client.post(NEW.format(language="en"), details(venue_country=typed))

    assert response.status_code == 302
    assert Event.objects.get(title_en="Materials Science Forum").venue_country == "DE"


@pytest.mark.parametrize("language, name", [("en", "South Korea"), ("vi", "Hàn Quốc")])
def test_details_and_preview_show_the_venue_country_by_name(owner_client, owner, language, name):
    event = EventFactory(owner=owner, status="draft", venue_country="KR")

    edit = owner_client.get(page(event, "edit", language)).content.decode()
    preview = owner_client.get(page(event, "preview", language)).content.decode()

    field = re.search(r'<input[^>]*id="id_venue_country"[^>]*>', edit).group(0)
    assert f'value="{name}"' in field and 'list="country-codes"' in field
    assert f", {name}</dd>" in preview


def test_details_form_refuses_an_unknown_venue_country_beside_the_field(owner_client):
    response = owner_client.post(NEW.format(language="en"), details(venue_country="Atlantis"))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_venue_country-error"' in html and 'value="Atlantis"' in html
    assert "Choose a country from the list" in html
