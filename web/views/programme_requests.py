"""Pages of programme requests: organisers ask on the details step, programme staff decide
on their programme's page. The rules are in ``events.programme_requests``."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.exceptions import Conflict
from events import access
from events import programme_requests as requests
from events import selectors as event_selectors
from events.models import Event, Programme
from events.programme_models import ProgrammeRequest
from web.views.organiser import CHANGE, team_event


def details_context(event: Event) -> dict[str, Any]:
    """What the details step shows: the latest request and the programmes one can ask."""
    return {
        "programme_request": requests.latest_for(event),
        "programme_options": event_selectors.other_programmes(event),
    }


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@login_required
@require_POST
def event_programme_request(request: HttpRequest, slug: str) -> HttpResponse:
    """The team asks for the event to count for a programme, or withdraws the request."""
    event = team_event(request, slug, need=CHANGE)
    try:
        if request.POST.get("action") == "withdraw":
            pending = event.programme_requests.filter(state=ProgrammeRequest.State.PENDING).first()
            if pending is None:
                raise Conflict(_("No request is waiting for an answer."))
            requests.withdraw(pending, user=request.user)
            messages.success(request, _("The request is withdrawn."))
        else:
            programme = event_selectors.programme_by_id(_number(request.POST.get("programme")))
            if programme is None:
                raise Conflict(_("Choose a programme from the list."))
            requests.ask(event, programme, user=request.user)
            messages.success(
                request,
                _("The request is sent. The programme's staff will accept or decline it."),
            )
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("web:event-edit", event.slug)


@login_required
@require_POST
def programme_request_decision(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's staff accept or decline an event's request."""
    programme = get_object_or_404(Programme, slug=slug)
    if not access.is_programme_staff(request.user, programme):
        raise PermissionDenied(_("Only the programme's staff decide what counts for it."))
    asked = get_object_or_404(
        event_selectors.programme_requests(),
        programme=programme,
        pk=_number(request.POST.get("request")),
    )
    try:
        if request.POST.get("action") == "accept":
            requests.accept(asked, user=request.user)
            text = _("%(event)s now counts for this programme.")
        elif request.POST.get("action") == "decline":
            requests.decline(asked, user=request.user)
            text = _("The request of %(event)s is declined.")
        else:
            raise Conflict(_("Choose to accept or to decline."))
        messages.success(request, text % {"event": asked.event.title})
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("web:programme", programme.slug)
