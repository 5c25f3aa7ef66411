"""Erasure erases everywhere: after "erase my data" (and after retention) no table, cache,
organiser answer, export, page or log holds the person's name, email, organisation or
answers, and nothing is ever sent to them again."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from notifications import broadcasts as notification_broadcasts
from notifications import models as notification_models
from notifications import outbox as notification_outbox
from notifications import rendering as notification_rendering
from notifications import sending as notification_sending
from notifications import sweep as notification_sweep
from notifications.models import Delivery, OptOut
from registration import eligibility, links, personal_data, questions
from registration.models import Registration
from tests.factories import EventFactory, QuestionFactory, UserFactory
from tests.notifications.smtp import SmtpServer

pytestmark = pytest.mark.django_db
State = Delivery.State

NAME = "Zephyrine Quokkaberg"
EMAIL = "zq.unique-7731@example.org"
AFFILIATION = "Institute of Quokka Studies"
ANSWER = "Allergic to xylophones"
DISTINCTIVE = (NAME, EMAIL, AFFILIATION, ANSWER, "Quokkaberg", "zq.unique-7731")


@pytest.fixture
def smtp(settings):
    """A real SMTP server with Django's SMTP backend pointed at it."""
    with SmtpServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server.sink


@pytest.fixture
def world(settings, smtp):
    """A person with distinctive data who got emails of every kind, one failed and one still
    queued, who unsubscribed, whom an organiser edited (API and admin) and who is in the
    caches (rate limits on: their counters are in the cache too)."""
    settings.RATELIMIT_ENABLED = True
    cache.clear()
    owner = UserFactory(username="erasure-owner")
    event = EventFactory(owner=owner, participant_list_public=True)
    question = QuestionFactory(event=event, label_en="Dietary needs")
    api = APIClient()
    response = api.post(
        f"/api/v1/events/{event.slug}/registrations/",
        {
            "name": NAME,
            "email": EMAIL,
            "affiliation": AFFILIATION,
            "country": "NZ",
            "answers": {str(question.pk): ANSWER},
            "consent": True,
            "public_listing": True,
        },
        format="json",
    )
    assert response.status_code == 201
    registration = Registration.objects.get(pk=response.json()["id"])
    organiser = APIClient()
    organiser.force_authenticate(owner)
    edit = organiser.patch(
        f"/api/v1/events/{event.slug}/registrations/{registration.pk}/",
        {"affiliation": AFFILIATION + " (Hanoi)"},
        format="json",
    )
    assert edit.status_code == 200
    admin = UserFactory(username="erasure-admin", is_staff=True, is_superuser=True)
    LogEntry.objects.log_actions(admin.pk, [registration], CHANGE, "Changed affiliation.")
    notification_broadcasts.broadcast(
        event, actor=owner, data={"subject_en": "For {name} only", "body_en": "Hello {name}"}
    )
    notification_sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))
    smtp.refuse_with = f"550 5.1.1 <{EMAIL}>: no such user"
    api.post(f"/api/v1/events/{event.slug}/registrations/resend-link/", {"email": EMAIL})
    links.answer_link_requests()  # the sweep's job: the link goes out now
    notification_sending.drain()
    smtp.refuse_with = None
    failed = Delivery.objects.get(state=State.FAILED)
    assert EMAIL in failed.last_error
    api.post(f"/api/v1/events/{event.slug}/registrations/resend-link/", {"email": EMAIL})
    links.answer_link_requests()
    queued = Delivery.objects.get(state=State.QUEUED)
    notification_outbox.unsubscribe(registration)
    Delivery.objects.exclude(pk__in=[failed.pk, queued.pk]).update(state=State.SENT)
    registration.refresh_from_db()
    return {
        "event": event,
        "registration": registration,
        "owner": owner,
        "admin": admin,
        "failed": failed,
        "queued": queued,
        "api": api,
        "organiser": organiser,
        "smtp": smtp,
        "token": registration.manage_token,
    }


def found_in(text: str) -> list[str]:
    text = text.lower()
    return [value for value in DISTINCTIVE if value.lower() in text]


def every_stored_value() -> str:
    """Every row of every model, through the ORM; sessions decoded."""
    rows = []
    for model in apps.get_models():
        rows += [repr(row) for row in model._base_manager.values_list()]
    rows += [repr(session.get_decoded()) for session in Session.objects.all()]
    return "\n".join(rows)


def every_cached_value() -> str:
    """The shared cache (Redis in CI, keys and values) and the per-process caches."""
    backend = cache._cache
    if hasattr(backend, "get_client"):
        client = backend.get_client(None)
        raw = [key + b"=" + (client.dump(key) or b"") for key in client.scan_iter()]
    else:
        raw = [str(key).encode() + b"=" + value for key, value in backend.items()]
    cached = b"\n".join(raw).decode("utf-8", "replace")
    return "\n".join(
        [
            cached,
            repr(eligibility._event_cache),
            repr(questions._question_cache),
            repr(notification_rendering._rendered),
        ]
    )


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(
            archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
        )


