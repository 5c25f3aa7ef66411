from django.urls import path
from rest_framework.routers import DefaultRouter

from . import invitation_api, programme_request_api, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("events", views.EventViewSet, basename="event")
router.register("fields", views.FieldOfScienceViewSet, basename="field")
router.register("programmes", views.ProgrammeViewSet, basename="programme")

sessions = views.SessionViewSet.as_view({"get": "list", "post": "create"})
session = views.SessionViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "put": "update", "delete": "destroy"}
)
team = views.TeamViewSet.as_view({"get": "list", "post": "create"})
member = views.TeamViewSet.as_view(
    {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
)

urlpatterns = [
    path("events/calendar.ics", views.EventFeedView.as_view(), name="event-feed"),
    path(
        "events/<slug:slug>/calendar.ics",
        views.EventViewSet.as_view({"get": "calendar"}),
        name="event-calendar",
    ),
    path("events/<slug:event_slug>/sessions/", sessions, name="event-sessions"),
    path("events/<slug:event_slug>/sessions/<int:pk>/", session, name="event-session"),
    path("events/<slug:event_slug>/team/", team, name="event-team"),
    path("events/<slug:event_slug>/team/<int:pk>/", member, name="event-team-member"),
    path(
        "events/<slug:event_slug>/team/invitations/",
        invitation_api.InvitationListView.as_view(),
        name="event-team-invitations",
    ),
    path(
        "events/<slug:event_slug>/team/invitations/<int:pk>/",
        invitation_api.InvitationDetailView.as_view(),
        name="event-team-invitation",
    ),
    path(
        "events/<slug:event_slug>/audit-log/", views.AuditLogView.as_view(), name="event-audit-log"
    ),
    path(
        "events/<slug:event_slug>/programme-request/",
        programme_request_api.EventProgrammeRequestView.as_view(),
        name="event-programme-request",
    ),
    path(
        "events/<slug:event_slug>/programme-request/withdraw/",
        programme_request_api.EventProgrammeRequestWithdrawView.as_view(),
        name="event-programme-request-withdraw",
    ),
    path(
        "programme-requests/<int:pk>/accept/",
        programme_request_api.ProgrammeRequestDecisionView.as_view(decision="accept"),
        name="programme-request-accept",
    ),
    path(
        "programme-requests/<int:pk>/decline/",
        programme_request_api.ProgrammeRequestDecisionView.as_view(decision="decline"),
        name="programme-request-decline",
    ),
    *router.urls,
]
