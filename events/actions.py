"""One function per team action that the API view and the page share.

The caller (`client`, counted by the abuse limits), the acting user and the input in, the
outcome out: limits, validation (the API's serializers) and the rule inside, so the views never
import the rate limiter.
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from core import ratelimit
from core.exceptions import NotFound

from . import invitations, services
from .models import Event, Invitation, TeamMembership
from .serializers import InvitationSerializer, TeamMemberSerializer


def _valid(serializer_class: type, data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def invite(client: HttpRequest, event: Event, data: Mapping[str, Any], *, actor) -> Invitation:
    """Invite an email address to the team. The answer is the same whether or not an account
    has that address, so inviting reveals no account. Each invitation is an email: limited."""
    ratelimit.limit(client, "team-add")
    fields = _valid(InvitationSerializer, data)
    return invitations.invite(event, user=actor, email=fields["email"], role=fields["role"])


def add_team_member(
    client: HttpRequest, event: Event, data: Mapping[str, Any], *, actor, **context: Any
) -> TeamMembership:
    """Add an existing account by username: limited, as an answer tells whether it exists."""
    ratelimit.limit(client, "team-add")
    fields = _valid(TeamMemberSerializer, data, **context)
    return services.add_team_member(event, user=actor, member=fields["user"], role=fields["role"])


def invitation_by_token(client: HttpRequest, token: str) -> Invitation:
    """The invitation a link names; unknown links count as manage links do (429 past the
    rate). InvitationGone for one already used, withdrawn or past its time."""
    try:
        return invitations.find(token)
    except NotFound:
        ratelimit.limit(client, "token")
        raise
