from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import conditional_page
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core import response_cache
from core.conditional import conditional_get
from core.exceptions import NotFound
from core.renderers import CALENDAR, FileActionsMixin, NoFormatOverride, file_renderers
from core.schema import file_download

from . import access, actions, freshness, notices, read_cache, services
from .agenda_models import Session
from .audit_serializers import AuditLogEntrySerializer
from .duplicate import duplicate_event
from .filters import EventFilter
from .ical import build_calendar
from .models import AuditLogEntry, Event, FieldOfScience, Programme, TeamMembership
from .permissions import EventPermission, EventTeamPermission
from .serializers import (
    CancelSerializer,
    DetailSerializer,
    DuplicateEventSerializer,
    EventSerializer,
    FieldOfScienceSerializer,
    PrivacyNoticeSerializer,
    ProgrammeSerializer,
    SessionSerializer,
    TeamMemberSerializer,
    TeamRoleSerializer,
)

ICS_RESPONSE = file_download(CALENDAR, "An iCalendar file (RFC 5545).")


def calendar_response(events, *, name: str, filename: str, sessions: bool = False) -> HttpResponse:
    body = build_calendar(events, site_url=settings.SITE_URL, name=name, sessions=sessions)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Reads without validators of their own (signed-in callers') get an ETag from their body.
@method_decorator(conditional_page, name="dispatch")
class EventViewSet(FileActionsMixin, viewsets.ModelViewSet):
    """Events: anyone lists and reads published ones; organisers manage their own."""

    serializer_class = EventSerializer
    permission_classes = [EventPermission]
    filterset_class = EventFilter
    ordering_fields = ["start", "end", "created_at", "updated_at", "capacity"]
    ordering = ["start", "id"]
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    file_actions = {"calendar": CALENDAR}
    # `?format=` filters events by format; it does not pick a renderer.
    content_negotiation_class = NoFormatOverride

    def get_queryset(self):
        access.remember_roles(self.request.user)
        listing = self.action == "list" and "status" not in self.request.query_params
        events = access.listed_events if listing else access.visible_events
        return (
            events(self.request.user)
            .select_related("host", "programme")
            .prefetch_related(
                "fields",
                "partners",
                Prefetch("sessions", queryset=Session.objects.prefetch_related("speakers")),
            )
        )

    read_key = None  # set by freshness.event_reads for the answers every reader shares

    # Anonymous reads of the list and of one event: whole answers kept in Redis, in front of
    # DRF's work (core.response_cache), while the probe finds the public events unchanged.
    shared_reads = {"list": freshness.public_list_probe, "retrieve": freshness.public_event_probe}

    def dispatch(self, request, *args, **kwargs):
        # DRF names the action later (initialize_request); the route's map already knows it.
        probe = self.shared_reads.get(self.action_map.get(request.method.lower()))
        if probe is None:
            return super().dispatch(request, *args, **kwargs)
        return response_cache.serve(
            request,
            lambda: super(EventViewSet, self).dispatch(request, *args, **kwargs),
            probe=probe,
            kwargs=kwargs,
            version_key=read_cache.VERSION_KEY,
            content_types=("application/json",),
        )

    @conditional_get(freshness.event_reads)
    def list(self, request, *args, **kwargs):
        build = super().list
        return read_cache.answer(self.read_key, lambda: build(request, *args, **kwargs))

    @conditional_get(freshness.event_reads)
    def retrieve(self, request, *args, **kwargs):
        build = super().retrieve
        return read_cache.answer(self.read_key, lambda: build(request, *args, **kwargs))

    def perform_create(self, serializer):
        serializer.instance = services.create_event(
            user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_event(
            serializer.instance, user=self.request.user, data=serializer.validated_data
        )
        self._saved_pk = serializer.instance.pk

    def update(self, request, *args, **kwargs):
        response = super().update(request, *args, **kwargs)
        # Re-read (by id: the slug may have changed) so nested and derived fields are fresh.
        event = self.get_queryset().get(pk=self._saved_pk)
        response.data = self.get_serializer(event).data
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        event = self.get_queryset().get(pk=serializer.instance.pk)
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        services.delete_event(instance, user=self.request.user)

    @extend_schema(request=None, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, slug=None):
        event = services.publish_event(self.get_object(), user=request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data)

    @extend_schema(request=DuplicateEventSerializer, responses={201: EventSerializer})
    @action(detail=True, methods=["post"])
    def duplicate(self, request, slug=None):
        """A new draft like this event, owned by the caller; every time moves with the start."""
        source = self.get_object()
        body = DuplicateEventSerializer(data=request.data, context={"event": source})
        body.is_valid(raise_exception=True)
        copy = duplicate_event(source, user=request.user, **body.validated_data)
        data = self.get_serializer(self.get_queryset().get(pk=copy.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CancelSerializer, responses=EventSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, slug=None):
        event = self.get_object()
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.cancel_event(event, user=request.user, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=event.pk)).data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version",
                str,
                description="A version to read (“default-1”, “<uuid>-v3” or 3); default: the "
                "current one.",
            )
        ],
        responses={200: PrivacyNoticeSerializer},
    )
    @action(detail=True, methods=["get"], url_path="privacy-notice")
    def privacy_notice(self, request, slug=None):
        """The event's data-processing notice, current or of a given version."""
        event = self.get_object()
        current = event.privacy_notice_label
        notice = notices.notice_for(event, request.query_params.get("version") or current)
        if notice is None:
            raise NotFound(_("This event has no notice of this version."))
        notice["current"] = notice["version"] == current
        return Response(PrivacyNoticeSerializer(notice).data)

    @extend_schema(responses=ICS_RESPONSE, operation_id="event_calendar")
    @conditional_get(freshness.calendar_feed)
    def calendar(self, request, slug=None):
        """The event as an iCalendar file (routed as /events/{slug}/calendar.ics)."""
        event = self.get_object()
        return calendar_response(
            [event], name=event.title, filename=f"{event.slug}.ics", sessions=True
        )


