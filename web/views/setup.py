"""Organiser pages that set an event up: its details (new and edit) and the preview before
publishing."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from events import selectors as event_selectors
from events import services as event_services
from events.models import Event
from events.serializers import (
    CancelSerializer,
    EventSerializer,
)
from web.form_values import country_code
from web.forms import Errors, validated
from web.views.organiser import CHANGE, team_event
from web.views.programme_requests import details_context

from .setup_forms import (
    DEFAULT_TIMEZONE,
    INVALID,
    STEPS,
    _checked,
    _errors,
    _local_input,
    _on_top,
    _setup_page,
    _status,
)

# --- Details --------------------------------------------------------------------------------

EVENT_LABELS = {
    "title_en": gettext_lazy("Title (English)"),
    "title_vi": gettext_lazy("Title (Vietnamese)"),
    "summary_en": gettext_lazy("Summary (English)"),
    "summary_vi": gettext_lazy("Summary (Vietnamese)"),
    "description_en": gettext_lazy("Description (English)"),
    "description_vi": gettext_lazy("Description (Vietnamese)"),
    "privacy_notice_en": gettext_lazy("Notice (English)"),
    "privacy_notice_vi": gettext_lazy("Notice (Vietnamese)"),
    "kind": gettext_lazy("Kind of event"),
    "scope": gettext_lazy("Scope"),
    "fields": gettext_lazy("Fields of science and technology"),
    "timezone": gettext_lazy("Timezone"),
    "start": gettext_lazy("Starts"),
    "end": gettext_lazy("Ends"),
    "registration_opens": gettext_lazy("Registration opens"),
    "registration_closes": gettext_lazy("Registration closes"),
    "venue_name": gettext_lazy("Venue"),
    "venue_address": gettext_lazy("Address"),
    "venue_city": gettext_lazy("City"),
    "venue_country": gettext_lazy("Country"),
    "format": gettext_lazy("Format"),
    "online_url": gettext_lazy("Online join link"),
    "capacity": gettext_lazy("Capacity"),
    "waitlist_enabled": gettext_lazy("Waiting list when full"),
    "requires_approval": gettext_lazy("Registrations need approval"),
    "participant_list_public": gettext_lazy(
        "Publish a list of participants (only those who agree to be listed)"
    ),
}
EVENT_TEXTS = (
    "title_en",
    "title_vi",
    "summary_en",
    "summary_vi",
    "description_en",
    "description_vi",
    "kind",
    "scope",
    "timezone",
    "format",
    "online_url",
    "privacy_notice_en",
    "privacy_notice_vi",
)
EVENT_MOMENTS = ("start", "end", "registration_opens", "registration_closes")
EVENT_CHECKS = ("waitlist_enabled", "requires_approval", "participant_list_public")
VENUE = {
    "venue_name": "name",
    "venue_address": "address",
    "venue_city": "city",
    "venue_country": "country",
}
EVENT_RENAME = {"title": "title_en", **{f"venue.{v}": k for k, v in VENUE.items()}}


def parse_event_form(post: QueryDict) -> tuple[dict[str, Any], dict[str, Any]]:
    """(what the person typed, the same as the API's event body)."""
    values: dict[str, Any] = {name: post.get(name, "").strip() for name in EVENT_LABELS}
    values["fields"] = post.getlist("fields")
    values.update({name: _checked(post, name) for name in EVENT_CHECKS})
    data: dict[str, Any] = {name: values[name] for name in EVENT_TEXTS + EVENT_CHECKS}
    data["fields"] = values["fields"]
    data["venue"] = {key: values[name] for name, key in VENUE.items()}
    data["venue"]["country"] = country_code(values["venue_country"])  # typed by name
    data["capacity"] = values["capacity"] or None  # empty means unlimited
    for name in EVENT_MOMENTS:
        if values[name]:
            data[name] = values[name]
        elif name.startswith("registration_"):
            data[name] = None  # an emptied optional time is cleared
        # An empty start or end is left out, so the serializer says it is required.
    return values, data


def event_values(event: Event) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(event, name) for name in EVENT_TEXTS + EVENT_CHECKS}
    values.update({name: getattr(event, name) for name in VENUE})
    values.update({name: _local_input(event, getattr(event, name)) for name in EVENT_MOMENTS})
    values["capacity"] = "" if event.capacity is None else event.capacity
    values["fields"] = list(event.fields.values_list("code", flat=True))
    return values


