"""What one registration costs the database: a fixed list of statements, whatever the event.

Registering is the hottest path of the site (bench/registration_burst.py). These tests pin
its statements so that new per-registration work shows up here first.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registration import eligibility as registration_eligibility
from registration import questions as registration_questions
from registration import seats as registration_seats
from registration.models import Registration
from tests.factories import EventFactory

from .helpers import person

pytestmark = pytest.mark.django_db


def statements(queries) -> list[str]:
    """Each statement by its verb and table: 'INSERT registration_registration'."""
    found = []
    for query in queries.captured_queries:
        words = query["sql"].replace('"', "").split()
        if words[0] in ("INSERT", "DELETE"):
            found.append(f"{words[0]} {words[2]}")
        elif words[0] in ("UPDATE", "SELECT"):
            table = words[1] if words[0] == "UPDATE" else words[words.index("FROM") + 1]
            found.append(f"{words[0]} {table}")
        else:
            found.append(words[0])
    return found


def loaded(event):
    """The event as the API loads it for a registration, with its seat counter, and its
    questions read once (they are cached by the counter's questions version)."""
    registration_eligibility._event_cache.clear()
    event = registration_eligibility.event_for_registration(event.slug)
    registration_questions.questions_of(event)
    return event


def test_register_with_a_seat_is_four_statements_in_one_transaction():
    event = loaded(EventFactory(capacity=10))

    with CaptureQueriesContext(connection) as queries:
        registration_seats.register(event, person(1))

    # The transaction is a savepoint here, as the test itself runs in one.
    assert statements(queries) == [
        "SAVEPOINT",
        "INSERT registration_registration",
        "UPDATE registration_seats",
        "INSERT notifications_delivery",
        "RELEASE",
    ]


def test_register_on_the_waiting_list_of_an_event_seen_sold_out_adds_only_the_place_in_line():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    registration_seats.register(event, person(1))
    event = loaded(event)  # read with its counter full: no attempt at a seat first

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(2))

    assert registration.status == Registration.Status.WAITLISTED
    assert statements(queries) == [
        "SAVEPOINT",
        "INSERT registration_registration",
        "UPDATE registration_seats",
        "UPDATE registration_registration",
        "INSERT notifications_delivery",
        "RELEASE",
    ]


def test_register_finding_the_event_sold_out_adds_only_the_place_in_line():
    event = loaded(EventFactory(capacity=1, waitlist_enabled=True))  # read with a seat free
    registration_seats.register(event, person(1))

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(2))

    assert registration.status == Registration.Status.WAITLISTED
    assert statements(queries) == [
        "SAVEPOINT",
        "INSERT registration_registration",
        "UPDATE registration_seats",
        "UPDATE registration_seats",
        "UPDATE registration_registration",
        "INSERT notifications_delivery",
        "RELEASE",
    ]


def test_register_over_the_api_reads_only_the_event(client):
    event = loaded(EventFactory(capacity=10))
    registration_eligibility._event_cache.clear()

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/events/{event.slug}/registrations/",
            person(1),
            content_type="application/json",
        )

    assert response.status_code == 201
    assert statements(queries) == [
        "SELECT events_event",
        "SAVEPOINT",
        "INSERT registration_registration",
        "UPDATE registration_seats",
        "INSERT notifications_delivery",
        "RELEASE",
    ]


def test_register_over_the_api_sends_the_cache_nothing(client, monkeypatch, settings):
    from django.core.cache import caches

    if not settings.CACHE_URL.startswith("redis"):
        pytest.skip("needs the Redis cache (CACHE_URL)")
    event = loaded(EventFactory(capacity=10))
    redis = caches["default"]._cache.get_client()
    sent = []
    execute = redis.execute_command

    def counted(*args, **options):
        sent.append(args[0])
        return execute(*args, **options)

    monkeypatch.setattr(redis, "execute_command", counted)

    response = client.post(
        f"/api/v1/events/{event.slug}/registrations/", person(1), content_type="application/json"
    )

    assert response.status_code == 201
    # The kept event is checked by the seat update; no rate-limit or statistics bookkeeping.
    assert sent == []


def test_register_serializer_instances_do_not_share_fields():
    from registration.serializers import RegisterSerializer

    bad = RegisterSerializer(data={**person(1), "email": "not an address"})
    good = RegisterSerializer(data=person(2))

    assert not bad.is_valid()
    assert good.is_valid(), good.errors
    assert set(bad.errors) == {"email"}
    assert good.validated_data["email"] == "person2@example.org"
    assert bad.fields["email"] is not good.fields["email"]
    assert bad.fields["email"].parent is bad and good.fields["email"].parent is good


def test_register_after_a_sell_out_goes_straight_to_the_waiting_list():
    event = loaded(EventFactory(capacity=1, waitlist_enabled=True))  # read while seats were left
    registration_seats.register(event, person(1))  # the last seat
    registration_seats.register(event, person(2))  # finds it full under the counter's lock

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(3))

    assert registration.status == Registration.Status.WAITLISTED
    assert statements(queries).count("UPDATE registration_seats") == 1


def test_register_on_a_kept_full_event_takes_a_seat_freed_since():
    event = loaded(EventFactory(capacity=1, waitlist_enabled=True))
    first = registration_seats.register(event, person(1))
    waiting = registration_seats.register(event, person(2))  # the kept copy now looks full
    registration_seats.cancel(waiting)
    registration_seats.cancel(first)  # a free seat, and nobody waiting for it

    assert registration_seats.register(event, person(3)).status == Registration.Status.CONFIRMED


def test_registration_table_has_only_the_indexes_its_reads_use():
    """Every index is written by every registration: a new one must be worth that."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's catalogue")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'registration_registration'"
        )
        indexes = sorted(row[0] for row in cursor.fetchall())

    assert indexes == [
        "registration_event_status",
        "registration_manage_token",
        "registration_one_active_per_email",
        "registration_registration_created_at_28ac9ace",
        "registration_registration_pkey",
        "registration_ticket_code",
        "registration_waiting_line",
    ]
