from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import generics, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import ErrorSerializer
from core.exceptions import Conflict
from core.renderers import CALENDAR, CSV, PDF, PNG, XLSX, FileActionsMixin
from core.schema import file_download
from events import access, dates
from events.views import ICS_RESPONSE, EventNestedMixin, calendar_response

from . import actions, changes, checkin, eligibility, exports, personal_data, seats, tickets
from . import figures as registration_figures
from . import links as registration_links
from . import questions as registration_questions
from .filters import DoorRegistrationFilter, RegistrationFilter
from .models import Question, Registration
from .serializers import (
    AttendeeRegistrationSerializer,
    BulkApproveSerializer,
    CheckInResultSerializer,
    CheckInSerializer,
    DoorPersonSerializer,
    DoorRegistrationSerializer,
    EmailSerializer,
    OrganiserRegistrationSerializer,
    QuestionSerializer,
    ReasonSerializer,
    RegisterSerializer,
    RegistrationCreatedSerializer,
)

NO_TICKET = OpenApiResponse(
    ErrorSerializer, description="Only confirmed registrations have one (`no_ticket`)."
)
DOOR_QUERY = OpenApiParameter(
    "q", str, description="Part of a name (accents and case ignored) or a ticket code."
)
ENDED = OpenApiResponse(
    ErrorSerializer,
    description="The event has ended: its registrations can no longer change (`event_ended`).",
)
RATE_LIMITED = OpenApiResponse(
    ErrorSerializer,
    description="Too many attempts from this address or for this email (`rate_limited`), "
    "with `Retry-After` (seconds).",
)


