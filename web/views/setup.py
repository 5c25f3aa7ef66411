"""Organiser pages that set an event up: details, questions, agenda, team, reminders, publish.

Each page parses its form into a plain dict, runs the API's own serializer over it and calls
the same service as the API, so every rule lives in one place and reads the same both ways.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError as APIValidationError

from config import ratelimit
from events import access, invitations
from events import services as event_services
from events.exceptions import Conflict
from events.models import Event, FieldOfScience, Session, TeamMembership
from events.serializers import (
    CancelSerializer,
    EventSerializer,
    InvitationSerializer,
    SessionSerializer,
    TeamMemberSerializer,
    TeamRoleSerializer,
)
from notifications import services as notification_services
from notifications.models import ReminderRule
from notifications.serializers import ReminderRuleSerializer
from registration import services as registration_services
from registration.models import Question
from registration.serializers import QuestionSerializer
from web.form_values import country_code
from web.forms import NON_FIELD, Errors, errors_from, validated
from web.views.organiser import CHANGE, render_event_page, team_event
from web.views.programme_requests import details_context

INVALID = (ValidationError, APIValidationError, Conflict)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows

STEPS = [
    ("web:event-edit", gettext_lazy("Details")),
    ("web:event-questions", gettext_lazy("Questions")),
    ("web:event-agenda", gettext_lazy("Agenda")),
    ("web:event-team", gettext_lazy("Team")),
    ("web:event-reminders", gettext_lazy("Reminders")),
    ("web:event-preview", gettext_lazy("Preview & publish")),
]


# --- Shared ---------------------------------------------------------------------------------


def _errors(exc: Exception, labels: dict[str, Any], rename: dict[str, str] | None = None) -> Errors:
    """Errors keyed by this form's field names.

    Serializers name some fields differently from the form ("venue.city", "title"), and a
    line of a one-per-line textarea comes back as "choices.2.capacity": that becomes an error
    of the textarea saying which line. Anything else the form has no field for goes on top.
    """
    errors: Errors = {}
    for key, found in errors_from(exc).items():
        name, prefix = (rename or {}).get(key, key), ""
        if name not in labels and name != NON_FIELD:
            head, _dot, rest = name.partition(".")
            index = rest.split(".")[0]
            if head in labels and index.isdigit():
                prefix = _("Line %(number)d: ") % {"number": int(index) + 1}
            name = head if head in labels else NON_FIELD
        errors.setdefault(name, []).extend(prefix + message for message in found)
    return errors


def _on_top(exc: Exception) -> Errors:
    """For buttons beside a list (delete, change role): their errors belong to no field."""
    return {NON_FIELD: [m for found in errors_from(exc).values() for m in found]}


def _one_of(queryset: QuerySet, pk: str | None) -> Model:
    """The row a button names; a made-up id answers 404, never 500."""
    if not (pk or "").isdigit():
        raise Http404(_("Nothing here has this number."))
    return get_object_or_404(queryset, pk=int(pk))


def _checked(post: QueryDict, name: str) -> bool:
    return bool(post.get(name))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _local_input(event: Event, moment) -> str:
    return event.local(moment).strftime(DATETIME_LOCAL) if moment else ""


def _setup_page(
    request: HttpRequest,
    template: str,
    event: Event,
    step: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    response = render_event_page(
        request, template, event, tab="setup", context={"steps": STEPS, "step": step, **context}
    )
    response.status_code = status
    return response


def _status(errors: Errors) -> int:
    return 400 if errors else 200


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
    chosen = FieldOfScience.objects.filter(code__in=values.get("fields") or [])
    majors = FieldOfScience.objects.filter(parent__isnull=True)
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


# --- Questions ------------------------------------------------------------------------------

QUESTION_LABELS = {
    "label_en": gettext_lazy("Question (English)"),
    "label_vi": gettext_lazy("Question (Vietnamese)"),
    "kind": gettext_lazy("Kind of answer"),
    "required": gettext_lazy("Answer required"),
    "choices": gettext_lazy("Choices"),
}
QUESTION_RENAME = {"label": "label_en"}


def _choice(line: str) -> dict[str, Any]:
    """ "Workshop A|Hội thảo A|30": the label in English and Vietnamese, and the seats.

    "Workshop A|30" (no Vietnamese label) uses one label for both languages; an empty seats
    part ("Workshop A|Hội thảo A|") means no limit.
    """
    parts = [part.strip() for part in line.split("|")]
    if len(parts) == 1:
        return {"label_en": line, "label_vi": line, "capacity": None}
    if len(parts) == 2:
        # A capacity that is not a number goes to the serializer as typed, which says so.
        return {"label_en": parts[0], "label_vi": parts[0], "capacity": parts[1] or None}
    english, vietnamese, capacity = parts[0], parts[1], "|".join(parts[2:])
    return {"label_en": english, "label_vi": vietnamese, "capacity": capacity or None}


def _kept_choices(post: QueryDict) -> list[dict[str, Any]]:
    """The choices an edit form lists one by one, by id: a new label keeps who chose it."""
    kept = []
    for pk in post.getlist("choice"):
        if not pk.isdigit() or _checked(post, f"choice.{pk}.remove"):
            continue
        kept.append(
            {
                "id": int(pk),
                "label_en": post.get(f"choice.{pk}.label_en", "").strip(),
                "label_vi": post.get(f"choice.{pk}.label_vi", "").strip(),
                "capacity": post.get(f"choice.{pk}.capacity", "").strip() or None,
            }
        )
    return kept


def parse_question_form(post: QueryDict) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {name: post.get(name, "").strip() for name in QUESTION_LABELS}
    values["required"] = _checked(post, "required")
    data = {name: values[name] for name in ("label_en", "label_vi", "kind", "required")}
    data["choices"] = _kept_choices(post) + [_choice(line) for line in _lines(values["choices"])]
    return values, data


def question_values(question: Question) -> dict[str, Any]:
    """An edit form filled in with the question as saved; its choices are listed one by one."""
    names = ("label_en", "label_vi", "kind", "required")
    return {name: getattr(question, name) for name in names} | {"choices": ""}


@login_required
@require_http_methods(["GET", "POST"])
def event_questions(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values: dict[str, Any] = {"kind": Question.Kind.SHORT_TEXT}
    errors: Errors = {}
    action = request.POST.get("action") if request.method == "POST" else None
    # The question being edited: named by the row's Edit link (GET) or the edit form (POST).
    editing = None
    if action == "edit" or (request.method == "GET" and "edit" in request.GET):
        pk = request.POST.get("question") if action == "edit" else request.GET.get("edit")
        editing = _one_of(event.questions.all(), pk)
        values = question_values(editing)
    if action == "delete":
        question = _one_of(event.questions.all(), request.POST.get("question"))
        try:
            registration_services.delete_question(question, actor=request.user)
        except INVALID as exc:
            errors = _on_top(exc)
        else:
            messages.success(request, _("The question is deleted."))
            return redirect("web:event-questions", event.slug)
    elif request.method == "POST":
        values, data = parse_question_form(request.POST)
        try:
            fields = validated(QuestionSerializer, data)
            registration_services.save_question(event, fields, actor=request.user, question=editing)
        except INVALID as exc:
            errors = _errors(exc, QUESTION_LABELS, QUESTION_RENAME)
        else:
            done = _("The question is saved.") if editing else _("The question is added.")
            messages.success(request, done)
            return redirect("web:event-questions", event.slug)
    context = {
        "questions": event.questions.prefetch_related("choices"),
        "editing": editing,
        "edited_choices": _edited_choices(editing, request.POST if action == "edit" else None),
        "values": values,
        "errors": errors,
        "labels": QUESTION_LABELS,
        "kind_options": Question.Kind.choices,
    }
    return _setup_page(
        request,
        "web/setup/event_questions.html",
        event,
        "web:event-questions",
        context,
        _status(errors),
    )


def _edited_choices(question: Question | None, post: QueryDict | None) -> list[dict[str, Any]]:
    """The saved choices of the question being edited, as typed again after an error."""
    if question is None:
        return []
    rows = []
    for choice in question.choices.all():
        row = {
            "pk": choice.pk,
            "label_en": choice.label_en,
            "label_vi": choice.label_vi,
            "capacity": "" if choice.capacity is None else choice.capacity,
            "taken": choice.taken,
            "remove": False,
        }
        if post is not None:
            for name in ("label_en", "label_vi", "capacity"):
                row[name] = post.get(f"choice.{choice.pk}.{name}", row[name])
            row["remove"] = _checked(post, f"choice.{choice.pk}.remove")
        rows.append(row)
    return rows


# --- Agenda ---------------------------------------------------------------------------------

SESSION_LABELS = {
    "title_en": gettext_lazy("Title (English)"),
    "title_vi": gettext_lazy("Title (Vietnamese)"),
    "start": gettext_lazy("Starts"),
    "end": gettext_lazy("Ends"),
    "room": gettext_lazy("Room"),
    "speakers": gettext_lazy("Speakers"),
}
SESSION_RENAME = {"title": "title_en"}


def _speaker(line: str) -> dict[str, str]:
    """ "Name, affiliation": the affiliation is everything after the first comma."""
    name, _comma, affiliation = line.partition(",")
    return {"name": name.strip(), "affiliation": affiliation.strip()}


def parse_session_form(post: QueryDict) -> tuple[dict[str, Any], dict[str, Any]]:
    values: dict[str, Any] = {name: post.get(name, "").strip() for name in SESSION_LABELS}
    data: dict[str, Any] = {name: values[name] for name in ("title_en", "title_vi", "room")}
    # An empty time is left out, so the serializer says it is required.
    data.update({name: values[name] for name in ("start", "end") if values[name]})
    data["speakers"] = [_speaker(line) for line in _lines(values["speakers"])]
    return values, data


@login_required
@require_http_methods(["GET", "POST"])
def event_agenda(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values: dict[str, Any] = {}
    errors: Errors = {}
    action = request.POST.get("action") if request.method == "POST" else None
    # The session being edited: named by the row's Edit link (GET) or the edit form (POST).
    editing = None
    if action == "edit" or (request.method == "GET" and "edit" in request.GET):
        pk = request.POST.get("session") if action == "edit" else request.GET.get("edit")
        editing = _one_of(event.sessions.all(), pk)
        values = session_values(event, editing)
    if action == "delete":
        session = _one_of(event.sessions.all(), request.POST.get("session"))
        event_services.delete_session(session, user=request.user)
        messages.success(request, _("The session is deleted."))
        return redirect("web:event-agenda", event.slug)
    if request.method == "POST":
        values, data = parse_session_form(request.POST)
        try:
            fields = validated(SessionSerializer, data, context={"event": event})
            event_services.save_session(event, user=request.user, data=fields, session=editing)
        except INVALID as exc:
            errors = _errors(exc, SESSION_LABELS, SESSION_RENAME)
        else:
            done = _("The session is saved.") if editing else _("The session is added.")
            messages.success(request, done)
            return redirect("web:event-agenda", event.slug)
    context = {
        "sessions": event.sessions.prefetch_related("speakers"),
        "editing": editing,
        "values": values,
        "errors": errors,
        "labels": SESSION_LABELS,
    }
    return _setup_page(
        request, "web/setup/event_agenda.html", event, "web:event-agenda", context, _status(errors)
    )


def session_values(event: Event, session: Session) -> dict[str, Any]:
    """An edit form filled in with the session as saved, its times on the event's clock."""
    speakers = [
        f"{speaker.name}, {speaker.affiliation}" if speaker.affiliation else speaker.name
        for speaker in session.speakers.all()
    ]
    return {
        "title_en": session.title_en,
        "title_vi": session.title_vi,
        "start": _local_input(event, session.start),
        "end": _local_input(event, session.end),
        "room": session.room,
        "speakers": "\n".join(speakers),
    }


