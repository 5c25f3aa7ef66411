"""The organiser's email page: messages to attendees, deliveries and resending."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from events.models import Event, ParticipantType
from notifications import broadcasts as notification_broadcasts
from notifications import composer
from notifications import outbox as notification_outbox
from notifications import selectors as notification_selectors
from notifications import sending as notification_sending
from notifications.models import ERASED_ADDRESS, Delivery, Message
from notifications.serializers import BroadcastSerializer
from registration.models import Registration

from ..forms import Errors, validated
from .desk import FORM_ERRORS, _by_id, _form_errors, _page
from .organiser import CHANGE, render_event_page, team_event

Status = Registration.Status


# --- Email --------------------------------------------------------------------------------------

TEXT_FIELDS = ("subject_en", "subject_vi", "body_en", "body_vi")


@login_required
def email(request: HttpRequest, slug: str) -> HttpResponse:
    """Write to the event's people, and see what was delivered (and re-send what failed)."""
    event = team_event(request, slug, need=CHANGE)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "resend":
                _resend(request, event)
            elif request.POST.get("action") == "preview":
                shown = composer.preview(event, _broadcast_data(request))
                return _email_page(request, event, request.POST, preview=shown)
            else:
                _broadcast(request, event)
        except FORM_ERRORS as exc:
            return _email_page(request, event, request.POST, _form_errors(exc), status=400)
        return redirect(request.get_full_path())
    return _email_page(request, event, None)


def _broadcast_data(request: HttpRequest) -> dict[str, Any]:
    data: dict[str, Any] = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
    # Only what was chosen is passed on, as an API client would: the message records it.
    for name in ("statuses", "participant_types", "choices"):
        chosen = request.POST.getlist(name)
        if chosen:
            data[name] = chosen
    if request.POST.get("checked_in"):
        data["checked_in"] = request.POST["checked_in"]
    return validated(BroadcastSerializer, data)


def _broadcast(request: HttpRequest, event: Event) -> None:
    body = _broadcast_data(request)
    message = notification_broadcasts.broadcast(event, actor=request.user, data=body)
    recipients = message.deliveries.count()
    messages.success(
        request,
        ngettext(
            "Your message is on its way to %(count)d person.",
            "Your message is on its way to %(count)d people.",
            recipients,
        )
        % {"count": recipients},
    )


def _resend(request: HttpRequest, event: Event) -> None:
    delivery = _by_id(
        notification_selectors.deliveries_of(event),
        request.POST.get("id"),
        _("This delivery does not exist."),
    )
    delivery = notification_sending.resend(delivery, actor=request.user)
    messages.success(
        request,
        _("The email to %(email)s will be sent again.") % {"email": delivery.shown_to_email},
    )


def _email_page(
    request: HttpRequest,
    event: Event,
    posted: Any,
    errors: Errors | None = None,
    status: int = 200,
    preview: dict[str, Any] | None = None,
) -> HttpResponse:
    errors = dict(errors or {})
    deliveries = notification_selectors.delivery_log(event)
    state = request.GET.get("state", "")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    elif state:
        errors["state"] = [_("Choose one of the listed states.")]
    counts = notification_outbox.delivery_counts(event)
    sent = notification_selectors.messages_by_id([row["message_id"] for row in counts])
    values = posted if posted is not None else {}
    language = get_language()
    context = {
        # Default audience as the service's: everyone confirmed.
        "chosen_statuses": values.getlist("statuses") if posted else [Status.CONFIRMED],
        "chosen_types": values.getlist("participant_types") if posted else [],
        "chosen_choices": values.getlist("choices") if posted else [],
        "choice_options": composer.choice_options(event),
        "preview": preview,
        "values": values,
        "errors": errors,
        "labels": {
            "subject_en": _("Subject (English)"),
            "subject_vi": _("Subject (Vietnamese)"),
            "body_en": _("Message (English)"),
            "body_vi": _("Message (Vietnamese)"),
            "statuses": _("Registration status"),
            "participant_types": _("Participant types"),
            "checked_in": _("Checked in"),
            "choices": _("Answers"),
            "state": _("State"),
        },
        "status_options": [
            (value, label)
            for value, label in Status.choices
            if value in (Status.CONFIRMED, Status.PENDING, Status.WAITLISTED)
        ],
        "type_options": [
            (value, label)
            for value, label in ParticipantType.choices
            if not event.participant_types or value in event.participant_types
        ],
        "checked_in_options": [("true", _("Checked in")), ("false", _("Not checked in"))],
        "state_options": Delivery.State.choices,
        "state": state if state in Delivery.State.values else "",
        "filter_values": {"state": state},
        "message_counts": [
            {
                **row,
                "message": sent.get(row["message_id"]),
                "kind": Message.Kind(row["message__kind"]).label,
                "subject": sent[row["message_id"]].subject(language)
                if row["message_id"] in sent
                else "",
            }
            for row in reversed(counts)
        ],
        "state_names": Delivery.State.values,
        "page": _page(request, deliveries),
        "resendable": (Delivery.State.FAILED, Delivery.State.BOUNCED),
        "erased_address": ERASED_ADDRESS,
    }
    response = render_event_page(
        request, "web/desk/email.html", event, tab="email", context=context
    )
    response.status_code = status
    return response