class RegistrationViewSet(
    FileActionsMixin,
    EventNestedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Registrations of one event. Anyone registers; the team reads; organisers decide."""

    queryset = Registration.objects.none()
    serializer_class = OrganiserRegistrationSerializer
    ordering_fields = ["id", "created_at", "name", "status"]
    ordering = ["id"]
    file_actions = {"export_csv": CSV, "export_xlsx": XLSX}
    access_rules = {
        "GET": "can_view_team_data",
        "HEAD": "can_view_team_data",
        "create": "public",
        "resend_link": "public",
        # Everyone's contact details and answers in one file: not for check-in staff.
        "export_csv": "can_view_personal_data",
        "export_xlsx": "can_view_personal_data",
    }

    def access_rule(self, request) -> str:
        return self.access_rules.get(self.action) or self.access_rules.get(
            request.method, "can_change"
        )

    def nested_queryset(self):
        return Registration.objects.filter(event=self.event)

    def at_the_door(self) -> bool:
        """Check-in staff read registrations as the door needs them, and no more."""
        if getattr(self, "swagger_fake_view", False) or "event_slug" not in self.kwargs:
            return False
        if not hasattr(self, "_at_the_door"):  # asked for the serializer and the filters
            role = access.role_of(self.request.user, self.event)
            self._at_the_door = role == access.Role.CHECKIN
        return self._at_the_door

    def get_serializer_class(self):
        if self.action in ("list", "retrieve") and self.at_the_door():
            return DoorRegistrationSerializer
        return OrganiserRegistrationSerializer

    @property
    def filterset_class(self):
        return DoorRegistrationFilter if self.at_the_door() else RegistrationFilter

    @property
    def event(self):
        if self.action == "create":
            return eligibility.event_for_registration(self.kwargs["event_slug"])
        return super().event

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "list" and "event_slug" in self.kwargs:
            waiting = Registration.objects.filter(
                event=self.event, status=Registration.Status.WAITLISTED
            ).order_by("waitlist_seq")
            context["waitlist_positions"] = {
                pk: n for n, pk in enumerate(waiting.values_list("pk", flat=True), start=1)
            }
        return context

    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegistrationCreatedSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Full (`event_full`), closed, cancelled, a limited choice full, or "
                "`check_email`: not taken; if this address is already registered, its link "
                "has been emailed to it. A registered address is never told apart from a new "
                "one at a full event: both get `event_full`. `event_changed`: the event was "
                "changed while this was being taken, again and again; send it again. `code` "
                "says which.",
            ),
            429: RATE_LIMITED,
        },
        auth=[],
    )
    def create(self, request, event_slug=None):
        registration = actions.register(request, self.event, request.data)
        # Built by hand: this is the hottest path, and it is three fields.
        position = getattr(registration, "position", None)
        created = {
            "id": registration.pk,
            "status": registration.status,
            "waitlist_position": position,
            "position": position,  # the same, under the shorter name some clients expect
        }
        return Response(created, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer):
        serializer.instance = changes.update_registration(
            serializer.instance,
            serializer.validated_data,
            by_attendee=False,
            actor=self.request.user,
        )

    @extend_schema(request=EmailSerializer, responses={202: None, 429: RATE_LIMITED}, auth=[])
    @action(detail=False, methods=["post"], url_path="resend-link")
    def resend_link(self, request, event_slug=None):
        """Emails the manage link if this address is registered. Always answers 202."""
        actions.resend_link(request, self.event, request.data)
        return Response(
            {"detail": _("If this address is registered, its link is on its way.")},
            status=status.HTTP_202_ACCEPTED,
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, event_slug=None, pk=None):
        registration = seats.approve(self.get_object(), actor=request.user)
        return Response(self.get_serializer(registration).data)

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, event_slug=None, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registration = seats.reject(
            self.get_object(), actor=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(registration).data)

    @extend_schema(request=ReasonSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, event_slug=None, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        registration = seats.cancel(
            self.get_object(), actor=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(self.get_serializer(registration).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="revoke-link")
    def revoke_link(self, request, event_slug=None, pk=None):
        """Revoke the person's manage link and email them a new one."""
        registration = registration_links.revoke_manage_link(self.get_object(), actor=request.user)
        return Response(self.get_serializer(registration).data)

    @extend_schema(
        request=BulkApproveSerializer,
        responses=inline_serializer("BulkApproved", {"approved": serializers.ListField()}),
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request, event_slug=None):
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        approved = seats.approve_many(self.event, body.validated_data["ids"], actor=request.user)
        return Response({"approved": [registration.pk for registration in approved]})

    @extend_schema(
        request=BulkApproveSerializer,
        responses={
            200: inline_serializer("BulkRejected", {"rejected": serializers.ListField()}),
            409: ENDED,
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-reject")
    def bulk_reject(self, request, event_slug=None):
        """Reject the selected registrations still pending; the others are left unchanged."""
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rejected = seats.reject_many(self.event, body.validated_data["ids"], actor=request.user)
        return Response({"rejected": [registration.pk for registration in rejected]})

    @extend_schema(
        request=BulkApproveSerializer,
        responses={
            200: inline_serializer("BulkCancelled", {"cancelled": serializers.ListField()}),
            409: ENDED,
        },
    )
    @action(detail=False, methods=["post"], url_path="bulk-cancel")
    def bulk_cancel(self, request, event_slug=None):
        """Cancel the selected registrations still active; the others are left unchanged."""
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cancelled = seats.cancel_many(self.event, body.validated_data["ids"], actor=request.user)
        return Response({"cancelled": [registration.pk for registration in cancelled]})

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def stats(self, request, event_slug=None):
        """Live counts: capacity, confirmed, pending, waitlisted, cancelled, checked in…"""
        event = self.event
        today = checkin.checked_in_on(event, checkin.event_day(event, timezone.now()))
        return Response({**registration_figures.counts(event), "checked_in_today": today})

    @extend_schema(
        responses=file_download(CSV, "One row per registration, UTF-8, a header row."),
        operation_id="registrations_export_csv",
    )
    def export_csv(self, request, event_slug=None):
        return exports.csv_response(self.event, self.filter_queryset(self.get_queryset()))

    @extend_schema(
        responses=file_download(XLSX, "One row per registration, as an Excel workbook."),
        operation_id="registrations_export_xlsx",
    )
    def export_xlsx(self, request, event_slug=None):
        return exports.xlsx_response(self.event, self.filter_queryset(self.get_queryset()))


class AvailabilityView(EventNestedMixin, APIView):
    """Seats left for the event and its limited choices: what the registration page shows."""

    access_rules = {"GET": "public", "HEAD": "public"}

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, event_slug=None):
        event = self.event
        figures = registration_figures.counts(event)
        return Response(
            {
                "capacity": event.capacity,
                "seats_left": figures["seats_left"],
                "waitlist_enabled": event.waitlist_enabled,
                "waitlisted": figures["waitlisted"],
                "registration_open": event.is_registration_open,
                "choices": [
                    {
                        key: choice[key]
                        for key in ("id", "question", "label", "capacity", "seats_left")
                    }
                    for choice in figures["choices"]
                ],
            }
        )


class CheckInView(EventNestedMixin, generics.GenericAPIView):
    """The door: any team member scans or types a ticket code."""

    serializer_class = CheckInSerializer
    queryset = Registration.objects.none()  # for the schema: the door answers about these
    pagination_class = None  # the door's lookup is a short list, not pages
    filter_backends: list = []  # its only parameter is `q`
    access_rules = {}

    def access_rule(self, request) -> str:
        return "can_check_in"

    @extend_schema(
        request=CheckInSerializer,
        responses={
            201: CheckInResultSerializer,
            200: CheckInResultSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="Not a ticket of this event, or not a confirmed one (see `code`).",
            ),
        },
    )
    def post(self, request, event_slug=None):
        admission = actions.check_in(request, self.event, request.data, actor=request.user)
        return check_in_response(admission)

    @extend_schema(
        parameters=[DOOR_QUERY],
        responses={200: DoorPersonSerializer(many=True)},
        operation_id="event_check_ins_search",
    )
    def get(self, request, event_slug=None):
        """Find people to admit by name (accents and case ignored) or ticket code: only the
        fields the door needs, never email or answers."""
        event = self.event
        today = checkin.event_day(event, timezone.now())
        people = checkin.door_search(event, request.query_params.get("q", ""), today)
        for person in people:
            person["checked_in_at"] = event.local(person["checked_in_at"])
        return Response(DoorPersonSerializer(people, many=True).data)


def door_answer(admission: checkin.Admission) -> dict[str, str]:
    """The day and time of a scan in the event's timezone, as the door says them."""
    registration = admission.registration
    event = registration.event
    number = checkin.day_number(event, admission.check_in.day)
    date = dates.day(admission.check_in.at, event.timezone)
    if number is None:
        day = date
    else:
        day = _("day %(number)d (%(date)s)") % {"number": number, "date": date}
    time = dates.clock(admission.check_in.at, event.timezone)
    return {"day": day, "time": time}


def check_in_response(admission: checkin.Admission) -> Response:
    registration = admission.registration
    first_time = admission.first_time
    when = registration.event.local(admission.check_in.at)
    said = door_answer(admission)
    if first_time:
        detail = _("Welcome, %(name)s: checked in on %(day)s at %(time)s.") % {
            "name": registration.name,
            **said,
        }
    else:
        detail = _("Already checked in today at %(time)s.") % said
    data = {
        "id": registration.pk,
        "name": registration.name,
        "participant_type": registration.participant_type,
        "ticket_code": registration.ticket_code,
        "checked_in_at": when.isoformat(),
        "day": admission.check_in.day.isoformat(),
        "day_label": said["day"],
        "already_checked_in": not first_time,
        "detail": detail,
    }
    return Response(data, status=status.HTTP_201_CREATED if first_time else status.HTTP_200_OK)


class CheckInUndoView(EventNestedMixin, APIView):
    def access_rule(self, request) -> str:
        return "can_check_in"

    @extend_schema(responses={204: None})
    def delete(self, request, event_slug=None, code=None):
        actions.undo_check_in(request, self.event, code, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionViewSet(EventNestedMixin, viewsets.ModelViewSet):
    """The event's own registration questions; choices may carry a capacity."""

    queryset = Question.objects.none()
    serializer_class = QuestionSerializer
    pagination_class = None
    access_rules = {"GET": "public", "HEAD": "public"}

    def nested_queryset(self):
        return self.event.questions.prefetch_related("choices")

    def perform_create(self, serializer):
        serializer.instance = registration_questions.save_question(
            self.event, serializer.validated_data, actor=self.request.user
        )

    def perform_update(self, serializer):
        serializer.instance = registration_questions.save_question(
            self.event,
            serializer.validated_data,
            actor=self.request.user,
            question=serializer.instance,
        )

    def perform_destroy(self, instance):
        registration_questions.delete_question(instance, actor=self.request.user)


class ManageRegistrationViewSet(FileActionsMixin, viewsets.GenericViewSet):
    """The attendee's self-service, reached with the secret token from the emailed link."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = AttendeeRegistrationSerializer
    lookup_field = "token"
    lookup_value_regex = "[-_A-Za-z0-9]{20,64}"
    file_actions = {"ticket_png": PNG, "ticket_pdf": PDF, "calendar": CALENDAR}
    queryset = Registration.objects.none()

    def get_object(self):
        return actions.registration_by_token(self.request, self.kwargs["token"])

    def retrieve(self, request, token=None):
        return Response(self.get_serializer(self.get_object()).data)

    def partial_update(self, request, token=None):
        registration = self.get_object()
        body = self.get_serializer(registration, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        registration = actions.update_by_attendee(request, registration, body.validated_data)
        return Response(self.get_serializer(registration).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def cancel(self, request, token=None):
        registration = seats.cancel(self.get_object())
        return Response(self.get_serializer(registration).data)

    @extend_schema(
        responses={**file_download(PNG, "The ticket's QR code."), 409: NO_TICKET},
        operation_id="registration_ticket_png",
    )
    def ticket_png(self, request, token=None):
        registration = self.confirmed()
        return HttpResponse(tickets.qr_png(registration), content_type="image/png")

    @extend_schema(
        responses={**file_download(PDF, "The ticket, to print."), 409: NO_TICKET},
        operation_id="registration_ticket_pdf",
    )
    def ticket_pdf(self, request, token=None):
        registration = self.confirmed()
        response = HttpResponse(tickets.ticket_pdf(registration), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="ticket-{registration.ticket_code}.pdf"'
        )
        return response

    @extend_schema(responses=ICS_RESPONSE, operation_id="registration_calendar")
    def calendar(self, request, token=None):
        event = self.get_object().event
        return calendar_response([event], name=event.title, filename=f"{event.slug}.ics")

    @extend_schema(responses={200: OpenApiTypes.OBJECT, 204: None})
    @action(detail=True, methods=["get", "delete"])
    def data(self, request, token=None):
        """GET: everything stored about you. DELETE: erase it (your seat is released)."""
        registration = self.get_object()
        if request.method == "DELETE":
            personal_data.erase_personal_data(registration)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(personal_data.export_personal_data(registration))

    def confirmed(self) -> Registration:
        registration = self.get_object()
        if registration.status != Registration.Status.CONFIRMED:
            raise Conflict(_("Only confirmed registrations have a ticket."), "no_ticket")
        return registration