# --- Team -----------------------------------------------------------------------------------

TEAM_LABELS = {
    "user": gettext_lazy("Username or email"),
    "role": gettext_lazy("Role"),
}
# The roles the API lets the owner give; the owner is the one who created the event.
GIVEN_ROLES = [
    (TeamMembership.Role.ORGANISER.value, TeamMembership.Role.ORGANISER.label),
    (TeamMembership.Role.CHECKIN.value, TeamMembership.Role.CHECKIN.label),
]


def _team_action(request: HttpRequest, event: Event) -> tuple[str, dict[str, Any], Errors]:
    """Carry out what the owner asked: (success message, values typed, errors)."""
    post, team = request.POST, TeamMembership.objects.filter(event=event).select_related("user")
    action = post.get("action", "add")
    if action == "role":
        membership = _one_of(team, post.get("member"))
        try:
            role = validated(TeamRoleSerializer, {"role": post.get("role", "")})["role"]
            event_services.change_team_role(membership, user=request.user, role=role)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("The role is changed."), {}, {}
    if action == "remove":
        membership = _one_of(team, post.get("member"))
        try:
            event_services.remove_team_member(membership, user=request.user)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("They are no longer on the team."), {}, {}
    if action == "withdraw":
        invited = _one_of(invitations.pending(event), post.get("invitation"))
        try:
            invitations.withdraw(invited, user=request.user)
        except INVALID as exc:
            return "", {}, _on_top(exc)
        return _("The invitation is withdrawn: its link no longer works."), {}, {}
    values = {name: post.get(name, "").strip() for name in TEAM_LABELS}
    try:
        ratelimit.limit(request, "team-add")  # the same counter as the API's
    except ratelimit.RateLimited as exc:
        return "", values, {NON_FIELD: [exc.message]}
    if "@" in values["user"]:
        # An address is invited, never looked up: the same answer whether or not an account
        # has it, so the page reveals no account and no address.
        try:
            fields = validated(
                InvitationSerializer, {"email": values["user"], "role": values["role"]}
            )
            invitations.invite(event, user=request.user, email=fields["email"], role=fields["role"])
        except INVALID as exc:
            return "", values, _errors(exc, TEAM_LABELS, {"email": "user"})
        return _("Invitation sent."), {}, {}
    try:
        fields = validated(TeamMemberSerializer, values)
        event_services.add_team_member(
            event, user=request.user, member=fields["user"], role=fields["role"]
        )
    except INVALID as exc:
        return "", values, _errors(exc, TEAM_LABELS)
    return _("They are on the team now."), {}, {}