def _event_form_context(values: dict[str, Any], errors: Errors) -> dict[str, Any]:
    # The six major fields; subfields set through the API stay listed so saving keeps them.
    chosen = event_selectors.fields_by_code(values.get("fields") or [])
    majors = event_selectors.major_fields()
    options = [(f.code, f.name) for f in (majors | chosen).distinct().order_by("code")]
    return {
        "values": values,
        "errors": errors,
        "labels": EVENT_LABELS,
        "field_options": options,
        "kind_options": Event.Kind.choices,
        "scope_options": Event.Scope.choices,
        "format_options": Event.Format.choices,
    }


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """Any signed-in person may start an event; they become the owner of its team."""
    values: dict[str, Any] = {
        "timezone": DEFAULT_TIMEZONE,
        "kind": Event.Kind.CONFERENCE,
        "scope": Event.Scope.NATIONAL,
        "format": Event.Format.IN_PERSON,
        "fields": [],
    }
    errors: Errors = {}
    if request.method == "POST":
        values, data = parse_event_form(request.POST)
        try:
            fields = validated(EventSerializer, data, context={"request": request})
            event = event_services.create_event(user=request.user, data=fields)
        except INVALID as exc:
            errors = _errors(exc, EVENT_LABELS, EVENT_RENAME)
        else:
            messages.success(request, _("The draft is saved. Only your team can see it."))
            return redirect("web:event-questions", event.slug)
    context = {"steps": STEPS, "step": "web:event-edit", **_event_form_context(values, errors)}
    return render(request, "web/setup/event_create.html", context, status=_status(errors))


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values, errors = event_values(event), {}
    if request.method == "POST":
        values, data = parse_event_form(request.POST)
        try:
            fields = validated(EventSerializer, data, instance=event, context={"request": request})
            event = event_services.update_event(event, user=request.user, data=fields)
        except INVALID as exc:
            errors = _errors(exc, EVENT_LABELS, EVENT_RENAME)
        else:
            messages.success(request, _("The details are saved."))
            return redirect("web:event-questions", event.slug)
    context = {**_event_form_context(values, errors), **details_context(event)}
    return _setup_page(
        request, "web/setup/event_edit.html", event, "web:event-edit", context, _status(errors)
    )


# --- Preview and publish --------------------------------------------------------------------

PREVIEW_LABELS = {"reason": gettext_lazy("Reason (optional, for the audit log)")}


@login_required
@require_http_methods(["GET", "POST"])
def event_preview(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values: dict[str, Any] = {}
    errors: Errors = {}
    if request.method == "POST" and request.POST.get("action") == "publish":
        try:
            event_services.publish_event(event, user=request.user)
        except INVALID as exc:
            # The faults are in the details form: say so on top, with a link there.
            errors = _on_top(exc)
        else:
            messages.success(request, _("The event is published: anyone can see it now."))
            return redirect("web:event-preview", event.slug)
    elif request.method == "POST" and request.POST.get("action") == "cancel":
        values = {"reason": request.POST.get("reason", "").strip()}
        try:
            reason = validated(CancelSerializer, values).get("reason", "")
            event_services.cancel_event(event, user=request.user, reason=reason)
        except INVALID as exc:
            errors = _errors(exc, PREVIEW_LABELS)
        else:
            messages.success(request, _("The event is cancelled."))
            return redirect("web:event-preview", event.slug)
    elif request.method == "POST":
        raise Http404(_("This page has no such button."))
    context = {
        "questions": event.questions.prefetch_related("choices"),
        "sessions": event.sessions.prefetch_related("speakers"),
        "fields": event.fields.all(),
        "values": values,
        "errors": errors,
        "labels": PREVIEW_LABELS,
    }
    return _setup_page(
        request,
        "web/setup/event_preview.html",
        event,
        "web:event-preview",
        context,
        _status(errors),
    )
