"""The API of programme requests: the team asks, the programme's staff accept or decline."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.exceptions import NotFound

from . import access
from . import programme_requests as requests
from .models import Programme
from .programme_models import ProgrammeRequest
from .views import EventNestedMixin


class ProgrammeRequestSerializer(serializers.ModelSerializer):
    event = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    programme = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Programme.objects.all(),
        help_text=gettext_lazy("The code of the programme the event should count for."),
    )
    requested_by = serializers.CharField(
        source="requested_by.get_username", read_only=True, default=None
    )
    decided_by = serializers.CharField(
        source="decided_by.get_username", read_only=True, default=None
    )

    class Meta:
        model = ProgrammeRequest
        fields = [
            "id",
            "event",
            "programme",
            "state",
            "requested_by",
            "decided_by",
            "created_at",
            "decided_at",
        ]
        read_only_fields = ["state", "created_at", "decided_at"]


class EventProgrammeRequestView(EventNestedMixin, generics.GenericAPIView):
    """The event's latest request to count for a programme (GET: the team; POST: organisers)."""

    queryset = ProgrammeRequest.objects.none()
    serializer_class = ProgrammeRequestSerializer
    access_rules = {"GET": "can_view_team_data", "HEAD": "can_view_team_data"}

    def get(self, request, event_slug: str):
        latest = requests.latest_for(self.event)
        if latest is None:
            raise NotFound(_("This event has asked no programme yet."))
        return Response(self.get_serializer(latest).data)

    def post(self, request, event_slug: str):
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        asked = requests.ask(self.event, body.validated_data["programme"], user=request.user)
        return Response(self.get_serializer(asked).data, status=status.HTTP_201_CREATED)


class EventProgrammeRequestWithdrawView(EventNestedMixin, generics.GenericAPIView):
    """Withdraw the event's request while the programme has not answered it."""

    queryset = ProgrammeRequest.objects.none()
    serializer_class = ProgrammeRequestSerializer

    @extend_schema(request=None)
    def post(self, request, event_slug: str):
        pending = self.event.programme_requests.filter(state=ProgrammeRequest.State.PENDING).first()
        if pending is None:
            raise NotFound(_("This event has no request waiting for an answer."))
        return Response(self.get_serializer(requests.withdraw(pending, user=request.user)).data)


class ProgrammeRequestDecisionView(generics.GenericAPIView):
    """Programme staff (or a superuser) accept or decline a request to their programme."""

    queryset = ProgrammeRequest.objects.select_related("programme", "event")
    serializer_class = ProgrammeRequestSerializer
    permission_classes = [IsAuthenticated]
    decision = ""  # "accept" or "decline"

    @extend_schema(request=None)
    def post(self, request, pk: int):
        asked = get_object_or_404(self.get_queryset(), pk=pk)
        if not access.is_programme_staff(request.user, asked.programme):
            raise PermissionDenied(_("Only the programme's staff decide what counts for it."))
        decided = getattr(requests, self.decision)(asked, user=request.user)
        return Response(self.get_serializer(decided).data)
