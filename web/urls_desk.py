"""Organiser pages that run an event: registrations, email, door check-in, audit log."""

from django.urls import path

from .views import certificates, desk, desk_audit, desk_check_in, desk_email, door_offline, printing

urlpatterns = [
    path("events/<slug:slug>/registrations/", desk.registrations, name="event-registrations"),
    path("events/<slug:slug>/email/", desk_email.email, name="event-email"),
    path("events/<slug:slug>/check-in/", desk_check_in.check_in, name="event-check-in"),
    # The door as an installable app, offline too, and walk-ins (web/views/door_offline.py).
    path(
        "events/<slug:slug>/check-in/manifest.webmanifest",
        door_offline.manifest,
        name="event-door-manifest",
    ),
    path("events/<slug:slug>/check-in/sw.js", door_offline.service_worker, name="event-door-sw"),
    path("events/<slug:slug>/check-in/walk-in/", door_offline.walk_in, name="event-walk-in"),
    path("events/<slug:slug>/audit/", desk_audit.audit, name="event-audit"),
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
