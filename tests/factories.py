"""Factories for every model, so each test builds exactly the data it needs."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from events.agenda_models import Session, Speaker
from events.models import (
    AuditLogEntry,
    Event,
    FieldOfScience,
    Organisation,
    Programme,
    TeamMembership,
)
from events.programme_models import ProgrammeTarget
from registration.models import Choice, Question, Registration


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"{n:02d}-CTr/TU")
    title_en = factory.Sequence(lambda n: f"Science programme {n}")
    title_vi = factory.Sequence(lambda n: f"Chương trình khoa học {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Institute {n}")
    country = "VN"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"event-{n}")
    title_en = factory.Sequence(lambda n: f"Science event {n}")
    title_vi = factory.Sequence(lambda n: f"Sự kiện khoa học {n}")
    summary_en = "A meeting of researchers."
    kind = Event.Kind.CONFERENCE
    scope = Event.Scope.NATIONAL
    venue_name = "National Convention Centre"
    venue_city = "Hà Nội"
    venue_country = "VN"
    timezone = "Asia/Ho_Chi_Minh"
    start = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    end = factory.LazyAttribute(lambda e: e.start + timedelta(hours=8))
    status = Event.Status.PUBLISHED
    search_text = factory.LazyAttribute(
        lambda e: f"{e.slug} {e.title_en} {e.title_vi} {e.venue_city}".lower()
    )

    @factory.post_generation
    def owner(event, create, extracted, **kwargs):
        if create and extracted:
            TeamMembership.objects.create(event=event, user=extracted, role="owner")

    @factory.post_generation
    def fields(event, create, extracted, **kwargs):
        if create and extracted:
            event.fields.set(FieldOfScience.objects.filter(code__in=extracted))

    @factory.post_generation
    def partners(event, create, extracted, **kwargs):
        if create and extracted:
            event.partners.set(extracted)


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamMembership.Role.ORGANISER


class SpeakerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Speaker

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Dr Speaker {n}")
    affiliation = "Vietnam Academy of Science and Technology"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    title_en = factory.Sequence(lambda n: f"Session {n}")
    start = factory.LazyAttribute(lambda s: s.event.start)
    end = factory.LazyAttribute(lambda s: s.event.start + timedelta(hours=1))


class AuditLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLogEntry

    event = factory.SubFactory(EventFactory)
    event_slug = factory.LazyAttribute(lambda a: a.event.slug)
    action = "event.updated"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    kind = Question.Kind.SHORT_TEXT
    label_en = factory.Sequence(lambda n: f"Question {n}")
    bump_version = factory.PostGeneration(
        lambda obj, create, extracted, **kw: _questions_changed(obj, create, extracted)
    )


def _questions_changed(obj, create, extracted, **kwargs):
    if create:
        from registration.questions import questions_changed

        event = obj.event if isinstance(obj, Question) else obj.question.event
        questions_changed(event)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice
        skip_postgeneration_save = True

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SINGLE_CHOICE)
    label_en = factory.Sequence(lambda n: f"Choice {n}")
    bump_version = factory.PostGeneration(
        lambda obj, create, extracted, **kw: _questions_changed(obj, create, extracted)
    )


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration row as the services would leave it; use services.register for seats."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    status = Registration.Status.CONFIRMED
    name = factory.Sequence(lambda n: f"Attendee {n}")
    email = factory.Sequence(lambda n: f"attendee{n}@example.org")
    country = "VN"
    consent_at = factory.LazyFunction(timezone.now)
    consent_notice_version = "default-1"


class ProgrammeTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeTarget

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2025
    metric = ProgrammeTarget.Metric.EVENTS
    value = 10
