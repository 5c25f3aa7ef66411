"""The set-up page of an event's agenda: sessions and their speakers."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from events import services as event_services
from events.agenda_models import Session
from events.models import Event
from events.serializers import (
    SessionSerializer,
)
from web.forms import Errors, validated
from web.views.organiser import CHANGE, team_event

from .setup_forms import INVALID, _errors, _lines, _local_input, _one_of, _setup_page, _status

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
