"""Setting up the call (abstracts/setup.py): `set_up`, which the API's PUT and the page call."""

from datetime import datetime

import pytest
from rest_framework.exceptions import ValidationError

from abstracts import setup
from abstracts.models import Call, Track
from core.exceptions import Conflict

from .helpers import open_call, submit

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/{}/call-for-abstracts/"
WINDOW = {"opens_at": "2030-03-01T08:00", "closes_at": "2030-04-01T17:00"}


def test_set_up_reads_times_without_offset_on_the_event_clock(event, owner):
    call = setup.set_up(event, actor=owner, data=WINDOW)

    assert call.closes_at == datetime.fromisoformat("2030-04-01T10:00:00+00:00")


def test_set_up_refuses_a_bad_body_with_the_serializer_errors(event, owner):
    with pytest.raises(ValidationError) as refused:
        setup.set_up(event, actor=owner, data={**WINDOW, "blind": "triple"})

    assert "blind" in refused.value.detail
    assert not Call.objects.exists()


def test_set_up_refuses_removing_a_track_abstracts_use(event, owner):
    open_call(event)
    used = submit(event).track

    with pytest.raises(Conflict):
        setup.set_up(event, actor=owner, data={**WINDOW, "review_deadline": None, "tracks": []})

    assert Track.objects.filter(pk=used.pk).exists()


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"criteria": [{"name_en": "Clarity", "max_score": 1}]}, ("criteria", "max_score")),
        ({"criteria": [{"name_en": "Clarity", "max_score": 11}]}, ("criteria", "max_score")),
        (
            {"contribution_types": [{"name_en": "T", "minutes": 0}]},
            ("contribution_types", "minutes"),
        ),
    ],
)
def test_put_call_with_an_item_out_of_range_answers_400(owner_api, event, item, field):
    # These reached the database's constraints before, which answered 500.
    response = owner_api.put(URL.format(event.slug), {**WINDOW, **item}, format="json")

    assert response.status_code == 400
    name, attribute = field
    assert attribute in response.data[name][0]
    assert not Call.objects.exists()
