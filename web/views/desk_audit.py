"""The event's audit log page."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from events import audit as audit_text
from events import selectors as event_selectors

from .desk import _page
from .organiser import VIEW, render_event_page, team_event

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
    entries = event_selectors.audit_log(event)
    page = _page(request, entries)
    # Sentences name people; the registration ids behind them are not shown.
    rows = [
        (entry, sentence, _change_lines(_without_ids(entry.changes)))
        for entry, sentence in zip(page, audit_text.sentences(page), strict=True)
    ]
    return render_event_page(
        request, "web/desk/audit.html", event, tab="audit", context={"page": page, "rows": rows}
    )