class EventFeedView(generics.GenericAPIView):
    """Every published event as one iCalendar feed; the event list's filters narrow it, e.g.
    one programme's events (`?programme=07-CTr/TU`) or one field's (`?field=1`)."""

    permission_classes = [AllowAny]
    renderer_classes = file_renderers(CALENDAR)
    content_negotiation_class = NoFormatOverride  # `?format=` is the event list's filter
    # Cancelled events stay in the feed, so subscribers see STATUS:CANCELLED.
    queryset = Event.objects.filter(status__in=access.PUBLIC_STATUSES)
    filterset_class = EventFilter

    @extend_schema(responses=ICS_RESPONSE, operation_id="events_calendar_feed")
    @conditional_get(freshness.calendar_feed)
    def get(self, request):
        events = self.filter_queryset(self.get_queryset()).order_by("start")
        return calendar_response(
            events, name=_("Science & technology events"), filename="events.ics"
        )


class FieldOfScienceViewSet(viewsets.ReadOnlyModelViewSet):
    """The OECD Fields of Science and Technology used to classify events."""

    queryset = FieldOfScience.objects.select_related("parent")
    serializer_class = FieldOfScienceSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[0-9.]+"


class ProgrammeViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Programme.objects.all()
    serializer_class = ProgrammeSerializer
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = ".+?"  # codes such as 07-CTr/TU contain a slash


class EventNestedMixin:
    """Endpoints under /events/{slug}/: the event must be visible to the caller (else 404)."""

    permission_classes = [EventTeamPermission]
    # Which rule of events.access applies, per HTTP method; "public" for anyone who sees it.
    access_rules: dict[str, str] = {}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no event
            return self.queryset
        return self.nested_queryset()

    def event_queryset(self):
        return access.visible_events(self.request.user)

    @property
    def event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(self.event_queryset(), slug=self.kwargs["event_slug"])
        return self._event

    def access_rule(self, request) -> str:
        return self.access_rules.get(request.method, "can_change")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "event_slug" in self.kwargs:
            context["event"] = self.event
        return context


class SessionViewSet(EventNestedMixin, viewsets.ModelViewSet):
    """The event's agenda. Speakers are given inline and reused by name and affiliation."""

    queryset = Session.objects.none()
    serializer_class = SessionSerializer
    access_rules = {"GET": "public", "HEAD": "public", "OPTIONS": "public"}
    pagination_class = None

    def nested_queryset(self):
        return self.event.sessions.prefetch_related("speakers").select_related("event")

    def perform_create(self, serializer):
        serializer.instance = services.save_session(
            self.event, user=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_session(
            self.event,
            user=self.request.user,
            data=serializer.validated_data,
            session=serializer.instance,
        )

    def perform_destroy(self, instance):
        services.delete_session(instance, user=self.request.user)


class TeamViewSet(
    EventNestedMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The event's team: the owner adds organisers and check-in staff; the team sees it."""

    queryset = TeamMembership.objects.none()
    serializer_class = TeamMemberSerializer
    access_rules = {"GET": "can_view_team_data", "HEAD": "can_view_team_data"}
    pagination_class = None

    def access_rule(self, request) -> str:
        return self.access_rules.get(request.method, "is_owner")

    def nested_queryset(self):
        return TeamMembership.objects.filter(event=self.event).select_related("user", "event")

    @extend_schema(responses={201: TeamMemberSerializer, 202: DetailSerializer})
    def create(self, request, *args, **kwargs):
        # An email address is invited, never looked up: the answer is the same whether or not
        # an account has it, so adding a member reveals no account and no address.
        given = request.data.get("user") if hasattr(request.data, "get") else None
        if isinstance(given, str) and "@" in given:
            from . import invitation_api

            data = {"email": given.strip(), "role": request.data.get("role")}
            actions.invite(request, self.event, data, actor=request.user)
            return invitation_api.sent()
        membership = actions.add_team_member(
            request,
            self.event,
            request.data,
            actor=request.user,
            context=self.get_serializer_context(),
        )
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TeamRoleSerializer, responses=TeamMemberSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        body = TeamRoleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.change_team_role(
            membership, user=request.user, role=body.validated_data["role"]
        )
        return Response(TeamMemberSerializer(membership).data)

    def perform_destroy(self, instance):
        services.remove_team_member(instance, user=self.request.user)


class AuditLogView(EventNestedMixin, generics.ListAPIView):
    """Who changed what in this event, newest first. The team only."""

    queryset = AuditLogEntry.objects.none()
    serializer_class = AuditLogEntrySerializer
    access_rules = {"GET": "can_view_team_data", "HEAD": "can_view_team_data"}

    def nested_queryset(self):
        return AuditLogEntry.objects.filter(event=self.event).select_related("actor")
