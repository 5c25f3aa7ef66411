"""Organiser pages that run an event: registrations, email, door check-in, audit log.

Thin views: each parses the form, calls the same service (and serializer) as the API, and
renders. Errors of services and serializers come back to the page through `errors_from`.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from config import ratelimit
from events import access
from events import audit as audit_text
from events.exceptions import Conflict, NotFound
from events.models import AuditLogEntry, Event, ParticipantType
from notifications import composer
from notifications import services as notification_services
from notifications.models import ERASED_ADDRESS, Delivery, Message
from notifications.serializers import BroadcastSerializer
from registration import checkin
from registration import services as registration_services
from registration.countries import COUNTRY_CODES, country_name
from registration.filters import DoorRegistrationFilter, RegistrationFilter
from registration.models import ACTIVE_STATUSES, Registration
from registration.search import normalise_code
from registration.serializers import BulkApproveSerializer, CheckInSerializer, ReasonSerializer
from registration.views import door_answer

from .. import charts
from ..forms import NON_FIELD, Errors, errors_from, validated
from . import door_offline
from .organiser import CHANGE, CHECK_IN, VIEW, render_event_page, team_event

PER_PAGE = 50
RECENT_CHECK_INS = 10
FORM_ERRORS = (ValidationError, APIValidationError, Conflict, NotFound)
Status = Registration.Status


def _page(request: HttpRequest, items: QuerySet) -> Page:
    # get_page, not page: a garbage or out-of-range number shows a page instead of failing.
    return Paginator(items, PER_PAGE).get_page(request.GET.get("page"))


def _form_errors(exc: Exception) -> Errors:
    """errors_from, with a list's per-item errors ("ids.0") shown on the list's own field."""
    errors: Errors = {}
    for name, texts in errors_from(exc).items():
        errors.setdefault(name.split(".")[0], []).extend(texts)
    return errors


def _by_id(queryset: QuerySet, raw: Any, missing: str) -> Any:
    """The row of this id in the (event-scoped) queryset, or NotFound for anything else."""
    try:
        found = queryset.filter(pk=int(raw)).first()
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound(missing)
    return found


# --- Registrations ----------------------------------------------------------------------------


@login_required
def registrations(request: HttpRequest, slug: str) -> HttpResponse:
    """The team's list of registrations, with the organisers' decisions on them."""
    event = team_event(request, slug, need=CHANGE if request.method == "POST" else VIEW)
    if request.method == "POST":
        try:
            confirmation = _bulk_confirmation(request, event)
            if confirmation is not None:
                return confirmation
            _registration_action(request, event)
        except FORM_ERRORS as exc:
            return _registrations_page(request, event, _form_errors(exc), status=400)
        # Back to the same filtered page: the form posts to the full current address.
        return redirect(request.get_full_path())
    return _registrations_page(request, event)


# Who a bulk action applies to: the rest is left unchanged (and said so).
BULK_APPLIES_TO = {"reject": (Status.PENDING,), "cancel": ACTIVE_STATUSES}


def _bulk_confirmation(request: HttpRequest, event: Event) -> HttpResponse | None:
    """Bulk reject and cancel first ask "Reject 12 registrations?" on a page of their own, as
    the single-row actions ask: a step that needs no JavaScript. None once confirmed."""
    action = request.POST.get("bulk_action")
    if action not in BULK_APPLIES_TO or request.POST.get("confirmed") == "yes":
        return None
    # Nothing to confirm once the event has ended: nobody leaves it any more.
    registration_services.refuse_if_ended(event)
    ids = validated(BulkApproveSerializer, {"ids": request.POST.getlist("ids")})["ids"]
    if not ids:
        raise ValidationError({"ids": [_("Select at least one registration.")]})
    selected = Registration.objects.filter(event=event, pk__in=ids).order_by("name", "id")
    affected = [person for person in selected if person.status in BULK_APPLIES_TO[action]]
    count = len(affected)
    if action == "reject":
        question = ngettext(
            "Reject %(count)d registration?", "Reject %(count)d registrations?", count
        )
        button = ngettext(
            "Yes, reject %(count)d registration", "Yes, reject %(count)d registrations", count
        )
    else:
        question = ngettext(
            "Cancel %(count)d registration?", "Cancel %(count)d registrations?", count
        )
        button = ngettext(
            "Yes, cancel %(count)d registration", "Yes, cancel %(count)d registrations", count
        )
    context = {
        "action": action,
        "affected": affected,
        "question": question % {"count": count},
        "button": button % {"count": count},
        "unchanged": len(set(ids)) - count,
    }
    return render_event_page(
        request, "web/desk/bulk_confirm.html", event, tab="registrations", context=context
    )


def _registration_action(request: HttpRequest, event: Event) -> None:
    # The bulk form always sends its select, even left on its blank choice.
    if "bulk_action" in request.POST:
        _bulk_action(request, event, request.POST.get("bulk_action", ""))
        return
    action = request.POST.get("action")
    if action not in ("approve", "reject", "cancel"):
        raise ValidationError(_("Choose what to do with this registration."))
    registration = _by_id(
        Registration.objects.filter(event=event),
        request.POST.get("id"),
        _("This registration does not exist."),
    )
    if action == "approve":
        registration_services.approve(registration, actor=request.user)
        text = _("%(name)s is approved.")
    else:
        body = validated(ReasonSerializer, {"reason": request.POST.get("reason", "")})
        reason = body.get("reason", "")
        if action == "reject":
            registration_services.reject(registration, actor=request.user, reason=reason)
            text = _("%(name)s is rejected.")
        else:
            registration_services.cancel(registration, actor=request.user, reason=reason)
            text = _("The registration of %(name)s is cancelled.")
    messages.success(request, text % {"name": registration.name})


def _bulk_action(request: HttpRequest, event: Event, action: str) -> None:
    if action not in ("approve", "reject", "cancel"):
        raise ValidationError(
            {"bulk_action": [_("Choose what to do with the selected registrations.")]}
        )
    ids = validated(BulkApproveSerializer, {"ids": request.POST.getlist("ids")})["ids"]
    if not ids:
        raise ValidationError({"ids": [_("Select at least one registration.")]})
    if action == "approve":
        done = len(registration_services.approve_many(event, ids, actor=request.user))
        text = ngettext(
            "%(count)d registration approved.", "%(count)d registrations approved.", done
        )
    else:
        # Said once for the whole selection, not as "left unchanged" per registration.
        registration_services.refuse_if_ended(event)
        service = (
            registration_services.reject if action == "reject" else registration_services.cancel
        )
        done = 0
        for registration in Registration.objects.filter(event=event, pk__in=ids).order_by("id"):
            try:
                service(registration, actor=request.user)
            except Conflict:
                continue  # not in a state this action applies to: counted as left unchanged
            done += 1
        if action == "reject":
            text = ngettext(
                "%(count)d registration rejected.", "%(count)d registrations rejected.", done
            )
        else:
            text = ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", done
            )
    if done:
        messages.success(request, text % {"count": done})
    unchanged = len(set(ids)) - done
    if unchanged:
        messages.warning(
            request,
            ngettext(
                "%(count)d selected registration was left unchanged: "
                "this action does not apply to its current status.",
                "%(count)d selected registrations were left unchanged: "
                "this action does not apply to their current status.",
                unchanged,
            )
            % {"count": unchanged},
        )


def _chart(caption: str, rows: list[tuple[str, int]], labels: dict[str, str]) -> dict:
    named = [(str(labels.get(value, value)) if value else _("Not given"), n) for value, n in rows]
    return {"caption": caption, "rows": named, "chart": charts.bars(named)}


def _registrations_page(
    request: HttpRequest, event: Event, errors: Errors | None = None, status: int = 200
) -> HttpResponse:
    # Check-in staff see what the door needs (name, type, status, ticket, check-in time):
    # no contact details, organisations, countries, charts or exports.
    door = event.viewer_role not in access.CHANGE_ROLES  # as access.can_view_personal_data
    # The API's own filterset: the page and the exports filter by exactly the same rules.
    filters = (DoorRegistrationFilter if door else RegistrationFilter)(
        request.GET,
        queryset=Registration.objects.filter(event=event).order_by("-created_at", "-id"),
    )
    filter_errors = {name: list(texts) for name, texts in filters.errors.items()}
    cleaned = filters.form.cleaned_data
    # Only valid filters go to the export: the API answers 400 to an invalid one.
    export_params = urlencode(
        {
            name: request.GET[name]
            for name in filters.filters
            if request.GET.get(name) and name in cleaned
        }
    )
    suffix = f"?{export_params}" if export_params else ""
    status_labels = dict(Status.choices)
    type_labels = dict(ParticipantType.choices)
    context = {
        "page": _page(request, filters.qs),
        "values": request.GET,
        "errors": {**filter_errors, **(errors or {})},
        "labels": {
            "status": _("Status"),
            "participant_type": _("Participant type"),
            "country": _("Country"),
            "checked_in": _("Checked in"),
            "q": _("Name or ticket code")
            if door
            else _("Name, email, organisation or ticket code"),
            "reason": _("Reason"),
            "ids": _("Selected registrations"),
            "bulk_action": _("Action for the selected registrations"),
        },
        "posted": request.POST,
        "posted_ids": request.POST.getlist("ids"),
        "status_options": Status.choices,
        "type_options": ParticipantType.choices,
        "checked_in_options": [("true", _("Yes")), ("false", _("No"))],
        "door": door,
        "counts": registration_services.counts(event),
        # Once the event has ended nobody is cancelled or rejected: no buttons for it.
        "ended": registration_services.event_has_ended(event),
        "charts": []
        if door
        else [
            _chart(
                _("By country"),
                registration_services.breakdown(event, "country"),
                {code: country_name(code) for code in COUNTRY_CODES},
            ),
            _chart(
                _("By participant type"),
                registration_services.breakdown(event, "participant_type"),
                type_labels,
            ),
            _chart(_("By status"), registration_services.breakdown(event, "status"), status_labels),
        ],
    }
    if not door:
        context["export_csv"] = reverse("registrations-csv", args=[event.slug]) + suffix
        context["export_xlsx"] = reverse("registrations-xlsx", args=[event.slug]) + suffix
    response = render_event_page(
        request, "web/desk/registrations.html", event, tab="registrations", context=context
    )
    response.status_code = status
    return response


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
    message = notification_services.broadcast(event, actor=request.user, data=body)
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
        Delivery.objects.filter(event=event),
        request.POST.get("id"),
        _("This delivery does not exist."),
    )
    delivery = notification_services.resend(delivery, actor=request.user)
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
    deliveries = (
        Delivery.objects.filter(event=event)
        .select_related("registration", "message")
        .order_by("-id")
    )
    state = request.GET.get("state", "")
    if state in Delivery.State.values:
        deliveries = deliveries.filter(state=state)
    elif state:
        errors["state"] = [_("Choose one of the listed states.")]
    counts = notification_services.delivery_counts(event)
    sent = Message.objects.in_bulk([row["message_id"] for row in counts])
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
        ratelimit.limit(request, "check-in")  # the same counter as the check-in API's
    except ratelimit.RateLimited as exc:
        page = _check_in_page(request, event, {"ok": False, "text": exc.message}, status=429)
        return ratelimit.with_retry_after(page, exc)
    if request.POST.get("action") == "undo":
        try:
            registration = checkin.undo_check_in(
                event, request.POST.get("code", ""), actor=request.user
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
        code = validated(CheckInSerializer, {"code": typed})["code"]
        admission = checkin.check_in(event, code, actor=request.user)
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
    figures = registration_services.counts(event)
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


# --- Audit log ----------------------------------------------------------------------------------


def _change_lines(changes: Any) -> list[tuple[str, str]]:
    """A log entry's changes as (field, text): [old, new] pairs read as "old → new"."""
    if not isinstance(changes, dict):
        return [("", str(changes))] if changes else []
    lines = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            text = f"{_plain(value[0])} → {_plain(value[1])}"
        else:
            text = _plain(value)
        lines.append((str(name), text))
    return lines


# What the sentence already says (by name), or a bare id nobody can read.
_ID_KEYS = ("registration", "delivery", "message", "member", "role", "session", "question")


def _without_ids(changes: Any) -> Any:
    if isinstance(changes, dict):
        return {name: value for name, value in changes.items() if name not in _ID_KEYS}
    return changes


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@login_required
def audit(request: HttpRequest, slug: str) -> HttpResponse:
    """Who changed what in this event, newest first."""
    event = team_event(request, slug, need=VIEW)
    entries = (
        AuditLogEntry.objects.filter(event=event)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    page = _page(request, entries)
    # Sentences name people; the registration ids behind them are not shown.
    rows = [
        (entry, sentence, _change_lines(_without_ids(entry.changes)))
        for entry, sentence in zip(page, audit_text.sentences(page), strict=True)
    ]
    return render_event_page(
        request, "web/desk/audit.html", event, tab="audit", context={"page": page, "rows": rows}
    )
