"""Retention: registrants' personal data goes RETENTION_DAYS after the event, the figures stay,
and the team is warned once, RETENTION_WARNING_DAYS before."""

from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from core.exceptions import NotFound
from events.models import Event, TeamMembership
from notifications import models as notification_models
from notifications import sending as notification_sending
from notifications.models import Delivery, Message
from registration import figures as registration_figures
from registration import links, personal_data, tasks
from registration.models import Registration
from reports import services as reports
from tests.factories import (
    EventFactory,
    ProgrammeFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
Kind = Delivery.Kind
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def periods(settings):
    settings.RETENTION_DAYS = 365
    settings.RETENTION_WARNING_DAYS = 14
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    cache.clear()


def ended(days_ago: float, **fields) -> Event:
    end = timezone.now() - timedelta(days=days_ago)
    return EventFactory(start=end - timedelta(hours=8), end=end, **fields)


def attend(event: Event) -> list[Registration]:
    """Registrants of every kind, with everything personal filled in."""
    checked_in = event.start + timedelta(minutes=20)
    people = [
        RegistrationFactory(
            event=event,
            country=country,
            participant_type=kind,
            affiliation="VNU",
            answers={"1": "vegetarian"},
            public_listing=True,
            checked_in_at=checked_in if n < 2 else None,
        )
        for n, (country, kind) in enumerate(
            [("VN", "delegate"), ("VN", "speaker"), ("JP", "delegate"), ("DE", "student")]
        )
    ]
    people.append(RegistrationFactory(event=event, status="waitlisted", country="US"))
    people.append(
        RegistrationFactory(event=event, status="cancelled", country="FR", decision_reason="ill")
    )
    for person in people:
        Delivery.objects.create(
            kind=Kind.CONFIRMED,
            event=event,
            registration=person,
            to_email=person.email,
            context={"name": person.name},
            subject=f"Your registration for {event.title} is confirmed",
            state=Delivery.State.SENT,
        )
    reminder = Message.objects.create(event=event, kind=Message.Kind.REMINDER)
    for person in people[:4]:
        Delivery.objects.create(
            kind=Kind.MESSAGE,
            message=reminder,
            event=event,
            registration=person,
            to_email=person.email,
            subject=f"Dear {person.name}: tomorrow",
            state=Delivery.State.SENT if person.country != "DE" else Delivery.State.FAILED,
            last_error="" if person.country != "DE" else f"550 <{person.email}> unknown",
        )
    return people


def figures(event: Event) -> tuple:
    cache.clear()
    registrations = Registration.objects.filter(event=event)
    return (
        reports.statistics(),
        reports.event_report(event),
        registration_figures.counts(event),
        sorted(
            registrations.values_list(
                "pk", "status", "country", "participant_type", "checked_in_at", "created_at"
            )
        ),
    )


def personal_data_left(event: Event) -> list:
    """Anything that could name a registrant, anywhere: the registrations and their emails."""
    registrations = Registration.objects.filter(event=event)
    found = [
        value
        for row in registrations.values_list(
            "name", "email", "affiliation", "answers", "decision_reason", "public_listing"
        )
        for value in row
        if value and not str(value).endswith("@erased.invalid")
    ]
    deliveries = Delivery.objects.filter(registration__event=event)
    found += [
        value
        for row in deliveries.values_list("to_email", "context", "subject", "last_error")
        for value in row
        if value and value != notification_models.ERASED_ADDRESS
    ]
    return found


def test_data_of_an_event_over_longer_than_the_retention_period_is_erased(settings):
    settings.RETENTION_WARNING_DAYS = 0  # no warning: erased on the day
    event = ended(400, programme=ProgrammeFactory())
    people = attend(event)
    seats_before = event.seats.taken

    outcome = personal_data.apply_retention()

    assert outcome["erased_events"] == 1
    assert outcome["erased_registrations"] == len(people)
    assert personal_data_left(event) == []
    for person in people:
        erased = Registration.objects.get(pk=person.pk)
        assert erased.erased_at is not None
        assert erased.email == f"erased-{person.pk}@erased.invalid"
        assert erased.manage_token != person.manage_token
        assert erased.ticket_code != person.ticket_code
        assert erased.status == person.status  # not cancelled: the counts stay
        assert erased.consent_notice_version == person.consent_notice_version
        with pytest.raises(NotFound):
            links.find_by_token(person.manage_token)
    event.refresh_from_db()
    assert event.personal_data_erased_at is not None
    assert event.seats.taken == seats_before


def test_the_figures_are_the_same_before_and_after(settings):
    settings.RETENTION_WARNING_DAYS = 0
    settings.OPEN_DATA_MIN_COUNT = 1  # no small counts hidden: every figure compared exactly
    event = ended(400, programme=ProgrammeFactory())
    attend(event)
    before = figures(event)
    report = before[1]
    assert (report["participants"], report["check_ins"], report["countries"]) == (4, 2, 3)
    assert report["reminders_sent"] == 3

    personal_data.apply_retention()

    assert figures(event) == before


def test_events_not_yet_due_are_untouched(settings):
    settings.RETENTION_WARNING_DAYS = 0
    recent = ended(300)
    upcoming = EventFactory()
    people = attend(recent) + attend(upcoming)

    outcome = personal_data.apply_retention()

    assert outcome["erased_events"] == outcome["warned_events"] == 0
    for person in people:
        assert Registration.objects.get(pk=person.pk).name == person.name
    assert not Event.objects.filter(personal_data_erased_at__isnull=False).exists()


def test_the_team_is_warned_once_before_and_the_data_goes_after():
    owner, organiser, door = UserFactory(), UserFactory(), UserFactory()
    event = ended(365 - 14 + 0.5, owner=owner)
    TeamMembership.objects.create(event=event, user=organiser, role="organiser")
    TeamMembership.objects.create(event=event, user=door, role="checkin")
    people = attend(event)

    first = personal_data.apply_retention()
    second = personal_data.apply_retention()
    notification_sending.drain()

    assert (first["warned_events"], first["warning_emails"], first["erased_events"]) == (1, 2, 0)
    assert (second["warned_events"], second["erased_events"]) == (0, 0)
    warnings = Delivery.objects.filter(kind=Kind.RETENTION_WARNING)
    assert sorted(warnings.values_list("to_email", flat=True)) == sorted(
        [owner.email, organiser.email]
    )
    assert all(d.registration_id is None and d.state == "sent" for d in warnings)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [owner.email, organiser.email]
    )
    message = mail.outbox[0]
    event.refresh_from_db()
    erase_on = event.local(personal_data.erasure_due_at(event))
    assert event.title in message.subject
    assert erase_on.strftime("%Y") in message.subject
    assert f"/organiser/events/{event.slug}/registrations/" in message.body
    assert Registration.objects.get(pk=people[0].pk).name == people[0].name  # not yet

    # Not before the warning period is over, even if the retention period is.
    assert personal_data.apply_retention(now=timezone.now() + 13 * DAY)["erased_events"] == 0
    later = personal_data.apply_retention(now=timezone.now() + 14 * DAY + DAY)

    assert later["erased_events"] == 1 and later["warned_events"] == 0
    assert personal_data_left(event) == []
    assert Delivery.objects.filter(kind=Kind.RETENTION_WARNING).count() == 2


