import pytest
from django.utils.dateparse import parse_datetime

from events.models import AuditLogEntry, Event, TeamMembership
from tests.factories import EventFactory, OrganisationFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_EVENT = {
    "title": "Hanoi Innovation Forum",
    "slug": "hanoi-innovation-forum",
    "kind": "forum",
    "scope": "international",
    "fields": ["1.2", "2.2"],
    "host": "Hanoi Department of Science and Technology",
    "partners": ["VNU", "HUST"],
    "venue": {"name": "National Convention Centre", "city": "Hà Nội", "country": "vn"},
    "format": "hybrid",
    "online_url": "https://meet.example.org/hif",
    "timezone": "Asia/Ho_Chi_Minh",
    "start": "2027-03-01T09:00:00",
    "end": "2027-03-02T17:00:00",
    "registration_closes": "2027-02-28T23:59:00",
    "capacity": 2000,
    "waitlist_enabled": True,
}


def test_create_event_makes_draft_owned_by_creator(owner, owner_api):
    response = owner_api.post("/api/v1/events/", NEW_EVENT, format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["my_role"] == "owner"
    assert TeamMembership.objects.get(event__slug=body["slug"]).user == owner


def test_create_event_reads_naive_times_in_event_timezone(owner_api):
    response = owner_api.post("/api/v1/events/", NEW_EVENT, format="json")

    body = response.json()
    assert body["start"] == "2027-03-01T09:00:00+07:00"
    event = Event.objects.get(slug=body["slug"])
    assert event.start.utcoffset().total_seconds() == 0 or event.start.hour == 2


def test_create_event_returns_every_contract_field(owner_api):
    body = owner_api.post("/api/v1/events/", NEW_EVENT, format="json").json()

    for key in [
        "slug",
        "title",
        "summary",
        "description",
        "kind",
        "scope",
        "fields",
        "start",
        "end",
        "timezone",
        "venue",
        "format",
        "capacity",
        "registration_opens",
        "registration_closes",
        "waitlist_enabled",
        "requires_approval",
        "status",
        "sessions",
    ]:
        assert key in body, key
    assert body["fields"] == ["1.2", "2.2"]
    assert body["venue"] == {
        "name": "National Convention Centre",
        "address": "",
        "city": "Hà Nội",
        "country": "VN",
    }
    assert sorted(body["partners"]) == ["HUST", "VNU"]


def test_create_event_without_slug_derives_one_from_title(owner_api):
    data = {**NEW_EVENT, "title": "Diễn đàn Đổi mới sáng tạo"}
    del data["slug"]

    body = owner_api.post("/api/v1/events/", data, format="json").json()

    assert body["slug"] == "dien-dan-doi-moi-sang-tao"


def test_create_event_title_goes_to_request_language(owner_api):
    body = owner_api.post(
        "/api/v1/events/", NEW_EVENT, format="json", HTTP_ACCEPT_LANGUAGE="vi"
    ).json()

    assert body["title_vi"] == "Hanoi Innovation Forum"
    assert body["title_en"] == ""


def test_event_title_falls_back_to_other_language(api):
    EventFactory(slug="only-vi", title_en="", title_vi="Hội thảo")

    body = api.get("/api/v1/events/only-vi/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert body["title"] == "Hội thảo"


def test_event_list_shows_published_and_own_drafts(owner, owner_api):
    EventFactory(slug="public")
    EventFactory(slug="mine", status="draft", owner=owner)
    EventFactory(slug="someone-elses", status="draft", owner=UserFactory())

    slugs = {e["slug"] for e in owner_api.get("/api/v1/events/").json()["results"]}

    assert slugs == {"public", "mine"}


def test_event_list_hides_drafts_from_anonymous(api):
    EventFactory(slug="public")
    EventFactory(slug="hidden", status="draft")

    body = api.get("/api/v1/events/").json()

    assert [e["slug"] for e in body["results"]] == ["public"]
    assert set(body) == {"count", "next", "previous", "results"}


def test_event_list_hides_online_url_from_public(api):
    EventFactory(slug="online", format="online", online_url="https://meet.example.org/x")

    body = api.get("/api/v1/events/online/").json()

    assert "online_url" not in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("scope=international", {"intl"}),
        ("kind=workshop", {"intl"}),
        ("field=1", {"intl"}),
        ("field=2.2", {"local"}),
        ("city=da nang", set()),
        ("city=Đà Nẵng", {"intl"}),
        ("programme=07-CTr/TU", {"local"}),
        ("q=da nang", {"intl"}),
        ("q=AI summit", {"intl"}),
        ("starts_after=2027-06-01", {"intl"}),
        ("starts_before=2027-06-01", {"local"}),
    ],
)
def test_event_list_filters(api, query, expected):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(code="07-CTr/TU")
    EventFactory(
        slug="local",
        programme=programme,
        fields=["2.2"],
        start=parse_datetime("2027-03-01T02:00:00Z"),
        end=parse_datetime("2027-03-01T10:00:00Z"),
    )
    EventFactory(
        slug="intl",
        title_en="AI Summit",
        scope="international",
        kind="workshop",
        venue_city="Đà Nẵng",
        search_text="intl ai summit da nang",
        fields=["1.2"],
        start=parse_datetime("2027-07-01T02:00:00Z"),
        end=parse_datetime("2027-07-01T10:00:00Z"),
    )

    body = api.get(f"/api/v1/events/?{query}").json()

    assert {e["slug"] for e in body["results"]} == expected


