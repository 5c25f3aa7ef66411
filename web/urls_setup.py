"""Organiser pages that set an event up: details, questions, agenda, team, reminders, the call
for abstracts, publish."""

from django.urls import path

from .views import (
    abstract_setup,
    organiser,
    programme_requests,
    setup,
    setup_agenda,
    setup_questions,
    setup_reminders,
    setup_team,
)

urlpatterns = [
    path("events/new/", setup.event_create, name="event-create"),
    path("events/<slug:slug>/edit/", setup.event_edit, name="event-edit"),
    path(
        "events/<slug:slug>/programme-request/",
        programme_requests.event_programme_request,
        name="event-programme-request",
    ),
    path("events/<slug:slug>/questions/", setup_questions.event_questions, name="event-questions"),
    path("events/<slug:slug>/agenda/", setup_agenda.event_agenda, name="event-agenda"),
    path("events/<slug:slug>/team/", setup_team.event_team, name="event-team"),
    path("events/<slug:slug>/reminders/", setup_reminders.event_reminders, name="event-reminders"),
    path("events/<slug:slug>/call-for-abstracts/", abstract_setup.event_call, name="event-call"),
    path("events/<slug:slug>/reviewers/", abstract_setup.event_reviewers, name="event-reviewers"),
    path("events/<slug:slug>/preview/", setup.event_preview, name="event-preview"),
    path("events/<slug:slug>/duplicate/", organiser.duplicate, name="event-duplicate"),
]
