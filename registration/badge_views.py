"""The badges download: a PDF of name badges for the team to print (registration.badges)."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from core.api import ErrorSerializer, InvalidInputSerializer
from core.exceptions import Conflict
from core.renderers import PDF, file_renderers
from core.schema import file_download
from events import access
from events.models import ParticipantType
from events.views import EventNestedMixin

from . import badges
from .models import Registration


class BadgeFilterSerializer(serializers.Serializer):
    """Which badges, as query parameters: each list repeated (`status=a&status=b`) or comma
    separated (`ids=1,2,3`)."""

    participant_type = serializers.ListField(
        child=serializers.ChoiceField(choices=ParticipantType.choices), required=False
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=Registration.Status.choices), required=False
    )
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=badges.MAX_BADGES
    )
    layout = serializers.ChoiceField(
        choices=[("a6", gettext_lazy("A6, one per page")), ("a4", gettext_lazy("A4, four"))],
        default="a6",
    )

    def to_internal_value(self, data):
        # Lists come repeated, comma separated, or both.
        flat = {}
        for key in ("participant_type", "status", "ids"):
            values = [part for value in data.getlist(key) for part in value.split(",") if part]
            if values:
                flat[key] = values
        if "layout" in data:
            flat["layout"] = data["layout"]
        return super().to_internal_value(flat)


BADGE_PARAMETERS = [
    OpenApiParameter(
        "participant_type",
        str,
        many=True,
        enum=ParticipantType.values,
        description="Only these participant types (repeated or comma separated).",
    ),
    OpenApiParameter(
        "status",
        str,
        many=True,
        enum=Registration.Status.values,
        description="Only these statuses; confirmed registrations when not given.",
    ),
    OpenApiParameter(
        "ids", int, many=True, description="Only these registrations (one badge to reprint)."
    ),
    OpenApiParameter(
        "layout",
        str,
        enum=badges.LAYOUTS,
        description="`a6`: one A6 badge per page (default); `a4`: four badges to an A4 page.",
    ),
]


class BadgesView(EventNestedMixin, APIView):
    """Name badges of the event's people, to print: the whole team may print them (badges are
    reprinted at the door); organisations are printed for the owner and organisers only."""

    def get_renderers(self):
        return [renderer() for renderer in file_renderers(PDF)]

    def access_rule(self, request) -> str:
        return "can_check_in"

    @extend_schema(
        parameters=BADGE_PARAMETERS,
        responses={
            **file_download(PDF, "The badges, ordered by name."),
            400: OpenApiResponse(InvalidInputSerializer, description="Invalid filter."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="No registration matches the filters (`no_badges`), or more than "
                f"{badges.MAX_BADGES} do (`too_many_badges`).",
            ),
        },
        operation_id="event_badges_pdf",
    )
    def get(self, request, event_slug=None):
        event = self.event
        body = BadgeFilterSerializer(data=request.query_params)
        body.is_valid(raise_exception=True)
        wanted = body.validated_data
        people = badges.people_for_badges(
            event,
            statuses=wanted.get("status") or [Registration.Status.CONFIRMED],
            participant_types=wanted.get("participant_type") or [],
            ids=wanted.get("ids") or [],
        )
        chosen = list(people[: badges.MAX_BADGES + 1])
        if not chosen:
            raise Conflict(_("No registration matches these filters."), "no_badges")
        if len(chosen) > badges.MAX_BADGES:
            raise Conflict(
                _("More than %(limit)d badges: print them in parts, by participant type or status.")
                % {"limit": badges.MAX_BADGES},
                "too_many_badges",
            )
        organisation = access.can_view_personal_data(request.user, event)
        pdf = badges.badges_pdf(event, chosen, layout=wanted["layout"], organisation=organisation)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="badges-{event.slug}.pdf"'
        return response
