"""The API of team invitations: the owner invites by address, sees and withdraws them."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from . import actions, invitations
from .models import Invitation
from .serializers import DetailSerializer, InvitationSerializer
from .views import EventNestedMixin

OWNER_ONLY = {"GET": "is_owner", "HEAD": "is_owner", "POST": "is_owner", "DELETE": "is_owner"}


def sent() -> Response:
    """The one answer to every invitation, whether or not the address has an account."""
    return Response({"detail": _("Invitation sent.")}, status=status.HTTP_202_ACCEPTED)


class InvitationListView(EventNestedMixin, generics.ListAPIView):
    """Pending invitations (GET) and a new one (POST), the owner only. POST answers 202 the
    same for every address: nothing tells whether an account exists for it."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer
    access_rules = OWNER_ONLY
    pagination_class = None

    def nested_queryset(self):
        return invitations.pending(self.event)

    @extend_schema(request=InvitationSerializer, responses={202: DetailSerializer})
    def post(self, request, event_slug: str):
        # Each invitation is an email sent: the action counts it ("team-add").
        actions.invite(request, self.event, request.data, actor=request.user)
        return sent()


class InvitationDetailView(EventNestedMixin, generics.GenericAPIView):
    """Withdraw a pending invitation (the owner): its link stops working."""

    queryset = Invitation.objects.none()
    serializer_class = InvitationSerializer
    access_rules = OWNER_ONLY

    def delete(self, request, event_slug: str, pk: int):
        invitation = get_object_or_404(Invitation.objects.filter(event=self.event), pk=pk)
        invitations.withdraw(invitation, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
