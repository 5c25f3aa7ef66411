"""Duplicating an event: next year's edition starts from this year's set-up.

The copy is a new draft owned by whoever duplicates it, with its own address. It takes the
details, the questions and their choices, the agenda and the reminders; every time moves by
the same offset as the start. Registrations, the rest of the team, deliveries and the link to
a programme (the programme's staff decide what counts) are not copied.
"""

from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .agenda_models import Session
from .models import Event
from .services import _keep_notice, index_for_search, record, unique_slug

# What a copy takes from its source as it is; times are shifted separately.
COPIED_FIELDS = (
    "summary_en",
    "summary_vi",
    "description_en",
    "description_vi",
    "kind",
    "scope",
    "host",
    "venue_name",
    "venue_address",
    "venue_city",
    "venue_country",
    "format",
    "online_url",
    "timezone",
    "capacity",
    "waitlist_enabled",
    "requires_approval",
    "participant_list_public",
    "participant_types",
    "privacy_notice_en",
    "privacy_notice_vi",
)
SHIFTED_FIELDS = ("end", "registration_opens", "registration_closes")


def _shifted(moment: datetime | None, offset: timedelta) -> datetime | None:
    return moment + offset if moment else None


@transaction.atomic
def duplicate_event(
    source: Event,
    *,
    user: AbstractBaseUser,
    start: datetime,
    title_en: str = "",
    title_vi: str = "",
) -> Event:
    """A new draft like `source`, starting at `start`; empty titles keep the source's."""
    if start is None:
        raise ValidationError({"start": [_("Give the new start.")]})
    offset = start - source.start
    copy = Event(created_by=user, status=Event.Status.DRAFT, start=start)
    copy.title_en = (title_en or "").strip() or source.title_en
    copy.title_vi = (title_vi or "").strip() or source.title_vi
    for name in COPIED_FIELDS:
        setattr(copy, name, getattr(source, name))
    for name in SHIFTED_FIELDS:
        setattr(copy, name, _shifted(getattr(source, name), offset))
    copy.privacy_notice_version = 1 if copy.has_own_privacy_notice else 0
    copy.slug = unique_slug(copy.title_en or copy.title_vi)
    copy.clean()
    index_for_search(copy)
    copy.save()
    copy.fields.set(source.fields.all())
    copy.partners.set(source.partners.all())
    _keep_notice(copy, user)
    team_model = apps.get_model("events", "TeamMembership")
    team_model.objects.create(event=copy, user=user, role=team_model.Role.OWNER)
    _copy_questions(source, copy)
    _copy_agenda(source, copy, offset)
    _copy_reminders(source, copy, offset)
    record(copy, user, "event.duplicated", source=source.title, source_slug=source.slug)
    return copy


def _copy_questions(source: Event, copy: Event) -> None:
    question_model = apps.get_model("registration", "Question")
    choice_model = apps.get_model("registration", "Choice")
    for question in question_model.objects.filter(event=source).prefetch_related("choices"):
        choices = list(question.choices.all())
        question.pk, question.id, question.event = None, None, copy
        question._state.adding = True
        question.save()
        choice_model.objects.bulk_create(
            choice_model(
                question=question,
                label_en=choice.label_en,
                label_vi=choice.label_vi,
                capacity=choice.capacity,
                position=choice.position,
            )
            for choice in choices
        )


def _copy_agenda(source: Event, copy: Event, offset: timedelta) -> None:
    speakers = {}
    for speaker in source.speakers.all():
        old_pk = speaker.pk
        speaker.pk, speaker.id, speaker.event = None, None, copy
        speaker._state.adding = True
        speaker.save()
        speakers[old_pk] = speaker
    for session in Session.objects.filter(event=source).prefetch_related("speakers"):
        people = [speakers[person.pk] for person in session.speakers.all()]
        session.pk, session.id, session.event = None, None, copy
        session._state.adding = True
        session.start += offset
        session.end += offset
        session.save()
        session.speakers.set(people)


def _copy_reminders(source: Event, copy: Event, offset: timedelta) -> None:
    """The source's reminders replace the defaults a new event gets; all are due again."""
    rule_model = apps.get_model("notifications", "ReminderRule")
    rule_model.objects.filter(event=copy).delete()
    for rule in rule_model.objects.filter(event=source):
        new = rule_model(
            event=copy,
            minutes_before_start=rule.minutes_before_start,
            send_at=_shifted(rule.send_at, offset),
            enabled=rule.enabled,
            grace_minutes=rule.grace_minutes,
            subject_en=rule.subject_en,
            subject_vi=rule.subject_vi,
            body_en=rule.body_en,
            body_vi=rule.body_vi,
            include_pending=rule.include_pending,
            include_waitlisted=rule.include_waitlisted,
            participant_types=rule.participant_types,
        )
        new.compute_due_at()
        new.save()
