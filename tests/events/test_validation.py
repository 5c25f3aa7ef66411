"""Bad input answers 400 with a message per field (or a `detail`), never a 500."""

from datetime import timedelta

import pytest
from django.test import override_settings

from events.models import Event
from tests.factories import EventFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Hanoi Innovation Forum",
    "slug": "hanoi-innovation-forum",
    "timezone": "Asia/Ho_Chi_Minh",
    "start": "2027-03-01T09:00:00",
    "end": "2027-03-01T17:00:00",
}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """UserFactory hashes a password for every user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def assert_human(message) -> None:
    """A message for people: a capitalised phrase of words, not a code, a repr or a trace."""
    assert isinstance(message, str), message
    letters = [c for c in message if c.isalpha()]
    assert letters, message
    # DRF words some messages around the value given: '"party" is not a valid choice.'
    assert letters[0].isupper() or message[:1] in '"“', message
    assert len(message.split()) >= 2, message
    assert "Traceback" not in message, message
    assert "object at 0x" not in message, message


def assert_field_error(response, key: str) -> None:
    """400 whose body names `key` with at least one human sentence."""
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert key in body, body
    messages = body[key]
    assert isinstance(messages, list), body
    assert messages, body
    for message in messages:
        assert_human(message)


def assert_detail_error(response, status: int = 400) -> None:
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) >= {"detail"}, body
    assert_human(body["detail"])


def create(client, **changes):
    data = {**VALID, **changes}
    for key in [key for key, value in changes.items() if value is ...]:
        del data[key]
    return client.post("/api/v1/events/", data, format="json")


def post_raw(client, url: str, body: bytes):
    return client.post(url, body, content_type="application/json")


# --- Valid input, for contrast --------------------------------------------------------------


def test_create_event_with_valid_input_is_created(owner_api):
    response = create(owner_api)

    assert response.status_code == 201, response.json()


# --- Times ----------------------------------------------------------------------------------


def test_create_event_ending_before_it_starts_is_rejected(owner_api):
    response = create(owner_api, end="2027-03-01T08:00:00")

    assert_field_error(response, "end")


def test_create_event_ending_when_it_starts_is_rejected(owner_api):
    response = create(owner_api, end=VALID["start"])

    assert_field_error(response, "end")


def test_create_event_registration_closing_after_event_ends_is_rejected(owner_api):
    response = create(owner_api, registration_closes="2027-03-02T00:00:00")

    assert_field_error(response, "registration_closes")


def test_create_event_registration_opening_after_it_closes_is_rejected(owner_api):
    response = create(
        owner_api,
        registration_opens="2027-02-20T00:00:00",
        registration_closes="2027-02-10T00:00:00",
    )

    assert_field_error(response, "registration_opens")


def test_create_event_start_that_is_not_a_time_is_rejected(owner_api):
    response = create(owner_api, start="tomorrow")

    assert_field_error(response, "start")


def test_create_event_without_start_is_rejected(owner_api):
    response = create(owner_api, start=...)

    assert_field_error(response, "start")


def test_create_event_start_before_year_one_utc_is_rejected(owner_api):
    # 0001-01-01 00:00 in Ho Chi Minh City is still year 0 in UTC, which cannot be stored.
    response = create(owner_api, start="0001-01-01T00:00:00", end="0001-01-01T08:00:00")

    assert_field_error(response, "start")


def test_create_event_end_after_year_9999_utc_is_rejected(owner_api):
    # 9999-12-31 23:59 in Los Angeles is already year 10000 in UTC.
    response = create(owner_api, timezone="America/Los_Angeles", end="9999-12-31T23:59:00")

    assert_field_error(response, "end")


# --- Capacity -------------------------------------------------------------------------------


def test_create_event_negative_capacity_is_rejected(owner_api):
    response = create(owner_api, capacity=-1)

    assert_field_error(response, "capacity")


def test_create_event_capacity_that_is_not_a_number_is_rejected(owner_api):
    response = create(owner_api, capacity="abc")

    assert_field_error(response, "capacity")


def test_create_event_capacity_with_fraction_is_rejected(owner_api):
    response = create(owner_api, capacity=1.5)

    assert_field_error(response, "capacity")


def test_create_event_capacity_too_large_to_store_is_rejected(owner_api):
    response = create(owner_api, capacity=10**30)

    assert_field_error(response, "capacity")


# --- Timezone -------------------------------------------------------------------------------


def test_create_event_unknown_timezone_is_rejected(owner_api):
    response = create(owner_api, timezone="Mars/Olympus_Mons")

    assert_field_error(response, "timezone")


def test_create_event_timezone_message_names_the_timezone(owner_api):
    response = create(owner_api, timezone="Mars/Olympus_Mons")

    assert "Mars/Olympus_Mons" in response.json()["timezone"][0]


def test_create_event_timezone_naming_a_region_folder_is_rejected(owner_api):
    # "Asia" is a directory of the tz database, not a zone.
    response = create(owner_api, timezone="Asia")

    assert_field_error(response, "timezone")


def test_create_event_timezone_with_path_tricks_is_rejected(owner_api):
    response = create(owner_api, timezone="../etc/passwd")

    assert_field_error(response, "timezone")


def test_create_event_blank_timezone_is_rejected(owner_api):
    response = create(owner_api, timezone="")

    assert_field_error(response, "timezone")


# --- Slug, codes, title ---------------------------------------------------------------------


def test_create_event_slug_already_taken_is_rejected(owner_api):
    EventFactory(slug="hanoi-innovation-forum")

    response = create(owner_api)

    assert_field_error(response, "slug")


def test_create_event_slug_with_spaces_is_rejected(owner_api):
    response = create(owner_api, slug="hanoi forum")

    assert_field_error(response, "slug")


def test_create_event_unknown_field_code_is_rejected(owner_api):
    response = create(owner_api, fields=["1.2", "9.99"])

    assert_field_error(response, "fields")


def test_create_event_unknown_field_code_is_named_in_message(owner_api):
    response = create(owner_api, fields=["9.99"])

    assert "9.99" in response.json()["fields"][0]


def test_create_event_fields_given_as_a_string_is_rejected(owner_api):
    response = create(owner_api, fields="1.2")

    assert_field_error(response, "fields")


def test_create_event_unknown_programme_code_is_rejected(owner_api):
    ProgrammeFactory(code="07-CTr/TU")

    response = create(owner_api, programme="99-CTr/TU")

    assert_field_error(response, "programme")


def test_create_event_without_title_is_rejected(owner_api):
    response = create(owner_api, title=...)

    assert_field_error(response, "title")


def test_create_event_blank_title_is_rejected(owner_api):
    response = create(owner_api, title="   ")

    assert_field_error(response, "title")


def test_create_event_title_too_long_is_rejected(owner_api):
    response = create(owner_api, title_en="x" * 301, title=...)

    assert_field_error(response, "title_en")


def test_create_event_unknown_kind_is_rejected(owner_api):
    response = create(owner_api, kind="party")

    assert_field_error(response, "kind")


def test_create_event_invalid_online_url_is_rejected(owner_api):
    response = create(owner_api, online_url="not a link")

    assert_field_error(response, "online_url")


def test_create_event_three_letter_country_is_rejected(owner_api):
    response = create(owner_api, venue={"country": "VNM"})

    assert response.status_code == 400
    assert_human(response.json()["venue"]["country"][0])


def test_rejected_event_is_not_saved(owner_api):
    create(owner_api, end="2027-03-01T08:00:00")

    assert not Event.objects.filter(slug=VALID["slug"]).exists()


# --- Bodies that are not a JSON object ------------------------------------------------------


def test_create_event_garbage_body_is_rejected(owner_api):
    response = post_raw(owner_api, "/api/v1/events/", b"{title: nope")

    assert_detail_error(response)


def test_create_event_invalid_utf8_body_is_rejected(owner_api):
    response = post_raw(owner_api, "/api/v1/events/", b'{"title": "\xff"}')

    assert_detail_error(response)


def test_create_event_nan_in_body_is_rejected(owner_api):
    response = post_raw(owner_api, "/api/v1/events/", b'{"capacity": NaN}')

    assert_detail_error(response)


def test_create_event_json_list_body_is_rejected(owner_api):
    response = owner_api.post("/api/v1/events/", [VALID], format="json")

    assert_field_error(response, "non_field_errors")


def test_create_event_json_null_body_is_rejected(owner_api):
    response = post_raw(owner_api, "/api/v1/events/", b"null")

    assert_field_error(response, "non_field_errors")


def test_create_event_deeply_nested_json_is_rejected(owner_api):
    depth = 100_000
    response = post_raw(owner_api, "/api/v1/events/", b"[" * depth + b"]" * depth)

    assert_detail_error(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_create_event_body_over_upload_limit_is_rejected(owner_api):
    response = create(owner_api, description_en="x" * 2048)

    assert_detail_error(response)


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_create_event_body_over_upload_limit_is_not_saved(owner_api):
    create(owner_api, description_en="x" * 2048)

    assert not Event.objects.filter(slug=VALID["slug"]).exists()


def test_cancel_event_garbage_body_is_rejected(event, owner_api):
    response = post_raw(owner_api, f"/api/v1/events/{event.slug}/cancel/", b"{nope")

    assert_detail_error(response)


def test_cancel_event_reason_too_long_is_rejected(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/cancel/", {"reason": "x" * 2001}, format="json"
    )

    assert_field_error(response, "reason")


# --- Changing an existing event -------------------------------------------------------------


def test_patch_event_end_before_start_is_rejected(event, owner_api):
    end = (event.start - timedelta(hours=1)).isoformat()

    response = owner_api.patch(f"/api/v1/events/{event.slug}/", {"end": end}, format="json")

    assert_field_error(response, "end")


def test_patch_event_start_after_end_is_rejected(event, owner_api):
    start = (event.end + timedelta(hours=1)).isoformat()

    response = owner_api.patch(f"/api/v1/events/{event.slug}/", {"start": start}, format="json")

    assert_field_error(response, "end")


def test_patch_event_rejected_change_is_not_saved(event, owner_api):
    end = (event.start - timedelta(hours=1)).isoformat()

    owner_api.patch(f"/api/v1/events/{event.slug}/", {"end": end}, format="json")

    assert Event.objects.get(pk=event.pk).end == event.end


def test_patch_event_registration_closing_after_end_is_rejected(event, owner_api):
    closes = (event.end + timedelta(days=1)).isoformat()

    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"registration_closes": closes}, format="json"
    )

    assert_field_error(response, "registration_closes")


def test_patch_event_unknown_timezone_is_rejected(event, owner_api):
    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"timezone": "Europe/Atlantis"}, format="json"
    )

    assert_field_error(response, "timezone")


def test_patch_event_negative_capacity_is_rejected(event, owner_api):
    response = owner_api.patch(f"/api/v1/events/{event.slug}/", {"capacity": -5}, format="json")

    assert_field_error(response, "capacity")


def test_patch_published_event_slug_is_rejected(event, owner_api):
    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"slug": "a-new-address"}, format="json"
    )

    assert_field_error(response, "slug")


def test_patch_draft_slug_to_taken_slug_is_rejected(draft, owner_api):
    EventFactory(slug="taken")

    response = owner_api.patch(f"/api/v1/events/{draft.slug}/", {"slug": "taken"}, format="json")

    assert_field_error(response, "slug")


def test_patch_draft_slug_answers_with_the_new_slug(draft, owner_api):
    response = owner_api.patch(
        f"/api/v1/events/{draft.slug}/", {"slug": "a-new-address"}, format="json"
    )

    assert response.status_code == 200, response.json()
    assert response.json()["slug"] == "a-new-address"


def test_patch_event_removing_both_titles_is_rejected(event, owner_api):
    response = owner_api.patch(
        f"/api/v1/events/{event.slug}/", {"title_en": "", "title_vi": ""}, format="json"
    )

    assert response.status_code == 400
    assert_human(next(iter(response.json().values()))[0])


def test_patch_event_json_list_body_is_rejected(event, owner_api):
    response = owner_api.patch(f"/api/v1/events/{event.slug}/", [{"capacity": 1}], format="json")

    assert_field_error(response, "non_field_errors")


# --- Sessions -------------------------------------------------------------------------------


def test_create_session_ending_before_it_starts_is_rejected(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/sessions/",
        {"title": "Keynote", "start": "2027-03-01T10:00:00", "end": "2027-03-01T09:00:00"},
        format="json",
    )

    assert_field_error(response, "end")


def test_create_session_without_title_is_rejected(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/sessions/",
        {"start": "2027-03-01T09:00:00", "end": "2027-03-01T10:00:00"},
        format="json",
    )

    assert_field_error(response, "title")


def test_create_session_speaker_without_name_is_rejected(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/sessions/",
        {
            "title": "Keynote",
            "start": "2027-03-01T09:00:00",
            "end": "2027-03-01T10:00:00",
            "speakers": [{"affiliation": "VAST"}],
        },
        format="json",
    )

    assert response.status_code == 400
    assert "speakers" in response.json()


def test_create_session_start_before_year_one_utc_is_rejected(event, owner_api):
    response = owner_api.post(
        f"/api/v1/events/{event.slug}/sessions/",
        {"title": "Keynote", "start": "0001-01-01T00:00:00", "end": "0001-01-01T01:00:00"},
        format="json",
    )

    assert_field_error(response, "start")


# --- Query strings --------------------------------------------------------------------------


def test_list_events_invalid_starts_after_is_rejected(api):
    response = api.get("/api/v1/events/?starts_after=yesterday")

    assert_field_error(response, "starts_after")


def test_list_events_starts_after_out_of_range_is_rejected(api):
    response = api.get("/api/v1/events/?starts_after=0001-01-01T00:00:00%2B07:00")

    assert_field_error(response, "starts_after")


def test_list_events_unknown_page_is_not_found(api):
    response = api.get("/api/v1/events/?page=99")

    assert_detail_error(response, status=404)


# --- Unknown addresses ----------------------------------------------------------------------


def test_retrieve_unknown_event_is_not_found_as_json(api):
    response = api.get("/api/v1/events/no-such-event/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_retrieve_unknown_event_detail_is_not_found(api):
    response = api.get("/api/v1/events/no-such-event/")

    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_patch_unknown_event_is_not_found(owner_api):
    response = owner_api.patch("/api/v1/events/no-such-event/", {"capacity": 1}, format="json")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_sessions_of_unknown_event_are_not_found(api):
    response = api.get("/api/v1/events/no-such-event/sessions/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_unknown_session_is_not_found(event, api):
    response = api.get(f"/api/v1/events/{event.slug}/sessions/999999/")

    assert response.status_code == 404
    assert "detail" in response.json()


def test_calendar_of_unknown_event_is_not_found(api):
    response = api.get("/api/v1/events/no-such-event/calendar.ics")

    assert response.status_code == 404
    assert "detail" in response.json()


# --- The same errors in Vietnamese ----------------------------------------------------------

BAD_INPUT = {
    "end_before_start": {"end": "2027-03-01T08:00:00"},
    "registration_after_end": {"registration_closes": "2027-03-02T00:00:00"},
    "registration_opens_after_closes": {
        "registration_opens": "2027-02-20T00:00:00",
        "registration_closes": "2027-02-10T00:00:00",
    },
    "negative_capacity": {"capacity": -1},
    "capacity_not_a_number": {"capacity": "abc"},
    "start_not_a_time": {"start": "tomorrow"},
    "unknown_timezone": {"timezone": "Mars/Olympus_Mons"},
    "unknown_field": {"fields": ["9.99"]},
    "unknown_programme": {"programme": "99-CTr/TU"},
    "missing_title": {"title": ...},
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_errors_in_vietnamese_have_the_same_keys(owner_api, case):
    english = create(owner_api, **BAD_INPUT[case])
    vietnamese = owner_api.post(
        "/api/v1/events/",
        {k: v for k, v in {**VALID, **BAD_INPUT[case]}.items() if v is not ...},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert english.status_code == vietnamese.status_code == 400
    assert set(vietnamese.json()) == set(english.json())


def test_slug_taken_in_vietnamese_has_the_same_key(owner_api):
    EventFactory(slug=VALID["slug"])

    response = owner_api.post("/api/v1/events/", VALID, format="json", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 400
    assert set(response.json()) == {"slug"}


def test_garbage_body_in_vietnamese_has_detail(owner_api):
    response = owner_api.post(
        "/api/v1/events/",
        b"{nope",
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code"}


def test_unknown_event_in_vietnamese_has_detail(api):
    response = api.get("/api/v1/events/no-such-event/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code"}


# --- Found by the API fuzzer: NUL characters reach PostgreSQL only as a 500 -----------------


def test_create_event_programme_with_nul_character_is_400(owner_api):
    response = create(owner_api, programme="07-CTr\x00")

    assert_field_error(response, "programme")


def test_create_event_field_with_nul_character_is_400(owner_api):
    response = create(owner_api, fields=["1\x00"])

    assert_field_error(response, "fields")
