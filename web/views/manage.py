"""The attendee's own page, reached through the emailed link: see, change, cancel, erase."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from config import ratelimit
from events.exceptions import Conflict, NotFound
from notifications import services as notification_services
from notifications.models import OptOut
from registration import services
from registration.models import Question, Registration
from registration.serializers import AttendeeRegistrationSerializer

from ..forms import answers_as_form, answers_from, errors_from, validated

EDITABLE = ("name", "email", "affiliation", "country", "language")


def _questions(registration: Registration) -> list[Question]:
    return list(registration.event.questions.prefetch_related("choices"))


def _edit(registration: Registration, post) -> None:
    data: dict[str, Any] = {name: post.get(name, "").strip() for name in EDITABLE}
    data["public_listing"] = "public_listing" in post
    checked = dict(validated(AttendeeRegistrationSerializer, data, partial=True))
    checked["answers"] = answers_from(_questions(registration), post)
    services.update_registration(registration, checked, by_attendee=True)


def _act(request: HttpRequest, registration: Registration) -> HttpResponse | None:
    """Carry out the posted action; None means "show the page again with errors"."""
    action = request.POST.get("action")
    if action == "cancel":
        services.cancel(registration)
        messages.success(request, _("Your registration is cancelled."))
    elif action == "erase":
        services.erase_personal_data(registration)
        return render(request, "web/erased.html")
    elif action == "unsubscribe":
        notification_services.unsubscribe(registration)
        messages.success(request, _("You will get no more reminders for this event."))
    elif action == "edit":
        _edit(registration, request.POST)
        messages.success(request, _("Your changes are saved."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect(request.path)


def manage(request: HttpRequest, token: str) -> HttpResponse:
    # Guessing links: too many unknown ones from this address get 429 for a while.
    ratelimit.guard(request, "token")
    try:
        registration = services.find_by_token(token)
    except NotFound as exc:
        ratelimit.record(request, "token")
        raise Http404(exc.message) from None
    # The emailed link opens in the attendee's own language until they pick another one.
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(registration.language)
        request.LANGUAGE_CODE = registration.language
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            response = _act(request, registration)
            if response is not None:
                return response
        except (ValidationError, APIValidationError, Conflict) as exc:
            errors = errors_from(exc)
            registration.refresh_from_db()
    event = registration.event
    welcome = request.session.pop("welcome", None) == token
    if errors:
        values = request.POST
    else:
        values = answers_as_form(registration.answers)
        for name in (*EDITABLE, "public_listing"):
            values[name] = getattr(registration, name)
    context = {
        "registration": registration,
        "event": event,
        "position": services.waitlist_position(registration),
        "welcome": welcome,
        "api": f"/api/v1/registrations/{registration.manage_token}/",
        "unsubscribed": OptOut.objects.filter(registration=registration).exists(),
        "editable": registration.is_active and event.is_registration_open,
        "errors": errors,
        "values": values,
        "languages": Registration.Language.choices,
        "questions": _questions(registration),
        "seats_left": services.choice_seats_left(event),
    }
    return render(request, "web/manage.html", context, status=400 if errors else 200)
