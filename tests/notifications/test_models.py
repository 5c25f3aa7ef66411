"""The delivery table's indexes: each one is written again by every claim and sent mark."""

import pytest
from django.db import IntegrityError, connection

from notifications.models import Delivery
from tests.factories import EventFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue"),
]


def delivery_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Delivery._meta.db_table],
        )
        return dict(cursor.fetchall())


def test_delivery_has_no_index_that_another_one_covers():
    definitions = delivery_indexes().values()

    # Lookups by message or by event use the composite indexes that start with them.
    assert not [d for d in definitions if d.endswith('("message_id")')]
    assert not [d for d in definitions if d.endswith('("event_id")')]
    assert not [d for d in definitions if "varchar_pattern_ops" in d]


def test_delivery_once_key_index_holds_only_rows_that_have_one():
    assert delivery_indexes()["delivery_once_key"].endswith("WHERE (once_key IS NOT NULL)")


def test_delivery_once_key_is_still_refused_twice():
    event = EventFactory()
    Delivery.objects.create(kind="review_reminder", event=event, to_email="a@x.org", once_key="k")

    with pytest.raises(IntegrityError):
        Delivery.objects.create(
            kind="review_reminder", event=event, to_email="a@x.org", once_key="k"
        )
