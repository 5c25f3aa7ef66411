"""What the set-up pages share: reading a posted form, errors shown next to their fields,
the page frame with its steps."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ValidationError as APIValidationError

from core.exceptions import Conflict
from events.models import Event
from web.forms import NON_FIELD, Errors, errors_from
from web.views.organiser import render_event_page

INVALID = (ValidationError, APIValidationError, Conflict)
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows

STEPS = [
    ("web:event-edit", gettext_lazy("Details")),
    ("web:event-questions", gettext_lazy("Questions")),
    ("web:event-agenda", gettext_lazy("Agenda")),
    ("web:event-team", gettext_lazy("Team")),
    ("web:event-reminders", gettext_lazy("Reminders")),
    ("web:event-call", gettext_lazy("Call for abstracts")),
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
