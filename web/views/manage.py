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

from core.emails import email_key
from core.exceptions import Conflict, NotFound
from notifications import outbox as notification_outbox
from notifications import selectors as notification_selectors
from registration import actions as registration_actions
from registration import eligibility, personal_data, seats
from registration import figures as registration_figures
from registration.models import Question, Registration
from registration.serializers import AttendeeRegistrationSerializer

from ..forms import answers_as_form, answers_from, errors_from, validated

EDITABLE = ("name", "email", "affiliation", "country", "language")


def _questions(registration: Registration) -> list[Question]:
    return list(registration.event.questions.prefetch_related("choices"))


def _edit(request: HttpRequest, registration: Registration) -> None:
    post = request.POST
    data: dict[str, Any] = {name: post.get(name, "").strip() for name in EDITABLE}
    data["public_listing"] = "public_listing" in post
    checked = dict(validated(AttendeeRegistrationSerializer, data, partial=True))
    checked["answers"] = answers_from(_questions(registration), post)
    registration_actions.update_by_attendee(request, registration, checked)
    if email_key(checked.get("email") or registration.email) != email_key(registration.email):
        messages.info(
            request,
            _("We have emailed a link to the new address: the change is made when it is opened."),
        )


def _act(request: HttpRequest, registration: Registration) -> HttpResponse | None:
    """Carry out the posted action; None means "show the page again with errors"."""
    action = request.POST.get("action")
    if action == "cancel":
        seats.cancel(registration)
        messages.success(request, _("Your registration is cancelled."))
    elif action == "erase":
        personal_data.erase_personal_data(registration)
        return render(request, "web/erased.html")
    elif action == "unsubscribe":
        notification_outbox.unsubscribe(registration)
        messages.success(request, _("You will get no more reminders for this event."))
    elif action == "edit":
        _edit(request, registration)
        messages.success(request, _("Your changes are saved."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect(request.path)


def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        # Guessing links: too many unknown ones from this address get 429 for a while; a
        # valid link is always answered (a venue's Wi-Fi is shared).
        registration = registration_actions.registration_by_token(request, token)
    except NotFound as exc:
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
        "position": seats.waitlist_position(registration),
        "welcome": welcome,
        "api": f"/api/v1/registrations/{registration.manage_token}/",
        "unsubscribed": notification_selectors.has_opted_out(registration),
        "editable": registration.is_active and event.is_registration_open,
        # Once the event has ended its figures are final: nothing to cancel any more.
        "cancellable": registration.is_active and not eligibility.event_has_ended(event),
        "errors": errors,
        "values": values,
        "languages": Registration.Language.choices,
        "questions": _questions(registration),
        "seats_left": registration_figures.choice_seats_left(event),
    }
    return render(request, "web/manage.html", context, status=400 if errors else 200)


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link emailed to a new address: opening it makes the change. If that address has
    been registered for the event meanwhile, only its owner (who opened this) is told."""
    try:
        # Unknown links count, as manage links do.
        registration, changed = registration_actions.confirm_email_change(request, token)
    except NotFound as exc:
        raise Http404(exc.message) from None
    context = {"event": registration.event, "changed": changed}
    return render(request, "web/email_confirmed.html", context)
