from django.urls import path
from rest_framework.routers import SimpleRouter

from . import badge_views, certificate_views, door_views, views

registrations = views.RegistrationViewSet
manage = views.ManageRegistrationViewSet
questions = views.QuestionViewSet
EVENT = "events/<slug:event_slug>"

router = SimpleRouter()
router.register("registrations", manage, basename="manage-registration")
router.register(
    r"events/(?P<event_slug>[-a-zA-Z0-9_]+)/registrations", registrations, basename="registration"
)
router.register(r"events/(?P<event_slug>[-a-zA-Z0-9_]+)/questions", questions, basename="question")

MANAGE = "registrations/<str:token>"
EXPORTS = f"{EVENT}/registrations"

urlpatterns = [
    # The router's routes first: registering is the hottest request, and Django tries each
    # route in order. None of them matches a path below (those are files, with no trailing
    # slash, or begin differently).
    *router.urls,
    # Files are addressed without a trailing slash, like the event's calendar.ics.
    path(f"{MANAGE}/ticket.png", manage.as_view({"get": "ticket_png"}), name="ticket-png"),
    path(f"{MANAGE}/ticket.pdf", manage.as_view({"get": "ticket_pdf"}), name="ticket-pdf"),
    path(f"{MANAGE}/calendar.ics", manage.as_view({"get": "calendar"}), name="registration-ics"),
    path(
        f"{EXPORTS}/export.csv",
        registrations.as_view({"get": "export_csv"}),
        name="registrations-csv",
    ),
    path(
        f"{EXPORTS}/export.xlsx",
        registrations.as_view({"get": "export_xlsx"}),
        name="registrations-xlsx",
    ),
    path(f"{EVENT}/badges.pdf", badge_views.BadgesView.as_view(), name="event-badges"),
    path(
        f"{MANAGE}/certificate.pdf",
        certificate_views.HolderCertificateView.as_view(),
        name="registration-certificate-pdf",
    ),
    path(
        "certificates/<str:code>/",
        certificate_views.CertificateCheckView.as_view(),
        name="certificate-verify",
    ),
    path(
        f"{EVENT}/certificates/",
        certificate_views.EventCertificatesView.as_view(),
        name="event-certificates",
    ),
    path(
        f"{EVENT}/certificates/<int:pk>/certificate.pdf",
        certificate_views.EventCertificatePdfView.as_view(),
        name="event-certificate-pdf",
    ),
    path(
        f"{EVENT}/certificates/<int:pk>/reissue/",
        certificate_views.EventCertificateReissueView.as_view(),
        name="event-certificate-reissue",
    ),
    path(f"{EVENT}/availability/", views.AvailabilityView.as_view(), name="event-availability"),
    path(f"{EVENT}/check-ins/", views.CheckInView.as_view(), name="event-check-ins"),
    path(f"{EVENT}/check-ins/<str:code>/", views.CheckInUndoView.as_view(), name="event-check-in"),
    # The door's offline roster, queued scans and walk-ins (registration/door_views.py).
    path(f"{EVENT}/door/roster/", door_views.DoorRosterView.as_view(), name="event-door-roster"),
    path(f"{EVENT}/door/sync/", door_views.DoorSyncView.as_view(), name="event-door-sync"),
    path(f"{EVENT}/walk-ins/", door_views.WalkInView.as_view(), name="event-walk-ins"),
]
