"""The event registration keeps per process is dropped by every process once any event
changes: the version it is tagged with lives in the shared cache, not in the process."""

import pytest

from registration import eligibility as registration_eligibility
from registration import event_cache
from registration import questions as registration_questions
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_kept_event_is_used_while_nothing_changed(django_assert_num_queries):
    event = EventFactory()
    registration_eligibility.event_for_registration(event.slug)

    with django_assert_num_queries(0):
        kept = registration_eligibility.event_for_registration(event.slug)

    assert kept.pk == event.pk


def test_event_change_is_seen_by_the_next_registration(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=10)
    registration_eligibility.event_for_registration(event.slug)

    with django_capture_on_commit_callbacks(execute=True):
        event.capacity = 20
        event.save()

    assert registration_eligibility.event_for_registration(event.slug).capacity == 20


def test_questions_change_is_seen_by_the_next_registration(django_capture_on_commit_callbacks):
    event = EventFactory()
    before = registration_eligibility.event_for_registration(event.slug).seats.questions_version

    with django_capture_on_commit_callbacks(execute=True):
        registration_questions.questions_changed(event)

    assert (
        registration_eligibility.event_for_registration(event.slug).seats.questions_version
        == before + 1
    )


def test_lost_version_never_revives_an_old_copy(django_capture_on_commit_callbacks):
    from django.core.cache import cache

    event = EventFactory(capacity=10)
    registration_eligibility.event_for_registration(event.slug)
    cache.delete(event_cache.VERSION_KEY)  # evicted, or Redis restarted empty

    with django_capture_on_commit_callbacks(execute=True):
        event.capacity = 20
        event.save()

    assert registration_eligibility.event_for_registration(event.slug).capacity == 20
