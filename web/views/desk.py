"""Organiser pages that run an event: the registrations list, its actions and figures.

Errors of actions and serializers come back to the page through `errors_from`."""

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
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework.exceptions import ValidationError as APIValidationError

from core.countries import COUNTRY_CODES, country_name
from core.exceptions import Conflict, NotFound
from events import access
from events.models import Event, ParticipantType
from registration import eligibility as registration_eligibility
from registration import figures as registration_figures
from registration import seats as registration_seats
from registration import selectors as registration_selectors
from registration.filters import DoorRegistrationFilter, RegistrationFilter
from registration.models import ACTIVE_STATUSES, Registration
from registration.serializers import BulkApproveSerializer, ReasonSerializer

from .. import charts
from ..forms import Errors, errors_from, validated
from .organiser import CHANGE, VIEW, render_event_page, team_event

Status = Registration.Status


PER_PAGE = 50
RECENT_CHECK_INS = 10
FORM_ERRORS = (ValidationError, APIValidationError, Conflict, NotFound)


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
    registration_eligibility.refuse_if_ended(event)
    ids = validated(BulkApproveSerializer, {"ids": request.POST.getlist("ids")})["ids"]
    if not ids:
        raise ValidationError({"ids": [_("Select at least one registration.")]})
    selected = registration_selectors.selected_by_name(event, ids)
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
        registration_selectors.registrations_of(event),
        request.POST.get("id"),
        _("This registration does not exist."),
    )
    if action == "approve":
        registration_seats.approve(registration, actor=request.user)
        text = _("%(name)s is approved.")
    else:
        body = validated(ReasonSerializer, {"reason": request.POST.get("reason", "")})
        reason = body.get("reason", "")
        if action == "reject":
            registration_seats.reject(registration, actor=request.user, reason=reason)
            text = _("%(name)s is rejected.")
        else:
            registration_seats.cancel(registration, actor=request.user, reason=reason)
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
        done = len(registration_seats.approve_many(event, ids, actor=request.user))
        text = ngettext(
            "%(count)d registration approved.", "%(count)d registrations approved.", done
        )
    else:
        change = (
            registration_seats.reject_many if action == "reject" else registration_seats.cancel_many
        )
        done = len(change(event, ids, actor=request.user))
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
        queryset=registration_selectors.newest_registrations(event),
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
        "counts": registration_figures.counts(event),
        # Once the event has ended nobody is cancelled or rejected: no buttons for it.
        "ended": registration_eligibility.event_has_ended(event),
        "charts": []
        if door
        else [
            _chart(
                _("By country"),
                registration_figures.breakdown(event, "country"),
                {code: country_name(code) for code in COUNTRY_CODES},
            ),
            _chart(
                _("By participant type"),
                registration_figures.breakdown(event, "participant_type"),
                type_labels,
            ),
            _chart(_("By status"), registration_figures.breakdown(event, "status"), status_labels),
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
