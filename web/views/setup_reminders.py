"""The set-up page of an event's reminder emails."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from events.models import Event
from notifications import reminders as notification_reminders
from notifications.models import ReminderRule
from notifications.serializers import ReminderRuleSerializer
from web.forms import Errors, validated
from web.views.organiser import CHANGE, team_event

from .setup_forms import INVALID, _checked, _errors, _one_of, _setup_page, _status

# --- Reminders ------------------------------------------------------------------------------

REMINDER_LABELS = {
    "when": gettext_lazy("When to send"),
    "hours_before_start": gettext_lazy("Hours before the start"),
    "send_at": gettext_lazy("Date and time"),
    "include_pending": gettext_lazy("Also people awaiting approval"),
    "include_waitlisted": gettext_lazy("Also the waiting list"),
    "subject_en": gettext_lazy("Subject (English)"),
    "subject_vi": gettext_lazy("Subject (Vietnamese)"),
    "body_en": gettext_lazy("Message (English)"),
    "body_vi": gettext_lazy("Message (Vietnamese)"),
}
REMINDER_TEXTS = ("hours_before_start", "send_at", "subject_en", "subject_vi", "body_en", "body_vi")
REMINDER_CHECKS = ("include_pending", "include_waitlisted")
REMINDER_RENAME = {"minutes_before_start": "hours_before_start"}
BEFORE, AT = "before", "at"


def _minutes(hours: str) -> int | str:
    """Hours as typed (1.5 or 1,5) in minutes; anything else goes on, for the serializer to
    reject in its own words."""
    try:
        amount = Decimal(hours.replace(",", "."))
    except InvalidOperation:
        return hours
    return int(amount * 60) if amount.is_finite() else hours


def parse_reminder_form(post: QueryDict) -> tuple[dict[str, Any], dict[str, Any], Errors]:
    """(what was typed, the API's reminder body, errors of the form itself)."""
    values: dict[str, Any] = {name: post.get(name, "").strip() for name in REMINDER_TEXTS}
    values["when"] = AT if post.get("when") == AT else BEFORE
    values.update({name: _checked(post, name) for name in REMINDER_CHECKS})
    data = {name: values[name] for name in REMINDER_TEXTS[2:] + REMINDER_CHECKS}
    # The radio button says which of the two inputs counts; that one must be filled in.
    chosen = "send_at" if values["when"] == AT else "hours_before_start"
    if not values[chosen]:
        return values, data, {chosen: [_("This field is required.")]}
    if values["when"] == AT:
        data["send_at"] = values["send_at"]
    else:
        data["minutes_before_start"] = _minutes(values["hours_before_start"])
    return values, data, {}


def rule_timing(rule: ReminderRule) -> str:
    """ "24 hours before the start", "90 minutes before the start"; "" for a set time."""
    minutes = rule.minutes_before_start
    if minutes is None:
        return ""  # the template shows the set time, in the event's timezone
    if minutes == 0:
        return _("At the start")
    if minutes % 60:
        text = ngettext(
            "%(count)d minute before the start", "%(count)d minutes before the start", minutes
        )
        return text % {"count": minutes}
    hours = minutes // 60
    text = ngettext("%(count)d hour before the start", "%(count)d hours before the start", hours)
    return text % {"count": hours}


def rule_audience(rule: ReminderRule) -> str:
    groups = [_("confirmed people")]
    if rule.include_pending:
        groups.append(_("people awaiting approval"))
    if rule.include_waitlisted:
        groups.append(_("the waiting list"))
    return ", ".join(groups)


def _add_reminder(request: HttpRequest, event: Event, data: dict[str, Any]) -> Errors:
    try:
        fields = validated(ReminderRuleSerializer, data, context={"event": event})
    except INVALID as exc:
        return _errors(exc, REMINDER_LABELS, REMINDER_RENAME)
    notification_reminders.add_rule(event, fields, actor=request.user)
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def event_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values: dict[str, Any] = {"when": BEFORE, "hours_before_start": "24"}
    errors: Errors = {}
    if request.method == "POST" and request.POST.get("action") == "delete":
        rule = _one_of(event.reminder_rules.all(), request.POST.get("rule"))
        notification_reminders.delete_rule(rule, actor=request.user)
        messages.success(request, _("The reminder is deleted."))
        return redirect("web:event-reminders", event.slug)
    if request.method == "POST":
        values, data, errors = parse_reminder_form(request.POST)
        errors = errors or _add_reminder(request, event, data)
        if not errors:
            messages.success(request, _("The reminder is added."))
            return redirect("web:event-reminders", event.slug)
    rules = [(rule, rule_timing(rule), rule_audience(rule)) for rule in event.reminder_rules.all()]
    context = {"rules": rules, "values": values, "errors": errors, "labels": REMINDER_LABELS}
    return _setup_page(
        request,
        "web/setup/event_reminders.html",
        event,
        "web:event-reminders",
        context,
        _status(errors),
    )
