import pytest
from django.utils import timezone

from notifications.models import Delivery, OptOut, ReminderRule
from tests.conftest import client_for
from tests.factories import EventFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db


def reminders(event, suffix=""):
    return f"/api/v1/events/{event.slug}/reminders/{suffix}"


def test_list_reminders_shows_defaults(event, owner_api):
    body = owner_api.get(reminders(event)).json()

    assert sorted(rule["minutes_before_start"] for rule in body) == [120, 1440]


def test_create_relative_reminder(event, owner_api):
    response = owner_api.post(reminders(event), {"minutes_before_start": 30}, format="json")

    assert response.status_code == 201
    rule = ReminderRule.objects.get(pk=response.json()["id"])
    assert rule.due_at == event.start - timezone.timedelta(minutes=30)


def test_create_absolute_reminder_in_event_timezone(event, owner_api):
    response = owner_api.post(reminders(event), {"send_at": "2030-01-02T09:00"}, format="json")

    assert response.status_code == 201
    assert response.json()["send_at"] == "2030-01-02T09:00:00+07:00"


@pytest.mark.parametrize(
    "body",
    [{}, {"minutes_before_start": -5}, {"send_at": "soon"}, {"minutes_before_start": "x"}],
)
def test_create_reminder_bad_input_is_400(event, owner_api, body):
    assert owner_api.post(reminders(event), body, format="json").status_code == 400


def test_patch_and_delete_reminder(event, owner_api):
    rule = event.reminder_rules.first()

    patched = owner_api.patch(reminders(event, f"{rule.pk}/"), {"enabled": False}, format="json")
    deleted = owner_api.delete(reminders(event, f"{rule.pk}/"))

    assert patched.json()["enabled"] is False
    assert deleted.status_code == 204


@pytest.mark.parametrize(("role", "expected"), [(None, 401), ("stranger", 403), ("checkin", 403)])
def test_reminder_changes_refused_outside_organisers(event, team_client, role, expected):
    response = team_client(role).post(reminders(event), {"minutes_before_start": 5}, format="json")

    assert response.status_code == expected


def test_broadcast_creates_message_for_filtered_people(owner):
    event = EventFactory(owner=owner)
    register(event, 1, participant_type="press")
    register(event, 2)

    response = client_for(owner).post(
        f"/api/v1/events/{event.slug}/messages/",
        {
            "body_en": "Press room is B2",
            "body_vi": "Phòng báo chí B2",
            "participant_types": ["press"],
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["recipients"] == 1


def test_broadcast_without_body_is_400(event, owner_api):
    response = owner_api.post(f"/api/v1/events/{event.slug}/messages/", {}, format="json")

    assert response.status_code == 400


def test_delivery_log_lists_and_resends_failed(event, owner_api):
    register(event, 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", last_error="550 nope")

    log = owner_api.get(f"/api/v1/events/{event.slug}/deliveries/?state=failed").json()
    resent = owner_api.post(f"/api/v1/events/{event.slug}/deliveries/{delivery.pk}/resend/")

    assert [row["last_error"] for row in log["results"]] == ["550 nope"]
    assert resent.json()["state"] == "queued"


def test_resend_of_sent_delivery_is_409(event, owner_api):
    register(event, 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="sent")

    response = owner_api.post(f"/api/v1/events/{event.slug}/deliveries/{delivery.pk}/resend/")

    assert response.status_code == 409


def test_delivery_log_refused_to_stranger(event, team_client):
    assert (
        team_client("stranger").get(f"/api/v1/events/{event.slug}/deliveries/").status_code == 403
    )


def test_unsubscribe_page_asks_then_one_click_post_unsubscribes(client):
    from notifications.rendering import unsubscribe_url

    registration = register(EventFactory(), 1)
    path = unsubscribe_url(registration).split("://", 1)[1].split("/", 1)[1]

    page = client.get(f"/{path}")
    asked_only = not OptOut.objects.exists()
    one_click = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})

    assert (page.status_code, asked_only) == (200, True)
    assert one_click.status_code == 200
    assert OptOut.objects.filter(registration=registration).exists()


def test_unsubscribe_with_forged_token_is_404(client):
    assert client.post("/u/forged-token").status_code == 404


def test_bounce_is_recorded_and_can_be_resent(event, owner_api):
    register(event, 1)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="sent")
    base = f"/api/v1/events/{event.slug}/deliveries/{delivery.pk}"

    bounced = owner_api.post(f"{base}/bounced/", {"reason": "550 mailbox full"}, format="json")
    resent = owner_api.post(f"{base}/resend/")

    assert (bounced.json()["state"], bounced.json()["last_error"]) == (
        "bounced",
        "550 mailbox full",
    )
    assert resent.json()["state"] == "queued"


def test_bounce_of_unsent_delivery_is_409(event, owner_api):
    register(event, 1)
    delivery = Delivery.objects.get()

    response = owner_api.post(f"/api/v1/events/{event.slug}/deliveries/{delivery.pk}/bounced/")

    assert response.status_code == 409


# --- Found by the API fuzzer (tests/test_api_fuzz.py) ----------------------------------------


def test_list_messages_newest_first_in_stable_pages(event, owner_api):
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    register(event, 1)
    for subject in ("First", "Second", "Third"):
        owner_api.post(
            f"/api/v1/events/{event.slug}/messages/", {"body_en": subject}, format="json"
        )

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        body = owner_api.get(f"/api/v1/events/{event.slug}/messages/").json()

    assert [m["body_en"] for m in body["results"]] == ["Third", "Second", "First"]


def test_delivery_counts_answer_a_list_as_documented(event, owner_api, api):
    register(event, 1)
    owner_api.post(f"/api/v1/events/{event.slug}/messages/", {"body_en": "Hi"}, format="json")
    schema = api.get("/api/schema/?format=json").json()

    body = owner_api.get(f"/api/v1/events/{event.slug}/deliveries/counts/").json()

    documented = schema["paths"]["/api/v1/events/{event_slug}/deliveries/counts/"]["get"]
    assert documented["responses"]["200"]["content"]["application/json"]["schema"]["type"] == (
        "array"
    )
    assert [row["total"] for row in body] == [1]
