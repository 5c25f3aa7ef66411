"""What one registration costs the database: a fixed list of statements, whatever the event.

Registering is the hottest path of the site (bench/registration_burst.py). These tests pin
its statements so that new per-registration work shows up here first.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event
from registration import eligibility as registration_eligibility
from registration import event_cache
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
        if words[0] == "WITH":  # what it writes: 'WITH UPDATE registration_seats, INSERT ...'
            words = query["sql"].replace('"', "").replace("(", " ").split()
            written = [
                f"{word} {words[i + 1] if word == 'UPDATE' else words[i + 2]}"
                for i, word in enumerate(words)
                if word in ("UPDATE", "INSERT")
            ]
            found.append("WITH " + ", ".join(written))
        elif words[0] in ("INSERT", "DELETE"):
            found.append(f"{words[0]} {words[2]}")
        elif words[0] in ("UPDATE", "SELECT"):
            table = words[1] if words[0] == "UPDATE" else words[words.index("FROM") + 1]
            found.append(f"{words[0]} {table}")
        else:
            found.append(words[0])
    return found


def loaded(event):
    """The event as the API keeps it for registrations, with its seat counter, and its
    questions read once (they are cached by the counter's version)."""
    registration_eligibility._event_cache.clear()
    event = registration_eligibility.event_for_registration(event.slug)
    registration_questions.questions_of(event)
    return event


ONE_STATEMENT = "WITH UPDATE registration_seats, INSERT registration_registration"


def test_register_with_a_seat_is_two_statements_in_one_transaction():
    event = loaded(EventFactory(capacity=10))

    with CaptureQueriesContext(connection) as queries:
        registration_seats.register(event, person(1))

    # The transaction is a savepoint here, as the test itself runs in one.
    assert statements(queries) == [
        "SAVEPOINT",
        ONE_STATEMENT,  # the seat and the registration's row
        "INSERT notifications_delivery",  # its email, by the notifications receiver
        "RELEASE",
    ]


def test_register_on_the_waiting_list_is_the_same_statements():
    event = EventFactory(capacity=1, waitlist_enabled=True)
    registration_seats.register(event, person(1))
    event = loaded(event)

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(2))

    assert (registration.status, registration.position) == (Registration.Status.WAITLISTED, 1)
    assert statements(queries) == [
        "SAVEPOINT",
        ONE_STATEMENT,  # the place in line and the registration's row
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
        ONE_STATEMENT,
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
    # No events version (the seat counter's is checked by the seat statement), no rate-limit
    # or statistics bookkeeping.
    assert sent == []


def test_register_with_a_kept_copy_of_a_changed_event_writes_only_once():
    event = loaded(EventFactory(capacity=10))
    # Changed behind the model's back, so only the version says so (as on another machine).
    Event.objects.filter(pk=event.pk).update(requires_approval=True)
    event_cache.bump(event.pk)

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(1))

    assert registration.status == Registration.Status.PENDING  # from the fresh copy
    assert Registration.objects.count() == 1
    assert statements(queries) == [
        "SAVEPOINT",
        ONE_STATEMENT,  # wrote nothing: the counter's version moved
        "UPDATE registration_seats",  # locked and read: why
        "ROLLBACK",
        "RELEASE",
        "SELECT events_event",  # a fresh copy, kept from now on
        "SELECT registration_question",  # its questions, kept by the new version
        "SAVEPOINT",
        ONE_STATEMENT,
        "INSERT notifications_delivery",
        "RELEASE",
    ]


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


def test_register_after_a_sell_out_is_one_statement_for_the_waiting_list():
    event = loaded(EventFactory(capacity=1, waitlist_enabled=True))  # read while seats were left
    registration_seats.register(event, person(1))  # the last seat
    registration_seats.register(event, person(2))

    with CaptureQueriesContext(connection) as queries:
        registration = registration_seats.register(event, person(3))

    assert registration.status == Registration.Status.WAITLISTED
    assert statements(queries).count(ONE_STATEMENT) == 1
    assert "UPDATE registration_seats" not in statements(queries)


def test_register_on_a_kept_full_event_takes_a_seat_freed_since():
    event = loaded(EventFactory(capacity=1, waitlist_enabled=True))
    first = registration_seats.register(event, person(1))
    waiting = registration_seats.register(event, person(2))  # the kept copy now looks full
    registration_seats.cancel(waiting)
    registration_seats.cancel(first)  # a free seat, and nobody waiting for it

    assert registration_seats.register(event, person(3)).status == Registration.Status.CONFIRMED
