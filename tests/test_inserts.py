"""core.inserts.insert writes the row save() writes, in one statement, with the same signals."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from core.inserts import Source, insert, insert_from
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


# A source that gives one row when its parameter is true: a status and a number for the row.
GIVEN = Source(
    with_="given AS (SELECT 'waitlisted'::text AS status, 7::bigint AS seq WHERE %s)",
    name="given",
    columns={
        "status": "coalesce(given.status, {})",
        "waitlist_seq": "coalesce({}, given.seq)",
    },
    returning=("given.seq * 2",),
)


def test_insert_from_writes_the_row_with_the_source_columns_in_one_statement():
    registration = unsaved(EventFactory(), "from@example.org")
    registration.status = Registration.Status.CONFIRMED  # the source's status wins

    with CaptureQueriesContext(connection) as queries:
        returned = insert_from(registration, GIVEN, [True])

    assert returned == (14,)
    assert len(queries.captured_queries) == 1
    row = Registration.objects.get(pk=registration.pk)
    assert (row.status, row.waitlist_seq) == (Registration.Status.WAITLISTED, 7)
    assert (registration.status, registration.waitlist_seq) == (row.status, 7)
    assert registration.email_key == "from@example.org"


def test_insert_from_writes_nothing_when_the_source_gives_no_row():
    registration = unsaved(EventFactory(), "none@example.org")

    assert insert_from(registration, GIVEN, [False]) is None

    assert registration.pk is None
    assert registration._state.adding is True
    assert not Registration.objects.filter(email="none@example.org").exists()


def test_insert_from_refuses_a_column_it_does_not_write():
    wrong = Source(with_="given AS (SELECT 1 AS x)", name="given", columns={"id": "{}"})

    with pytest.raises(ValueError):
        insert_from(unsaved(EventFactory(), "wrong@example.org"), wrong)


def test_insert_prepares_a_field_of_its_own_kind_through_its_methods():
    from django.db import models

    from core.inserts import _unchanged

    class Upper(models.CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).upper()

    assert _unchanged(models.CharField()) == (str, type(None))
    assert _unchanged(Upper()) == ()
    assert _unchanged(models.JSONField()) == ()


def test_insert_writes_a_naive_datetime_as_save_does():
    registration = unsaved(EventFactory(), "naive@example.org")
    registration.consent_at = datetime(2026, 5, 1, 8, 30)  # no time zone: made aware, warned

    with pytest.warns(RuntimeWarning, match="naive datetime"):
        insert(registration)

    assert Registration.objects.get(pk=registration.pk).consent_at.tzinfo is not None
