"""Public reads answered from the shared cache: a constant, small number of queries whatever
the number of events, and fresh as soon as anything they show changes."""

import pytest

from events import services as event_services
from registration import seats as registration_seats
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many():
    events = EventFactory.create_batch(30, fields=["1"])
    for event in events[:3]:
        SessionFactory(event=event)
    return events


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/events/", 1),  # the public events' dates: index probes
        ("/api/v1/events/?field=1&q=science", 1),
        ("/en/", 1),  # the dates, and the seat counters of the events the page showed
        ("/en/?field=1&q=science", 1),
    ],
)
def test_public_list_read_again_costs_constant_queries(
    client, many, url, queries, django_assert_num_queries
):
    first = client.get(url)

    with django_assert_num_queries(queries):
        again = client.get(url)

    assert first.status_code == again.status_code == 200
    assert first.content.count(b"Science event") == again.content.count(b"Science event") > 0


@pytest.mark.parametrize(("url", "queries"), [("/api/v1/events/{}/", 1), ("/en/events/{}/", 1)])
def test_public_event_read_again_costs_one_query(
    client, many, url, queries, django_assert_num_queries
):
    url = url.format(many[0].slug)
    client.get(url)

    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_cached_event_list_shows_an_edit_at_once(client, many, owner):
    many[0].refresh_from_db()
    client.get("/api/v1/events/")
    event_services.update_event(many[0], user=owner, data={"title_en": "Renamed forum"})

    titles = [e["title"] for e in client.get("/api/v1/events/").json()["results"]]

    assert "Renamed forum" in titles


def test_cached_event_page_shows_an_agenda_change_at_once(client, owner):
    event = EventFactory()
    client.get(f"/en/events/{event.slug}/")
    event_services.save_session(
        event,
        user=owner,
        data={"title_en": "Keynote on qubits", "start": event.start, "end": event.end},
    )

    assert "Keynote on qubits" in client.get(f"/en/events/{event.slug}/").content.decode()


def test_cached_home_shows_seats_taken_at_once(client):
    event = EventFactory(capacity=3)
    assert "3 seats left" in client.get("/en/").content.decode()

    registration_seats.register(event, {"name": "Lan", "email": "lan@example.org", "consent": True})

    assert "2 seats left" in client.get("/en/").content.decode()


def test_pages_render_when_the_fragment_cache_is_unreachable(client, settings):
    event = EventFactory(title_en="Quantum forum")
    settings.CACHES = {
        **settings.CACHES,
        "fragments": {
            "BACKEND": "events.fragment_cache.FragmentCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        },
    }

    home, page = client.get("/en/"), client.get(f"/en/events/{event.slug}/")

    assert home.status_code == page.status_code == 200
    assert "Quantum forum" in home.content.decode() and "Quantum forum" in page.content.decode()
