"""Organiser pages that run an event: registrations, email, door check-in, audit log."""

from django.urls import path

from .views import certificates, desk, printing

urlpatterns = [
    path("events/<slug:slug>/registrations/", desk.registrations, name="event-registrations"),
    path("events/<slug:slug>/email/", desk.email, name="event-email"),
    path("events/<slug:slug>/check-in/", desk.check_in, name="event-check-in"),
    path("events/<slug:slug>/audit/", desk.audit, name="event-audit"),
    path(
        "events/<slug:slug>/attendees/print/",
        printing.attendee_list,
        name="event-attendee-list",
    ),
    path(
        "events/<slug:slug>/certificates/",
        certificates.certificates_page,
        name="event-certificates",
    ),
]
