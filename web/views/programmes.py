"""Public accountability pages: programmes against their targets, and reports of held events."""

from collections import defaultdict
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.countries import country_name
from events import access, programme_requests
from events import selectors as event_selectors
from events import services as event_services
from events.models import Event, ParticipantType, Programme
from events.programme_models import ProgrammeTarget
from reports import abstract_figures
from reports import services as reports
from reports.views import csv_response

from .. import charts
from ..forms import errors_from

STATES = ("planned", "held", "cancelled", "draft")


def programme_list(request: HttpRequest) -> HttpResponse:
    programmes = event_selectors.programmes()
    return render(request, "web/programmes.html", {"programmes": programmes})


def _names() -> dict[str, dict[str, str]]:
    return {
        "scope": dict(Event.Scope.choices),
        "kind": dict(Event.Kind.choices),
        "field": {field.code: field.name for field in event_selectors.major_fields()},
    }


def _progress(row: dict[str, Any], result: str, metric: str) -> dict[str, Any]:
    """A result as a share of its target, e.g. 12 of 20 events is 60 %. A suppressed count
    ("<5") gives no share: it would tell the small number it hides."""
    return {f"{metric}_share": reports.share(row[result], row.get(f"target_{metric}"))}


def _years(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statistics rows of one programme arranged per year, for the page."""
    names = _names()
    years: dict[int, dict[str, Any]] = defaultdict(
        lambda: {"quarters": [], "total": None, "scope": [], "field": [], "kind": []}
    )
    for row in rows:
        year = years[row["year"]]
        if row["dimension"] == "total":
            if row["quarter"] is None:
                year["total"] = {
                    **row,
                    **_progress(row, "events_held", "events"),
                    **_progress(row, "participants", "participants"),
                }
            else:
                year["quarters"].append(row)
        else:
            label = names[row["dimension"]].get(row["category"], row["category"])
            year[row["dimension"]].append(
                {**row, "label": label, **_progress(row, "events_held", "events")}
            )
    arranged = []
    for number in sorted(years, reverse=True):
        year = years[number]
        for dimension in ("scope", "field", "kind"):
            held = [(row["label"], row["events_held"]) for row in year[dimension]]
            year[f"{dimension}_chart"] = charts.bars(held)
        arranged.append({"year": number, **year})
    return arranged


def programme_page(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    is_staff = access.is_programme_staff(request.user, programme)
    context = {
        "programme": programme,
        "years": _years(reports.statistics(programme)),
        "threshold": reports.threshold(),
        "is_staff": is_staff,
        "pending_requests": programme_requests.pending_for(programme) if is_staff else [],
        "feed": reverse("event-feed") + f"?programme={programme.code}",
        "fields": event_selectors.major_fields(),
        "abstracts": abstract_figures.programme_figures(programme),
    }
    return render(request, "web/programme.html", context)


def programme_events(request: HttpRequest, slug: str) -> HttpResponse:
    """The events behind a figure of the programme page."""
    programme = get_object_or_404(Programme, slug=slug)
    shown = [Event.Status.PUBLISHED, Event.Status.CANCELLED]
    if access.is_programme_staff(request.user, programme):
        shown.append(Event.Status.DRAFT)  # staff follow what is being prepared, too
    events = event_selectors.programme_events(programme, shown)
    now = timezone.now()
    state = request.GET.get("state")
    if state == "planned":
        events = events.filter(status=Event.Status.PUBLISHED, end__gt=now)
    elif state == "held":
        events = events.filter(status=Event.Status.PUBLISHED, end__lte=now)
    elif state == "cancelled":
        events = events.filter(status=Event.Status.CANCELLED)
    elif state == "draft":
        events = events.filter(status=Event.Status.DRAFT)
    year, quarter = _number(request.GET.get("year")), _number(request.GET.get("quarter"))
    if year is not None and 1900 < year < 2200:  # the years an event can have
        events = events.filter(start__year=year)
    if quarter in (1, 2, 3, 4):
        events = events.filter(start__quarter=quarter)
    for name in ("scope", "kind"):
        if request.GET.get(name):
            events = events.filter(**{name: request.GET[name]})
    if request.GET.get("field"):
        code = request.GET["field"]
        events = events.filter(Q(fields__code=code) | Q(fields__parent__code=code)).distinct()
    page = Paginator(events.order_by("start"), 50).get_page(request.GET.get("page"))
    context = {"programme": programme, "page": page, "state": state if state in STATES else ""}
    return render(request, "web/programme_events.html", context)


@login_required
def programme_targets(request: HttpRequest, slug: str) -> HttpResponse:
    """Programme staff set the yearly targets."""
    programme = get_object_or_404(Programme, slug=slug)
    if not access.is_programme_staff(request.user, programme):
        raise PermissionDenied(_("Only the programme's staff set its targets."))
    errors: dict[str, list[str]] = {}
    values: Any = {}
    if request.method == "POST" and request.POST.get("action") == "delete":
        target = get_object_or_404(
            ProgrammeTarget, programme=programme, pk=_number(request.POST.get("target"))
        )
        event_services.delete_target(target, user=request.user)
        messages.success(request, _("The target is deleted."))
        return redirect("web:programme-targets", slug=programme.slug)
    if request.method == "POST":
        values = request.POST
        try:
            event_services.set_target(programme, user=request.user, data=_target(request.POST))
        except ValidationError as exc:
            errors = errors_from(exc)
        else:
            messages.success(request, _("The target is saved."))
            return redirect("web:programme-targets", slug=programme.slug)
    context = {
        "programme": programme,
        "targets": programme.targets.select_related("field"),
        "errors": errors,
        "values": values,
        "metrics": ProgrammeTarget.Metric.choices,
        "scopes": Event.Scope.choices,
        "fields": [(f.pk, f"{f.code} {f.name}") for f in event_selectors.major_fields()],
    }
    return render(request, "web/programme_targets.html", context, status=400 if errors else 200)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _target(post) -> dict[str, Any]:
    """The target form as model values; what is missing or malformed is said per field."""
    errors: dict[str, list[str]] = {}
    year, value = _number(post.get("year")), _number(post.get("value"))
    if year is None or not 1900 < year < 2200:
        errors["year"] = [_("Enter a year, such as 2027.")]
    if value is None:
        errors["value"] = [_("Enter a whole number, 0 or more.")]
    metric = post.get("metric", "")
    if metric not in ProgrammeTarget.Metric.values:
        errors["metric"] = [_("Choose what the target counts.")]
    scope = post.get("scope", "")
    if scope and scope not in Event.Scope.values:
        errors["scope"] = [_("Choose a scope from the list.")]
    field = None
    if post.get("field"):
        field = event_selectors.major_field(_number(post.get("field")))
        if field is None:
            errors["field"] = [_("Choose a field from the list.")]
    if errors:
        raise ValidationError(errors)
    return {"year": year, "metric": metric, "scope": scope, "field": field, "value": value}


# --- One event, once it is over -------------------------------------------------------------


def _held_event(request: HttpRequest, slug: str) -> Event:
    event = access.visible_events(request.user).filter(slug=slug).first()
    if event is None or event.status != Event.Status.PUBLISHED:
        raise Http404(_("There is no event at this address."))
    if event.phase != "past":
        raise Http404(_("The report is published once the event is over."))
    return event


def _report_rows(event: Event, report: dict[str, Any]) -> list[tuple[str, Any]]:
    types = dict(ParticipantType.choices)
    rows = [
        (_("Capacity"), report["capacity"] if report["capacity"] is not None else _("unlimited")),
        (_("Registrations"), report["registrations"]),
        (_("Confirmed participants"), report["participants"]),
        (_("Checked in"), report["check_ins"]),
        (_("Show-up rate (%)"), report["show_up_rate"]),
        (_("International participants"), report["international_participants"]),
        (_("Countries"), report["countries"]),
        (_("Reminder emails sent"), report["reminders_sent"]),
        (_("Reminder delivery rate (%)"), report["reminder_delivery_rate"]),
    ]
    by_country = report["by_country"]
    rows += [(_("Country: %(code)s") % {"code": country_name(c)}, n) for c, n in by_country]
    rows += [(types.get(t, t), n) for t, n in report["by_participant_type"]]
    rows += [(_("Checked in on %(day)s") % {"day": d}, n) for d, n in report["attendance_by_day"]]
    return rows


def event_report(request: HttpRequest, slug: str) -> HttpResponse:
    event = _held_event(request, slug)
    report = reports.event_report(event)
    types = dict(ParticipantType.choices)
    context = {
        "event": event,
        "report": report,
        "threshold": reports.threshold(),
        "by_type": [(types.get(t, t), n) for t, n in report["by_participant_type"]],
        "abstracts": abstract_figures.event_figures(event),
        # Days as dates, for the one date style of the page's language (the CSV keeps ISO).
        "days": [(date.fromisoformat(d), n) for d, n in report["attendance_by_day"]],
    }
    return render(request, "web/event_report.html", context)


def event_report_csv(request: HttpRequest, slug: str) -> HttpResponse:
    event = _held_event(request, slug)
    rows = [
        {"figure": name, "value": value}
        for name, value in _report_rows(event, reports.event_report(event))
    ]
    return csv_response(rows, ("figure", "value"), f"{event.slug}-report.csv")
