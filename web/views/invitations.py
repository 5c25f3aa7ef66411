"""The emailed link to join an event's team: `/invitations/<token>`.

Whoever holds the link learns what they need and nothing more: sign in (an account has the
invited address), or choose a username and password (none has). Accepting is a POST, so a
mail scanner that opens the link changes nothing.
"""

from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError as APIValidationError

from core.exceptions import Conflict, NotFound
from events import actions as event_actions
from events import invitations
from events.models import Invitation, TeamMembership
from web.forms import NON_FIELD, Errors, errors_from

LABELS = {
    "username": gettext_lazy("Username"),
    "password": gettext_lazy("Password"),
}


def _landing(membership: TeamMembership) -> str:
    """Where a new member starts: the door for check-in staff, the registrations otherwise."""
    if membership.role == TeamMembership.Role.CHECKIN:
        return reverse("web:event-check-in", args=[membership.event.slug])
    return reverse("web:event-registrations", args=[membership.event.slug])


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "web/invitation_gone.html", status=410)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    try:
        # Unknown links count, as manage links do.
        invited: Invitation = event_actions.invitation_by_token(request, token)
    except NotFound as exc:
        raise Http404(exc.message) from None
    except invitations.InvitationGone:
        return _gone(request)
    signed_in = request.user.is_authenticated
    has_account = not signed_in and invitations.account_exists(invited)
    errors: Errors = {}
    values = {"username": ""}
    if request.method == "POST":
        try:
            # The page's language becomes the language of their team emails.
            language = (get_language() or "")[:2]
            if signed_in:
                membership = invitations.accept(invited, user=request.user, language=language)
            elif not has_account:
                values["username"] = request.POST.get("username", "").strip()
                user, membership = invitations.accept_with_new_account(
                    invited,
                    username=values["username"],
                    password=request.POST.get("password", ""),
                    language=language,
                )
                login(request, user)
            else:
                return redirect(request.path)
        except invitations.InvitationGone:
            return _gone(request)
        except (APIValidationError, Conflict) as exc:
            errors = {
                (key if key in LABELS else NON_FIELD): found
                for key, found in errors_from(exc).items()
            }
        else:
            return redirect(_landing(membership))
    context = {
        "invitation": invited,
        "event": invited.event,
        "signed_in": signed_in,
        "has_account": has_account,
        "sign_in_url": reverse("web:login") + "?" + urlencode({"next": request.path}),
        "errors": errors,
        "values": values,
        "labels": LABELS,
    }
    return render(request, "web/invitation.html", context, status=400 if errors else 200)
