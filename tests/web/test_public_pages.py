from datetime import timedelta

import pytest
from django.utils import timezone

from registration import links as registration_links
from registration.models import Registration
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db


def test_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 302 and response["Location"] == "/vi/"


def test_home_lists_upcoming_published_events_only(client):
    EventFactory(title_en="Open Forum")
    EventFactory(title_en="Secret Draft", status="draft")
    EventFactory(title_en="Called Off", status="cancelled")
    past = timezone.now() - timedelta(days=10)
    EventFactory(title_en="Last Year", start=past, end=past + timedelta(hours=2))

    page = client.get("/en/").content.decode()

    assert "Open Forum" in page
    assert not any(t in page for t in ("Secret Draft", "Called Off", "Last Year"))


def test_home_filters_by_city_field_and_text(client):
    EventFactory(title_en="Hanoi Physics", venue_city="Hà Nội", fields=["1"])
    EventFactory(title_en="Hue Medicine", venue_city="Huế", fields=["3"])

    by_city = client.get("/en/", {"city": "Huế"}).content.decode()
    by_field = client.get("/en/", {"field": "1"}).content.decode()
    by_text = client.get("/en/", {"q": "medicine"}).content.decode()

    assert "Hue Medicine" in by_city and "Hanoi Physics" not in by_city
    assert "Hanoi Physics" in by_field and "Hue Medicine" not in by_field
    assert "Hue Medicine" in by_text and "Hanoi Physics" not in by_text


def test_home_filters_by_month(client):
    start = (timezone.now() + timedelta(days=70)).replace(day=15)
    EventFactory(title_en="Later Summit", start=start, end=start + timedelta(hours=3))
    EventFactory(title_en="Soon Workshop")

    page = client.get("/en/", {"month": start.strftime("%Y-%m")}).content.decode()

    assert "Later Summit" in page and "Soon Workshop" not in page


def test_home_bad_filters_are_400_with_a_message(client):
    response = client.get("/en/", {"month": "someday", "scope": "galactic"})

    assert response.status_code == 400
    assert "Pick a month" in response.content.decode()


def test_home_calendar_shows_events_on_their_day(client):
    start = (timezone.now() + timedelta(days=40)).replace(day=9, hour=3)
    EventFactory(title_en="Calendar Day", start=start, end=start + timedelta(hours=3))

    response = client.get("/en/", {"view": "calendar", "month": start.strftime("%Y-%m")})

    assert response.status_code == 200 and "Calendar Day" in response.content.decode()


def test_home_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    for _ in range(30):
        EventFactory(fields=["1"])

    # A first read: the stored answers' probe, then the page built.
    with django_assert_max_num_queries(7):
        client.get("/en/")


def test_event_page_shows_seats_left_and_agenda_in_event_timezone(client):
    event = EventFactory(slug="forum", capacity=10, timezone="Asia/Tokyo")
    register(event, 1)

    page = client.get("/en/events/forum/").content.decode()

    assert "9 seats left" in page and "Japan time (UTC+9)" in page
    assert "/api/v1/events/forum/calendar.ics" in page


def test_event_page_of_a_full_event_offers_the_waiting_list(client):
    event = EventFactory(slug="full", capacity=1, waitlist_enabled=True)
    register(event, 1)

    page = client.get("/en/events/full/").content.decode()

    assert "waiting list open" in page and "Join the waiting list" in page


def test_event_page_of_a_draft_is_404_for_the_public(client):
    EventFactory(slug="secret", status="draft")

    assert client.get("/en/events/secret/").status_code == 404


def test_event_page_of_a_draft_is_a_preview_for_its_team(client):
    owner = UserFactory()
    EventFactory(slug="secret", status="draft", owner=owner)
    client.force_login(owner)

    assert "Preview" in client.get("/en/events/secret/").content.decode()


def test_register_page_confirms_and_redirects_to_the_manage_page(client):
    EventFactory(slug="forum")
    data = {"name": "Nguyễn An", "email": "an@example.org", "consent": "1", "country": "vn"}

    response = client.post("/en/events/forum/register/", data)

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/r/{registration.manage_token}"
    assert (registration.status, registration.country, registration.language) == (
        "confirmed",
        "VN",
        "en",
    )


def test_register_page_in_vietnamese_stores_the_language(client):
    EventFactory(slug="forum")
    data = {"name": "Nguyễn An", "email": "an@example.org", "consent": "1"}

    client.post("/vi/events/forum/register/", data)

    assert Registration.objects.get().language == "vi"