def every_organiser_view(world) -> str:
    """Every answer the team, the admin and the public get about the event and its people."""
    event, registration = world["event"], world["registration"]
    api = world["organiser"]
    e = f"/api/v1/events/{event.slug}"
    texts = [
        api.get(path).content.decode()
        for path in (
            f"{e}/registrations/",
            f"{e}/registrations/{registration.pk}/",
            f"{e}/registrations/stats/",
            f"{e}/registrations/export.csv",
            f"{e}/deliveries/",
            f"{e}/deliveries/{world['failed'].pk}/",
            f"{e}/deliveries/counts/",
            f"{e}/messages/",
            f"{e}/audit-log/",
            f"{e}/team/",
            "/api/v1/open-data/statistics.json",
        )
    ]
    texts.append(xlsx_text(api.get(f"{e}/registrations/export.xlsx").content))
    pages = APIClient()
    pages.force_login(world["admin"])
    p = f"/en/organiser/events/{event.slug}"
    for path in (
        f"{p}/registrations/",
        f"{p}/email/",
        f"{p}/check-in/",
        f"{p}/audit/",
        "/en/organiser/",
        f"/en/events/{event.slug}/participants/",
        "/admin/registration/registration/",
        f"/admin/registration/registration/{registration.pk}/change/",
        f"/admin/registration/registration/{registration.pk}/history/",
        "/admin/notifications/delivery/",
        f"/admin/notifications/delivery/{world['failed'].pk}/change/",
        "/admin/",
    ):
        response = pages.get(path)
        assert response.status_code == 200, path
        texts.append(response.content.decode())
    return "\n".join(texts)


def erase(world) -> None:
    response = world["api"].delete(f"/api/v1/registrations/{world['token']}/data/")
    assert response.status_code == 204


def test_the_person_is_everywhere_before_erasure(world):
    # The scan below can find them: without erasure it does.
    everything = every_stored_value() + every_organiser_view(world)

    assert set(found_in(everything)) == set(DISTINCTIVE)


def test_erasure_on_request_leaves_no_trace_anywhere(world):
    erase(world)
    notification_sending.drain()  # the one last email, saying it is done

    everything = "\n".join(
        [every_stored_value(), every_cached_value(), every_organiser_view(world)]
    )

    assert found_in(everything) == []


def test_erasure_sends_one_last_email_without_the_name(world):
    before = len(world["smtp"].messages)

    erase(world)
    notification_sending.drain()
    notification_sweep.sweep()

    [notice] = world["smtp"].messages[before:]
    assert notice["To"] == EMAIL
    assert found_in(notice.as_string().replace(EMAIL, "")) == []
    delivery = Delivery.objects.get(kind=Delivery.Kind.ERASED)
    assert (delivery.state, delivery.to_email) == (State.SENT, notification_models.ERASED_ADDRESS)


def test_erasure_withdraws_what_was_still_queued(world):
    erase(world)

    world["queued"].refresh_from_db()
    assert world["queued"].state == State.WITHDRAWN


def test_resend_to_an_erased_person_is_refused_and_nothing_is_sent(world):
    erase(world)
    notification_sending.drain()
    sent = len(world["smtp"].messages)
    path = f"/api/v1/events/{world['event'].slug}/deliveries/{world['failed'].pk}/resend/"

    response = world["organiser"].post(path)
    notification_sending.drain()
    notification_sending.send_deliveries(Delivery.objects.values_list("pk", flat=True))

    assert response.status_code == 409
    assert response.json()["code"] == "recipient_erased"
    assert len(world["smtp"].messages) == sent
    assert Delivery.objects.get(pk=world["failed"].pk).state == State.FAILED


def test_resend_page_refuses_an_erased_person(world):
    erase(world)
    pages = APIClient()
    pages.force_login(world["owner"])

    response = pages.post(
        f"/en/organiser/events/{world['event'].slug}/email/",
        {"action": "resend", "id": world["failed"].pk},
    )

    assert response.status_code == 400
    assert "nothing can be sent to them again" in response.content.decode()


def test_erased_notice_is_shown_without_its_address_before_it_goes(world):
    erase(world)  # the last email is queued, still holding the address to send to

    pages = APIClient()
    pages.force_login(world["admin"])
    notice = Delivery.objects.get(kind=Delivery.Kind.ERASED)

    shown = [
        world["organiser"].get(f"/api/v1/events/{world['event'].slug}/deliveries/"),
        pages.get(f"/en/organiser/events/{world['event'].slug}/email/"),
        pages.get("/admin/notifications/delivery/"),
        pages.get(f"/admin/notifications/delivery/{notice.pk}/change/"),
    ]

    assert [response.status_code for response in shown] == [200] * 4
    assert [EMAIL in response.content.decode() for response in shown] == [False] * 4
    assert (notice.state, notice.to_email) == (State.QUEUED, EMAIL)


def test_retention_leaves_no_trace_anywhere(world, settings):
    settings.RETENTION_DAYS, settings.RETENTION_WARNING_DAYS = 1, 0
    event = world["event"]
    ended = timezone.now() - timedelta(days=3)
    type(event).objects.filter(pk=event.pk).update(start=ended - timedelta(hours=8), end=ended)

    outcome = personal_data.apply_retention()

    assert outcome["erased_registrations"] == 1
    everything = "\n".join(
        [every_stored_value(), every_cached_value(), every_organiser_view(world)]
    )
    assert found_in(everything) == []
    assert OptOut.objects.filter(registration=world["registration"]).exists()  # kept: no data
