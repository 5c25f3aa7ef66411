"""core.inserts.insert writes the row save() writes, in one statement, with the same signals."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_lazy

from core.inserts import insert
from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

CONSENT = datetime(2026, 5, 1, 8, 30, tzinfo=UTC)
COMPARED = [
    "event_id",
    "status",
    "name",
    "email",
    "email_key",
    "affiliation",
    "country",
    "language",
    "participant_type",
    "answers",
    "held_choices",
    "waitlist_seq",
    "consent_at",
    "consent_notice_version",
    "public_listing",
    "decision_reason",
    "checked_in_at",
]


def unsaved(event, email: str) -> Registration:
    registration = RegistrationFactory.build(
        event=event, email=email, name="Nguyễn An", consent_at=CONSENT
    )
    registration.answers = {"1": "yes"}
    registration.held_choices = [3]
    return registration


def stored(registration: Registration) -> dict:
    row = Registration.objects.get(pk=registration.pk)
    return {name: getattr(row, name) for name in COMPARED + ["manage_token", "ticket_code"]}


def test_insert_stores_what_save_stores():
    event = EventFactory()
    saved, inserted = unsaved(event, "A@Example.org"), unsaved(event, "b@example.org")
    saved.save()

    insert(inserted)

    by_save, by_insert = stored(saved), stored(inserted)
    for name in COMPARED:
        if name not in ("email", "email_key"):
            assert by_insert[name] == by_save[name], name
    assert by_insert["manage_token"] and by_insert["manage_token"] != by_save["manage_token"]


def test_insert_sets_the_key_and_generated_columns_on_the_instance():
    registration = unsaved(EventFactory(), "Someone@Example.org")

    insert(registration)

    assert registration.pk == Registration.objects.get(email="Someone@Example.org").pk
    assert registration.email_key == "someone@example.org"
    assert registration.created_at is not None and registration.updated_at is not None
    assert registration._state.adding is False


def test_insert_is_one_statement():
    registration = unsaved(EventFactory(), "one@example.org")

    with CaptureQueriesContext(connection) as queries:
        insert(registration)

    assert len(queries.captured_queries) == 1
    assert queries.captured_queries[0]["sql"].startswith('INSERT INTO "registration_registration"')


def test_insert_sends_pre_and_post_save():
    registration = unsaved(EventFactory(), "signals@example.org")
    heard = []

    def before(sender, instance, raw, **kwargs):
        heard.append(("pre", instance.pk, raw))

    def after(sender, instance, created, raw, **kwargs):
        heard.append(("post", instance.pk, created, raw))

    pre_save.connect(before, sender=Registration)
    post_save.connect(after, sender=Registration)
    try:
        insert(registration)
    finally:
        pre_save.disconnect(before, sender=Registration)
        post_save.disconnect(after, sender=Registration)

    assert heard == [("pre", None, False), ("post", registration.pk, True, False)]


def test_insert_converts_a_lazy_translation_to_its_text():
    registration = unsaved(EventFactory(), "lazy@example.org")
    registration.affiliation = gettext_lazy("Cancelled")  # not a plain str: converted

    insert(registration)

    assert Registration.objects.get(pk=registration.pk).affiliation == "Cancelled"


def test_insert_stores_none_and_choices_as_save_does():
    registration = unsaved(EventFactory(), "plain@example.org")
    registration.status = Registration.Status.WAITLISTED  # a str subclass
    registration.checked_in_at = None

    insert(registration)

    row = Registration.objects.get(pk=registration.pk)
    assert (row.status, row.checked_in_at) == ("waitlisted", None)


def test_insert_makes_a_naive_time_aware_as_save_does():
    event = EventFactory()
    saved, inserted = unsaved(event, "saved@example.org"), unsaved(event, "naive@example.org")
    saved.consent_at = inserted.consent_at = datetime(2026, 5, 1, 8, 30)  # noqa: DTZ001

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        saved.save()
        insert(inserted)

    assert stored(inserted)["consent_at"] == stored(saved)["consent_at"]
    assert stored(inserted)["consent_at"].tzinfo is not None
