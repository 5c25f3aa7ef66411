"""Each event's data-processing notice: a default, its own text, a version per change, kept."""

import pytest
from django.utils import translation

from events import services
from events.models import PrivacyNotice
from events.notices import DEFAULT_NOTICE_EN, DEFAULT_NOTICE_VERSION
from registration import eligibility as registration_eligibility
from registration import personal_data as registration_personal_data
from tests.conftest import client_for
from tests.factories import EventFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

OWN_EN = "The Hanoi Forum keeps your data for the forum only."
OWN_VI = "Diễn đàn Hà Nội chỉ dùng dữ liệu của Quý vị cho diễn đàn."


def set_notice(event, user, **texts):
    return services.update_event(event, user=user, data=texts)


def notice_url(event, version=None):
    url = f"/api/v1/events/{event.slug}/privacy-notice/"
    return f"{url}?version={version}" if version else url


def test_an_event_without_its_own_notice_has_the_default(event, api):
    assert event.privacy_notice_label == DEFAULT_NOTICE_VERSION == "default-1"
    assert event.title in event.privacy_notice  # "{event}" is filled in

    body = api.get(notice_url(event)).json()

    assert body["version"] == "default-1"
    assert body["is_default"] is True
    assert body["current"] is True
    assert body["text_en"] == DEFAULT_NOTICE_EN.replace("{event}", event.title)
    assert body["text_vi"].startswith("Ban tổ chức")


def test_an_own_notice_is_version_1_and_is_kept(event, owner):
    event = set_notice(event, owner, privacy_notice_en=OWN_EN, privacy_notice_vi=OWN_VI)

    assert event.privacy_notice_version == 1
    assert event.privacy_notice_label == f"{event.uuid}-v1"
    kept = PrivacyNotice.objects.get(event=event)
    assert (kept.version, kept.text_en, kept.text_vi, kept.created_by) == (1, OWN_EN, OWN_VI, owner)
    with translation.override("vi"):
        assert event.privacy_notice == OWN_VI
    with translation.override("en"):
        assert event.privacy_notice == OWN_EN


def test_the_other_language_stands_in_for_a_missing_one(event, owner):
    event = set_notice(event, owner, privacy_notice_en=OWN_EN)

    with translation.override("vi"):
        assert event.privacy_notice == OWN_EN


def test_every_change_is_a_new_version_and_no_change_is_none(event, owner):
    event = set_notice(event, owner, privacy_notice_en=OWN_EN)
    event = set_notice(event, owner, privacy_notice_en=OWN_EN + "  ")  # the same, once trimmed
    assert event.privacy_notice_version == 1

    event = set_notice(event, owner, privacy_notice_en="Second text.")
    event = set_notice(event, owner, privacy_notice_vi="Văn bản thứ hai.")

    assert event.privacy_notice_label == f"{event.uuid}-v3"
    assert list(PrivacyNotice.objects.filter(event=event).values_list("version", "text_en")) == [
        (1, OWN_EN),
        (2, "Second text."),
        (3, "Second text."),
    ]


def test_clearing_the_notice_brings_back_the_default(event, owner):
    event = set_notice(event, owner, privacy_notice_en=OWN_EN)
    event = set_notice(event, owner, privacy_notice_en="")

    assert event.privacy_notice_label == DEFAULT_NOTICE_VERSION
    event = set_notice(event, owner, privacy_notice_en="Again our own.")
    assert event.privacy_notice_label == f"{event.uuid}-v3"  # versions never repeat


def test_a_new_event_may_come_with_its_notice(owner):
    data = {
        "title_en": "Forum",
        "start": EventFactory.build().start,
        "end": EventFactory.build().end,
        "privacy_notice_en": OWN_EN,
    }

    event = services.create_event(user=owner, data=data)

    assert event.privacy_notice_label == f"{event.uuid}-v1"
    assert PrivacyNotice.objects.filter(event=event, version=1, text_en=OWN_EN).exists()