@login_required
@require_http_methods(["GET", "POST"])
def event_team(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    # As in the API: the team may look, only the owner changes who is on it.
    is_owner = access.is_owner(request.user, event)
    values: dict[str, Any] = {"role": TeamMembership.Role.ORGANISER.value}
    errors: Errors = {}
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only the owner of the event changes its team."))
        done, typed, errors = _team_action(request, event)
        if not errors:
            messages.success(request, done)
            return redirect("web:event-team", event.slug)
        values.update(typed)
    context = {
        "members": TeamMembership.objects.filter(event=event).select_related("user"),
        "invitations": invitations.pending(event) if is_owner else [],
        "is_owner": is_owner,
        "owner_role": TeamMembership.Role.OWNER.value,
        "role_options": GIVEN_ROLES,
        "values": values,
        "errors": errors,
        "labels": TEAM_LABELS,
    }
    return _setup_page(
        request, "web/setup/event_team.html", event, "web:event-team", context, _status(errors)
    )


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
    notification_services.add_rule(event, fields, actor=request.user)
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def event_reminders(request: HttpRequest, slug: str) -> HttpResponse:
    event = team_event(request, slug, need=CHANGE)
    values: dict[str, Any] = {"when": BEFORE, "hours_before_start": "24"}
    errors: Errors = {}
    if request.method == "POST" and request.POST.get("action") == "delete":
        rule = _one_of(event.reminder_rules.all(), request.POST.get("rule"))
        notification_services.delete_rule(rule, actor=request.user)
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
