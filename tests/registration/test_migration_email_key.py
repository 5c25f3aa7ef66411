"""The data migration that brings old rows under the email-key rule (0002_email_key)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from registration.models import Registration, Seats
from tests.factories import EventFactory

from .helpers import register

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs DDL inside the test's transaction"
    ),
]
email_key = importlib.import_module("registration.migrations.0002_email_key")


def test_duplicates_by_quotes_or_case_keep_the_earliest_and_give_back_the_seat():
    event = EventFactory(capacity=5)
    first = register(event, 1, email="victim@example.org")
    rule = next(c for c in Registration._meta.constraints if c.name.endswith("per_email"))
    with connection.schema_editor() as editor:
        editor.remove_constraint(Registration, rule)  # as the database was before 0002
    second = register(event, 2, email='"Victim"@example.org')
    assert Seats.objects.get(pk=event.pk).taken == 2

    email_key.cancel_duplicates(apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "cancelled")
    assert Seats.objects.get(pk=event.pk).taken == 1