def test_consent_records_the_version_agreed_to(event, owner):
    before = register(event, 1)
    event = set_notice(event, owner, privacy_notice_en=OWN_EN)
    registration_eligibility._event_cache.clear()
    after = register(event, 2)
    event = set_notice(event, owner, privacy_notice_en="Changed.")

    assert before.consent_notice_version == "default-1"
    assert after.consent_notice_version == f"{event.uuid}-v1"
    assert after.consent_notice["text_en"] == OWN_EN  # still the words agreed to
    exported = registration_personal_data.export_personal_data(after)
    assert exported["registration"]["consent_notice"] == {
        "version": f"{event.uuid}-v1",
        "text_en": OWN_EN,
        "text_vi": "",
    }


def test_old_versions_stay_readable(event, owner, api):
    event = set_notice(event, owner, privacy_notice_en=OWN_EN)
    event = set_notice(event, owner, privacy_notice_en="Changed.")

    current = api.get(notice_url(event)).json()
    first = api.get(notice_url(event, f"{event.uuid}-v1")).json()
    by_number = api.get(notice_url(event, "1")).json()
    default = api.get(notice_url(event, "default-1")).json()

    assert (current["version"], current["text_en"], current["current"]) == (
        f"{event.uuid}-v2",
        "Changed.",
        True,
    )
    assert (first["text_en"], first["current"], first["number"]) == (OWN_EN, False, 1)
    assert by_number == first
    assert default["is_default"] is True and default["current"] is False
    assert api.get(notice_url(event, "9")).status_code == 404
    other = EventFactory()
    assert api.get(notice_url(event, f"{other.uuid}-v1")).status_code == 404


def test_the_api_reads_and_writes_the_notice_for_the_team(event, owner_api, api):
    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/",
        {"privacy_notice_en": OWN_EN, "privacy_notice_vi": OWN_VI},
        format="json",
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["privacy_notice_en"] == OWN_EN
    assert body["privacy_notice_version"] == f"{event.uuid}-v1"
    public = api.get(f"/api/v1/events/{event.slug}/").json()
    assert public["privacy_notice"] == OWN_EN
    assert public["privacy_notice_version"] == f"{event.uuid}-v1"


def test_the_version_cannot_be_written_and_strangers_cannot_change_the_notice(event, owner_api):
    owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"privacy_notice_version": "x-v9"}, format="json"
    )
    event.refresh_from_db()
    assert event.privacy_notice_label == DEFAULT_NOTICE_VERSION

    stranger = client_for(UserFactory())
    response = stranger.patch(
        f"/api/v1/events/{event.slug}/", {"privacy_notice_en": "Mine."}, format="json"
    )
    assert response.status_code in (403, 404)
    event.refresh_from_db()
    assert event.privacy_notice_en == ""


def test_the_registration_form_shows_the_events_notice(client, owner):
    event = EventFactory(slug="forum", owner=owner)
    default_page = client.get("/en/events/forum/register/").content.decode()
    set_notice(event, owner, privacy_notice_en=OWN_EN, privacy_notice_vi=OWN_VI)
    registration_eligibility._event_cache.clear()

    page = client.get("/en/events/forum/register/").content.decode()
    page_vi = client.get("/vi/events/forum/register/").content.decode()

    assert "store your name, contact details and answers" in default_page
    assert OWN_EN in page
    assert OWN_VI in page_vi


def test_the_manage_page_shows_the_version_agreed_to(client, owner):
    event = set_notice(EventFactory(owner=owner), owner, privacy_notice_en=OWN_EN)
    registration = register(event, 1, language="en")
    set_notice(event, owner, privacy_notice_en="Changed later.")

    page = client.get(f"/r/{registration.manage_token}").content.decode()

    assert f"{event.uuid}-v1" in page
    assert OWN_EN in page
    assert "Changed later." not in page