def test_event_list_query_count_is_constant(api, django_assert_max_num_queries):
    for _ in range(3):
        event = EventFactory(fields=["1.1", "1.2"], partners=[OrganisationFactory()])
        SessionFactory(event=event)
    with django_assert_max_num_queries(8):
        small = api.get("/api/v1/events/?page_size=3")
    for _ in range(30):
        event = EventFactory(fields=["1.1", "1.2"], partners=[OrganisationFactory()])
        SessionFactory(event=event)
    with django_assert_max_num_queries(8):
        large = api.get("/api/v1/events/?page_size=33")

    assert len(small.json()["results"]) == 3
    assert len(large.json()["results"]) == 33


def test_update_event_records_audit_entry(event, owner_api):
    response = owner_api.patch(f"/api/v1/events/{event.slug}/", {"capacity": 50}, format="json")

    assert response.status_code == 200
    entry = AuditLogEntry.objects.filter(event=event, action="event.updated").get()
    assert entry.changes == {"capacity": [None, 50]}


def test_publish_event_changes_status(draft, owner_api):
    response = owner_api.post(f"/api/v1/events/{draft.slug}/publish/")

    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_publish_cancelled_event_is_conflict(event, owner_api):
    owner_api.post(f"/api/v1/events/{event.slug}/cancel/")

    response = owner_api.post(f"/api/v1/events/{event.slug}/publish/")

    assert response.status_code == 409
    assert "cancelled" in response.json()["detail"]


def test_delete_published_event_is_refused(event, owner_api):
    response = owner_api.delete(f"/api/v1/events/{event.slug}/")

    assert response.status_code == 409
    assert Event.objects.filter(pk=event.pk).exists()


def test_delete_draft_event_removes_it_and_keeps_audit(draft, owner_api):
    response = owner_api.delete(f"/api/v1/events/{draft.slug}/")

    assert response.status_code == 204
    assert not Event.objects.filter(pk=draft.pk).exists()
    assert AuditLogEntry.objects.filter(event_slug=draft.slug, action="event.deleted").exists()


def test_openapi_schema_generates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_openapi_schema_documents_error_answers(api):
    schema = api.get("/api/schema/?format=json").json()

    create = schema["paths"]["/api/v1/events/"]["post"]["responses"]
    assert {"201", "400", "401", "403"} <= set(create)
    publish = schema["paths"]["/api/v1/events/{slug}/publish/"]["post"]["responses"]
    assert {"404", "409"} <= set(publish)


def test_api_docs_page_renders(api):
    assert api.get("/api/docs/").status_code == 200


def test_event_list_leaves_out_cancelled_events_unless_asked(api):
    EventFactory(slug="on")
    EventFactory(slug="off", status="cancelled")

    default = {e["slug"] for e in api.get("/api/v1/events/").json()["results"]}
    asked = {e["slug"] for e in api.get("/api/v1/events/?status=cancelled").json()["results"]}

    assert (default, asked) == ({"on"}, {"off"})
    assert api.get("/api/v1/events/off/").json()["status"] == "cancelled"


def test_event_list_shows_organisers_their_cancelled_events(owner, owner_api):
    EventFactory(slug="mine-off", status="cancelled", owner=owner)

    slugs = {e["slug"] for e in owner_api.get("/api/v1/events/").json()["results"]}

    assert "mine-off" in slugs


def test_unknown_api_address_answers_json_404(api):
    response = api.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


# --- Found by the API fuzzer (tests/test_api_fuzz.py) ----------------------------------------


def openapi(api) -> dict:
    return api.get("/api/schema/?format=json").json()


def component(schema: dict, ref_holder: dict) -> dict:
    ref = ref_holder.get("$ref") or ref_holder["allOf"][0]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_event_list_format_filter_answers_matching_events(api):
    EventFactory(slug="online", format="online", online_url="https://meet.example.org/x")
    EventFactory(slug="here")

    response = api.get("/api/v1/events/?format=online")

    assert response.status_code == 200
    assert [e["slug"] for e in response.json()["results"]] == ["online"]


def test_event_feed_format_filter_answers_matching_events(api):
    EventFactory(title_en="Online summit", format="online", online_url="https://m.example.org/x")
    EventFactory(title_en="Hall meeting")

    response = api.get("/api/v1/events/calendar.ics?format=online")

    assert response.status_code == 200
    assert b"Online summit" in response.content
    assert b"Hall meeting" not in response.content


def test_openapi_invalid_input_answer_names_fields_not_only_detail(api):
    schema = openapi(api)

    answer = schema["paths"]["/api/v1/events/"]["post"]["responses"]["400"]
    body = component(schema, answer["content"]["application/json"]["schema"])

    assert "detail" not in body.get("required", [])


def test_openapi_event_list_documents_invalid_filter_and_page(api):
    responses = openapi(api)["paths"]["/api/v1/events/"]["get"]["responses"]

    assert {"400", "404"} <= set(responses)


def test_openapi_writes_document_unsupported_media_type(api):
    responses = openapi(api)["paths"]["/api/v1/events/"]["post"]["responses"]

    assert "415" in responses


def test_openapi_field_of_science_parent_may_be_null(api):
    schema = openapi(api)

    parent = schema["components"]["schemas"]["FieldOfScience"]["properties"]["parent"]

    assert parent.get("nullable") is True


def test_openapi_team_member_role_includes_owner(api):
    schema = openapi(api)

    role = schema["components"]["schemas"]["TeamMember"]["properties"]["role"]

    assert "owner" in component(schema, role)["enum"]
