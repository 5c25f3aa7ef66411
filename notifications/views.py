from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.exceptions import Conflict
from events.services import record
from events.views import EventNestedMixin

from . import actions, broadcasts, outbox, reminders, sending
from .models import Delivery, Message, ReminderRule
from .serializers import (
    BounceSerializer,
    BroadcastSerializer,
    DeliveryCountsSerializer,
    DeliverySerializer,
    MessageSerializer,
    ReminderRuleSerializer,
)

TEAM_READS = {"GET": "can_view_team_data", "HEAD": "can_view_team_data"}
# Who was written to, and what: owner and organisers only (not check-in staff).
PERSONAL_READS = {"GET": "can_view_personal_data", "HEAD": "can_view_personal_data"}


class ReminderRuleViewSet(EventNestedMixin, viewsets.ModelViewSet):
    """The event's reminder rules. New events start with one day and two hours before."""

    queryset = ReminderRule.objects.none()
    serializer_class = ReminderRuleSerializer
    pagination_class = None
    access_rules = TEAM_READS

    def nested_queryset(self):
        return self.event.reminder_rules.select_related("event")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = reminders.add_rule(self.event, data, actor=self.request.user)

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = reminders.change_rule(
            serializer.instance, data, actor=self.request.user
        )

    def perform_destroy(self, rule):
        reminders.delete_rule(rule, actor=self.request.user)


class MessageViewSet(
    EventNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Broadcasts, reminder firings and notices of change, with delivery counts."""

    queryset = Message.objects.none()
    serializer_class = MessageSerializer
    access_rules = PERSONAL_READS

    def nested_queryset(self):
        # Meta.ordering does not apply to a grouped query: say it again, for stable pages.
        messages = self.event.messages.annotate(recipients=Count("deliveries"))
        return messages.order_by("-created_at", "-id")

    @extend_schema(request=BroadcastSerializer, responses={201: MessageSerializer})
    def create(self, request, event_slug=None):
        """Broadcast to a filtered set of registrants (default: everyone confirmed)."""
        body = BroadcastSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        message = broadcasts.broadcast(self.event, actor=request.user, data=body.validated_data)
        message = self.nested_queryset().get(pk=message.pk)
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class DeliveryViewSet(
    EventNestedMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The delivery log: every email of this event, its state, attempts and last error."""

    queryset = Delivery.objects.none()
    serializer_class = DeliverySerializer
    access_rules = PERSONAL_READS
    filterset_fields = ["state", "kind", "message"]

    def nested_queryset(self):
        deliveries = Delivery.objects.filter(event=self.event).select_related("registration")
        return deliveries.order_by("-id")

    @extend_schema(request=None, responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, event_slug=None, pk=None):
        delivery = sending.resend(self.get_object(), actor=request.user)
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(request=BounceSerializer, responses=DeliverySerializer)
    @action(detail=True, methods=["post"])
    def bounced(self, request, event_slug=None, pk=None):
        """Record a bounce reported by the mail provider for a sent email."""
        delivery = self.get_object()
        body = BounceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if delivery.state != Delivery.State.SENT:
            raise Conflict(_("Only sent emails can bounce."), "not_sent")
        delivery = sending.mark_bounced(delivery, body.validated_data.get("reason", ""))
        record(self.event, request.user, "delivery.bounced", delivery=delivery.pk)
        return Response(DeliverySerializer(delivery).data)

    @extend_schema(
        responses=DeliveryCountsSerializer(many=True),
        operation_id="v1_events_deliveries_counts_retrieve",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def counts(self, request, event_slug=None):
        """Per reminder firing, broadcast and notice: deliveries in each state."""
        return Response(outbox.delivery_counts(self.event))


@csrf_exempt  # RFC 8058 one-click: mail clients POST without a form token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    # Only unknown links count and are refused (429 past the rate); a valid one never is.
    done = request.method == "POST"
    if done:
        registration = actions.unsubscribe(request, token)
    else:
        registration = actions.registration_for_unsubscribe(request, token)
    if registration is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    context = {"event": registration.event, "done": done, "token": token}
    return render(request, "notifications/unsubscribe.html", context)
