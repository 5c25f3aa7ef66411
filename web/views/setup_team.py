"""The set-up page of an event's team: roles, invitations, leaving."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from core.api import RateLimited
from events import access, invitations
from events import actions as event_actions
from events import selectors as event_selectors
from events import services as event_services
from events.models import Event, TeamMembership
from events.serializers import (
    TeamRoleSerializer,
)
from web.forms import NON_FIELD, Errors, validated
from web.views.organiser import CHANGE, team_event

from .setup_forms import INVALID, _errors, _on_top, _one_of, _setup_page, _status

# --- Team -----------------------------------------------------------------------------------

TEAM_LABELS = {
    "user": gettext_lazy("Username or email"),
    "role": gettext_lazy("Role"),
}
# The roles the API lets the owner give; the owner is the one who created the event.
GIVEN_ROLES = [
    (TeamMembership.Role.ORGANISER.value, TeamMembership.Role.ORGANISER.label),
    (TeamMembership.Role.CHECKIN.value, TeamMembership.Role.CHECKIN.label),
    (TeamMembership.Role.REVIEWER.value, TeamMembership.Role.REVIEWER.label),
    (TeamMembership.Role.COMMITTEE.value, TeamMembership.Role.COMMITTEE.label),
]


def _team_action(request: HttpRequest, event: Event) -> tuple[str, dict[str, Any], Errors]:
    """Carry out what the owner asked: (success message, values typed, errors)."""
    post, team = request.POST, event_selectors.team_of(event)
    action = post.get("action", "add")
    if action == "role":
        membership = _one_of(team, post.get("member"))
        try:
            role = validated(TeamRoleSerializer, {"role": post.get("role", "")})["role"]
            event_services.change_team_role(membership, user=request.user, role=role)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("The role is changed."), {}, {}
    if action == "remove":
        membership = _one_of(team, post.get("member"))
        try:
            event_services.remove_team_member(membership, user=request.user)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("They are no longer on the team."), {}, {}
    if action == "withdraw":
        invited = _one_of(invitations.pending(event), post.get("invitation"))
        try:
            invitations.withdraw(invited, user=request.user)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("The invitation is withdrawn: its link no longer works."), {}, {}
    values = {name: post.get(name, "").strip() for name in TEAM_LABELS}
    # The API's actions: the same counter ("team-add") and the same rules.
    if "@" in values["user"]:
        # An address is invited, never looked up: the same answer whether or not an account
        # has it, so the page reveals no account and no address.
        try:
            data = {"email": values["user"], "role": values["role"]}
            event_actions.invite(request, event, data, actor=request.user)
        except RateLimited as exc:
            return "", values, {NON_FIELD: [exc.message]}
        except INVALID as exc:
            return "", values, _errors(exc, TEAM_LABELS, {"email": "user"})
        return _("Invitation sent."), {}, {}
    try:
        event_actions.add_team_member(request, event, values, actor=request.user)
    except RateLimited as exc:
        return "", values, {NON_FIELD: [exc.message]}
    except INVALID as exc:
        return "", values, _errors(exc, TEAM_LABELS)
    return _("They are on the team now."), {}, {}


@login_required
@require_http_methods(["GET", "POST"])
def event_team(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    # As in the API: the team may look, only the owner changes who is on it.
    is_owner = access.is_owner(request.user, event)
    values: dict[str, Any] = {"role": TeamMembership.Role.ORGANISER.value}
    errors: Errors = {}
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only the owner of the event changes its team."))
        done, typed, errors = _team_action(request, event)
        if not errors:
            messages.success(request, done)
            return redirect("web:event-team", event.slug)
        values.update(typed)
    context = {
        "members": event_selectors.team_of(event),
        "invitations": invitations.pending(event) if is_owner else [],
        "is_owner": is_owner,
        "owner_role": TeamMembership.Role.OWNER.value,
        "role_options": GIVEN_ROLES,
        "values": values,
        "errors": errors,
        "labels": TEAM_LABELS,
    }
    return _setup_page(
        request, "web/setup/event_team.html", event, "web:event-team", context, _status(errors)
    )
