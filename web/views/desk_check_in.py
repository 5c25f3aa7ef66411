"""The door check-in page."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.api import RateLimited, with_retry_after
from core.exceptions import NotFound
from events.models import Event, ParticipantType
from registration import actions as registration_actions
from registration import checkin
from registration import figures as registration_figures
from registration.models import Registration
from registration.search import normalise_code
from registration.views import door_answer

from ..forms import NON_FIELD, Errors
from . import door_offline
from .desk import FORM_ERRORS, RECENT_CHECK_INS, _form_errors
from .organiser import CHECK_IN, render_event_page, team_event

Status = Registration.Status


# --- Check-in -----------------------------------------------------------------------------------


def _result_texts() -> dict[str, str]:
    """The wording of a scan's result: the page shows it, and check-in.js fills it in."""
    return {
        "ok": _("Checked in on %(day)s at %(time)s: %(name)s (%(type)s)"),
        "repeat": _("Already checked in today at %(time)s: %(name)s"),
        "unknown": _("Unknown ticket code: %(code)s"),
        "count": _("%(done)s of %(total)s checked in"),
    }


@login_required
def check_in(request: HttpRequest, slug: str) -> HttpResponse:
    """The door. Without JavaScript the form posts here; check-in.js uses the API instead."""
    event = team_event(request, slug, need=CHECK_IN)
    if request.method != "POST":
        return _check_in_page(request, event)
    try:
        # The API's actions: the same counter and rules as the check-in API's.
        return _admit_or_undo(request, event)
    except RateLimited as exc:
        page = _check_in_page(request, event, {"ok": False, "text": exc.message}, status=429)
        return with_retry_after(page, exc)


def _admit_or_undo(request: HttpRequest, event: Event) -> HttpResponse:
    if request.POST.get("action") == "undo":
        try:
            registration = registration_actions.undo_check_in(
                request, event, request.POST.get("code", ""), actor=request.user
            )
        except FORM_ERRORS as exc:
            return _check_in_page(request, event, errors=_form_errors(exc), status=400)
        messages.success(
            request, _("The check-in of %(name)s is undone.") % {"name": registration.name}
        )
        return redirect(request.path)
    texts = _result_texts()
    typed = request.POST.get("code", "")
    try:
        admission = registration_actions.check_in(
            request, event, {"code": typed}, actor=request.user
        )
    except NotFound:
        result = {"ok": False, "text": texts["unknown"] % {"code": normalise_code(typed)}}
        return _check_in_page(request, event, result=result, status=400)
    except FORM_ERRORS as exc:
        errors = _form_errors(exc)
        text = " ".join(message for messages_ in errors.values() for message in messages_)
        return _check_in_page(request, event, {"ok": False, "text": text}, errors, status=400)
    registration = admission.registration
    said = {"name": registration.name, **door_answer(admission)}
    if admission.first_time:
        said["type"] = registration.get_participant_type_display()
        result = {"ok": True, "text": texts["ok"] % said}
    else:
        result = {"ok": False, "text": texts["repeat"] % said}
    return _check_in_page(request, event, result)


def _check_in_page(
    request: HttpRequest,
    event: Event,
    result: dict | None = None,
    errors: Errors | None = None,
    status: int = 200,
) -> HttpResponse:
    figures = registration_figures.counts(event)
    texts = _result_texts()
    today = checkin.event_day(event, timezone.now())
    query = request.GET.get("q", "").strip()[:100]
    context = {
        "query": query,
        "matches": checkin.door_search(event, query, today) if query else None,
        "result": result,
        "errors": errors or {},
        "code_errors": (errors or {}).get("code") or (errors or {}).get(NON_FIELD),
        "recent": checkin.recent(event, today, RECENT_CHECK_INS),
        "count_text": texts["count"]
        % {"done": checkin.checked_in_on(event, today), "total": figures[Status.CONFIRMED]},
        "texts": texts,
        "type_names": json.dumps({value: str(label) for value, label in ParticipantType.choices}),
        "api_check_in": reverse("event-check-ins", kwargs={"event_slug": event.slug}),
        "api_stats": reverse("registration-stats", kwargs={"event_slug": event.slug}),
        "day_number": checkin.day_number(event, today),
        **door_offline.door_context(event),
    }
    response = render_event_page(
        request, "web/desk/check_in.html", event, tab="check-in", context=context
    )
    response.status_code = status
    return response