def test_an_event_found_late_is_warned_first_and_erased_after_the_warning_period():
    event = ended(500, owner=UserFactory())
    attend(event)

    now = personal_data.apply_retention()
    event.refresh_from_db()

    assert (now["warned_events"], now["erased_events"]) == (1, 0)
    assert personal_data.erasure_due_at(event) == event.personal_data_warning_sent_at + 14 * DAY
    assert personal_data.apply_retention(now=timezone.now() + 15 * DAY)["erased_events"] == 1


def test_an_event_without_personal_data_sends_no_warning():
    event = ended(360, owner=UserFactory())

    outcome = personal_data.apply_retention()

    assert (outcome["warned_events"], outcome["warning_emails"]) == (1, 0)
    assert not Delivery.objects.filter(event=event).exists()


def test_dry_run_changes_nothing():
    due = ended(360, owner=UserFactory())  # to warn
    people = attend(due)
    erasable = ended(400)
    erasable.personal_data_warning_sent_at = timezone.now() - 20 * DAY
    Event.objects.filter(pk=erasable.pk).update(
        personal_data_warning_sent_at=erasable.personal_data_warning_sent_at
    )
    people += attend(erasable)
    deliveries = sorted(Delivery.objects.values_list("pk", "to_email", "subject", "state"))
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    text = out.getvalue()
    assert "Dry run" in text
    assert f"{due.slug}: team would be warned (1 emails)" in text
    assert f"{erasable.slug}: personal data of 6 registrations would be erased" in text
    assert sorted(Delivery.objects.values_list("pk", "to_email", "subject", "state")) == deliveries
    for person in people:
        assert Registration.objects.get(pk=person.pk).email == person.email
    assert not Event.objects.filter(personal_data_erased_at__isnull=False).exists()
    due.refresh_from_db()
    assert due.personal_data_warning_sent_at is None


def test_the_command_does_it_and_running_twice_is_a_no_op(settings):
    settings.RETENTION_WARNING_DAYS = 0
    event = ended(400)
    attend(event)
    out = StringIO()

    call_command("apply_retention", stdout=out)
    after_first = sorted(Registration.objects.filter(event=event).values_list())
    deliveries = sorted(Delivery.objects.values_list())
    again = personal_data.apply_retention()

    assert "personal data of 6 registrations erased" in out.getvalue()
    assert again == {
        "warned_events": 0,
        "warning_emails": 0,
        "erased_events": 0,
        "erased_registrations": 0,
        "events": [],
    }
    assert sorted(Registration.objects.filter(event=event).values_list()) == after_first
    assert sorted(Delivery.objects.values_list()) == deliveries


def test_erasure_goes_in_chunks_and_takes_in_earlier_erasures(settings):
    settings.RETENTION_WARNING_DAYS = 0
    event = ended(400)
    people = attend(event)
    earlier = people[-1]  # cancelled: erasing it moves no seat
    personal_data.erase_personal_data(earlier)  # on request: the notice keeps the address, no name
    notice = Delivery.objects.get(kind=Kind.ERASED)
    assert (notice.to_email, notice.context) == (earlier.email, {})

    outcome = personal_data.apply_retention(chunk_size=2)

    assert outcome["erased_registrations"] == len(people) - 1  # one was erased already
    assert personal_data_left(event) == []
    withdrawn = Delivery.objects.get(kind=Kind.ERASED)
    assert withdrawn.state == Delivery.State.WITHDRAWN  # queued: never to be sent now
    assert Registration.objects.get(pk=earlier.pk).ticket_code.startswith("e-")


def test_the_periodic_task_runs_it():
    settings_entry = settings.CELERY_BEAT_SCHEDULE["apply-retention"]
    event = ended(400)
    attend(event)
    Event.objects.filter(pk=event.pk).update(
        personal_data_warning_sent_at=timezone.now() - 15 * DAY
    )

    outcome = tasks.apply_retention()

    assert settings_entry["task"] == "registration.tasks.apply_retention"
    assert outcome["erased_events"] == 1