def test_register_page_without_consent_is_400_and_keeps_input(client):
    EventFactory(slug="forum")
    data = {"name": "Nguyễn An", "email": "an@example.org", "affiliation": "VNU"}

    response = client.post("/en/events/forum/register/", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert "agree to the data-processing notice" in page
    assert 'value="Nguyễn An"' in page and 'value="VNU"' in page
    assert not Registration.objects.exists()


def test_register_page_answers_questions_and_shows_choice_seats(client):
    event = EventFactory(slug="forum")
    tour = QuestionFactory(event=event, kind="single_choice", label_en="Lab tour", required=True)
    limited = ChoiceFactory(question=tour, label_en="Clean room", capacity=3)
    ChoiceFactory(question=tour, label_en="Library")
    data = {
        "name": "An",
        "email": "an@example.org",
        "consent": "1",
        f"answers.{tour.pk}": str(limited.pk),
    }

    before = client.get("/en/events/forum/register/").content.decode()
    client.post("/en/events/forum/register/", data)

    assert "3 seats left" in before
    assert Registration.objects.get().answers == {str(tour.pk): limited.pk}
    assert "2 seats left" in client.get("/en/events/forum/register/").content.decode()


def test_register_page_missing_required_answer_is_400_beside_the_question(client):
    event = EventFactory(slug="forum")
    question = QuestionFactory(event=event, label_en="Dietary needs", required=True)
    data = {"name": "An", "email": "an@example.org", "consent": "1"}

    response = client.post("/en/events/forum/register/", data)

    assert response.status_code == 400
    assert f'id="id_answers.{question.pk}-error"' in response.content.decode()


def test_register_page_twice_with_one_email_points_to_the_lost_link(client):
    EventFactory(slug="forum")
    data = {"name": "An", "email": "an@example.org", "consent": "1"}
    client.post("/en/events/forum/register/", data)

    response = client.post("/en/events/forum/register/", {**data, "email": "AN@example.org"})

    assert response.status_code == 400
    assert "already registered" in response.content.decode()
    assert Registration.objects.count() == 1


def test_register_page_of_a_closed_event_refuses(client):
    past = timezone.now() - timedelta(days=3)
    EventFactory(slug="over", start=past, end=past + timedelta(hours=2))
    data = {"name": "An", "email": "an@example.org", "consent": "1"}

    response = client.post("/en/events/over/register/", data)

    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_register_page_with_garbage_answers_is_400_not_500(client):
    event = EventFactory(slug="forum")
    question = QuestionFactory(event=event, kind="multiple_choice", label_en="Pick")
    ChoiceFactory(question=question)
    data = {
        "name": "An",
        "email": "an@example.org",
        "consent": "1",
        f"answers.{question.pk}": ["x", "99999"],
        "participant_type": "alien",
    }

    response = client.post("/en/events/forum/register/", data)

    assert response.status_code == 400


def test_lost_link_page_sends_the_link_only_to_registered_addresses(client, mailoutbox):
    event = EventFactory(slug="forum")
    register(event, 1)

    client.post("/en/events/forum/lost-link/", {"email": "person1@example.org"})
    client.post("/en/events/forum/lost-link/", {"email": "stranger@example.org"})
    registration_links.answer_link_requests()  # what the outbox sweep does

    from notifications.models import Delivery

    assert Delivery.objects.filter(registration__email="person1@example.org").count() == 2


def test_lost_link_page_with_bad_email_is_400(client):
    EventFactory(slug="forum")

    assert client.post("/en/events/forum/lost-link/", {"email": "nope"}).status_code == 400


def test_participant_list_shows_only_confirmed_people_who_agreed(client):
    event = EventFactory(slug="forum", participant_list_public=True)
    register(event, 1, name="Listed Person", public_listing=True)
    register(event, 2, name="Private Person")

    page = client.get("/en/events/forum/participants/").content.decode()

    assert "Listed Person" in page and "Private Person" not in page
    assert "person1@example.org" not in page


def test_participant_list_is_404_when_the_event_does_not_publish_one(client):
    EventFactory(slug="forum")

    assert client.get("/en/events/forum/participants/").status_code == 404


def test_dashboard_requires_sign_in(client):
    response = client.get("/en/organiser/")

    assert response.status_code == 302 and "/en/sign-in/" in response["Location"]


def test_dashboard_shows_only_my_events_with_counts(client):
    me = UserFactory()
    mine = EventFactory(title_en="My Forum", owner=me)
    EventFactory(title_en="Their Forum", owner=UserFactory())
    register(mine, 1)
    register(mine, 2)
    client.force_login(me)

    page = client.get("/en/organiser/").content.decode()

    assert "My Forum" in page and "Their Forum" not in page
    assert "2 registrations in the last 30 days" in page


def test_sign_in_page_signs_in_and_goes_to_the_dashboard(client):
    UserFactory(username="org")

    response = client.post("/en/sign-in/", {"username": "org", "password": "correct-horse-battery"})

    assert response.status_code == 302 and response["Location"] == "/en/organiser/"


def test_sign_in_page_wrong_password_shows_an_error(client):
    UserFactory(username="org")

    response = client.post("/en/sign-in/", {"username": "org", "password": "wrong"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


@pytest.mark.parametrize("path", ["/vi/", "/vi/events/forum/", "/vi/events/forum/register/"])
def test_public_pages_render_in_vietnamese(client, path):
    EventFactory(slug="forum")

    response = client.get(path)

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_event_page_shows_times_on_the_event_wall_clock(client):
    start = (timezone.now() + timedelta(days=20)).replace(hour=0, minute=0, second=0)
    EventFactory(slug="tokyo", timezone="Asia/Tokyo", start=start, end=start + timedelta(hours=2))

    page = client.get("/en/events/tokyo/").content.decode()

    assert "9 a.m." in page or "09:00" in page


def test_unknown_page_is_a_404_page_in_the_site_layout(client):
    response = client.get("/en/events/no-such-event/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "There is no event at this address." in page and 'class="site-header"' in page


@pytest.mark.parametrize(("language", "shown"), [("en", "Oceans"), ("vi", "Đại dương")])
def test_register_page_shows_choices_in_the_readers_language_with_fallback(client, language, shown):
    event = EventFactory(slug="forum")
    question = QuestionFactory(event=event, kind="single_choice", label_en="Track")
    ChoiceFactory(question=question, label_en="Oceans", label_vi="Đại dương")
    ChoiceFactory(question=question, label_en="Lab only", label_vi="")

    html = client.get(f"/{language}/events/forum/register/").content.decode()

    assert shown in html
    assert "Lab only" in html
