"""The organisers' set-up pages of the call for abstracts: the call (its window, how reviewing
runs, the tracks, contribution types, review criteria and extra questions) and the reviewers'
tracks and affiliations.

The form becomes the body `PUT …/call-for-abstracts/` takes and goes to the function that API
calls (`abstracts.setup.set_up`): one set of rules for both; so does each reviewer's form
(`abstracts.reviewing.scope_reviewer`, as `PUT …/reviewers/{user_id}/`). Each list of the call
is shown as rows, the saved items first (their id in a hidden field, so a new name keeps the
abstracts that use them), then a few empty rows for new items; a new row without a name is not sent.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from abstracts import reviewing, selectors, setup
from abstracts.models import QUESTION_KINDS, Call
from core.exceptions import NotFound
from events.models import Event
from web.forms import NON_FIELD, Errors, errors_from
from web.views.organiser import CHANGE, team_event

from .setup_forms import INVALID, _checked, _local_input, _setup_page, _status

CALL_LABELS = {
    "opens_at": gettext_lazy("Submissions open"),
    "closes_at": gettext_lazy("Submissions close"),
    "review_deadline": gettext_lazy("Reviews due"),
    "word_limit": gettext_lazy("Word limit (in each language)"),
    "reviewers_per_abstract": gettext_lazy("Reviewers per abstract"),
    "blind": gettext_lazy("Blind review"),
    "remind_hours_before": gettext_lazy("Remind reviewers (hours before the deadline)"),
    "tracks": gettext_lazy("Tracks"),
    "contribution_types": gettext_lazy("Contribution types"),
    "criteria": gettext_lazy("Review criteria"),
    "questions": gettext_lazy("Extra questions"),
}
CALL_MOMENTS = ("opens_at", "closes_at", "review_deadline")
CALL_SETTINGS = ("word_limit", "reviewers_per_abstract", "blind", "remind_hours_before")
KINDS = tuple(QUESTION_KINDS)
BLANK_ROWS = 2  # empty rows under each list; more items: save, and two more appear


@dataclass(frozen=True)
class Column:
    """One field of a list's rows, as the form shows it."""

    name: str
    label: Promise
    type: str = "text"
    default: Any = ""  # what an empty row holds
    options: tuple = ()
    maxlength: int | None = None


NAMES = (
    Column("name_en", gettext_lazy("Name (English)"), maxlength=200),
    Column("name_vi", gettext_lazy("Name (Vietnamese)"), maxlength=200),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "tracks": NAMES,
    "contribution_types": (
        *NAMES,
        Column("minutes", gettext_lazy("Length (minutes)"), "number", "15"),
        Column("is_poster", gettext_lazy("A poster (not a talk)"), "checkbox", False),
    ),
    "criteria": (
        *NAMES,
        Column("max_score", gettext_lazy("Highest score (2 to 10)"), "number", "5"),
    ),
    "questions": (
        Column("label_en", gettext_lazy("Question (English)"), maxlength=300),
        Column("label_vi", gettext_lazy("Question (Vietnamese)"), maxlength=300),
        Column("kind", gettext_lazy("Kind of answer"), "select", "short_text", KINDS),
        Column("required", gettext_lazy("Answer required"), "checkbox", False),
    ),
}
ROW_NAMES = {
    "tracks": gettext_lazy("Track %(number)d"),
    "contribution_types": gettext_lazy("Contribution type %(number)d"),
    "criteria": gettext_lazy("Criterion %(number)d"),
    "questions": gettext_lazy("Question %(number)d"),
}
LIST_HELP = {
    "tracks": gettext_lazy(
        "Optional. With tracks, submitters choose one, and reviewers can be given tracks. "
        "A new row without a name is not added."
    ),
    "contribution_types": gettext_lazy(
        "What a contribution may be: talks, posters, or what you name. Submitters choose one. "
        "A new row without a name is not added."
    ),
    "criteria": gettext_lazy(
        "What reviewers score, each from 1 to its highest score. "
        "A new row without a name is not added."
    ),
    "questions": gettext_lazy(
        "Optional. Asked of every submitter besides the abstract itself. "
        "A new row without a question is not added."
    ),
}
# "tracks.3.name_en": a field of the fourth row of the tracks (at most 1000 rows are read).
ROW_FIELD = re.compile(r"^(" + "|".join(COLUMNS) + r")\.(\d{1,3})\.")

Rows = dict[str, list[dict[str, Any]]]


def _row(name: str, index: int, pk: int | None, used: dict[str, dict[int, int]]) -> dict:
    return {
        "index": index,
        "prefix": f"{name}.{index}.",
        "pk": pk,
        # Abstracts point at tracks and types: those in use cannot be removed, only renamed.
        "used": used.get(name, {}).get(pk, 0) if pk else 0,
    }


def _typed(post: QueryDict, prefix: str, column: Column) -> Any:
    if column.type == "checkbox":
        return _checked(post, prefix + column.name)
    return post.get(prefix + column.name, "").strip()


def parse_call_form(
    post: QueryDict, used: dict[str, dict[int, int]]
) -> tuple[dict[str, Any], Rows, dict[str, Any], dict[str, list[int]]]:
    """(what was typed, the rows as shown, the API's body, the row each sent item came from)."""
    values: dict[str, Any] = {
        name: post.get(name, "").strip() for name in CALL_MOMENTS + CALL_SETTINGS
    }
    data: dict[str, Any] = {name: values[name] for name in CALL_SETTINGS}
    for name in CALL_MOMENTS:
        if values[name]:
            data[name] = values[name]
        elif name == "review_deadline":
            data[name] = None  # emptied: no deadline
        # An empty opening or closing is left out, so the serializer says it is required.
    indexes: dict[str, set[int]] = {name: set() for name in COLUMNS}
    for key in post:
        if found := ROW_FIELD.match(key):
            indexes[found[1]].add(int(found[2]))
    rows: Rows = {name: [] for name in COLUMNS}
    sent: dict[str, list[int]] = {name: [] for name in COLUMNS}
    for name, columns in COLUMNS.items():
        if not indexes[name]:
            continue  # a list the form did not show stays as it is
        data[name] = []
        for index in sorted(indexes[name]):
            prefix = f"{name}.{index}."
            pk_text = post.get(prefix + "id", "").strip()
            pk = int(pk_text) if pk_text.isdigit() else None
            item = {column.name: _typed(post, prefix, column) for column in columns}
            remove = pk is not None and _checked(post, prefix + "remove")
            values.update({prefix + field: value for field, value in item.items()})
            values[prefix + "remove"] = remove
            rows[name].append(_row(name, index, pk, used))
            named = any(item[c.name] for c in columns if c.type == "text")
            if remove or (pk is None and not named):
                continue  # removed, or a new row without a name: an empty row
            data[name].append({"id": pk, **item} if pk is not None else item)
            sent[name].append(index)
    return values, rows, data, sent


def call_values(
    event: Event, call: Call | None, offer: dict[str, list], used: dict[str, dict[int, int]]
) -> tuple[dict[str, Any], Rows]:
    """The form filled in with the call as saved (times on the event's clock), or, before there
    is one, with the defaults: a talk and a poster, three criteria."""
    values: dict[str, Any] = {}
    for name in CALL_MOMENTS:
        values[name] = _local_input(event, getattr(call, name)) if call else ""
    for name in CALL_SETTINGS:
        value = getattr(call, name) if call else Call._meta.get_field(name).default
        values[name] = str(value)
    rows: Rows = {}
    for name, columns in COLUMNS.items():
        rows[name] = []
        items: list[tuple[int | None, dict[str, Any]]] = [
            (item.pk, {c.name: getattr(item, c.name) for c in columns}) for item in offer[name]
        ]
        if call is None and name == "contribution_types":
            items = [(None, dict(item)) for item in setup.DEFAULT_TYPES]
        elif call is None and name == "criteria":
            items = [(None, dict(item)) for item in setup.DEFAULT_CRITERIA]
        items += [(None, {})] * BLANK_ROWS
        for index, (pk, item) in enumerate(items):
            row = _row(name, index, pk, used)
            for column in columns:
                value = item.get(column.name, column.default)
                typed = value if column.type == "checkbox" else str(value)
                values[row["prefix"] + column.name] = typed
            rows[name].append(row)
    return values, rows


def call_errors(exc: Exception, sent: dict[str, list[int]]) -> Errors:
    """Errors keyed by the form's fields: the API names an item by its place in the list sent
    ("tracks.0.name_en"), the form by its row; an error of a whole list goes beside the list,
    anything the form has no field for on top."""
    errors: Errors = {}
    for key, found in errors_from(exc).items():
        head, _dot, rest = key.partition(".")
        place, _dot, field = rest.partition(".")
        fields = {column.name for column in COLUMNS.get(head, ())}
        if place.isdigit() and int(place) < len(sent.get(head, [])) and field in fields:
            key = f"{head}.{sent[head][int(place)]}.{field}"
        elif head in COLUMNS:
            key = head
        elif key not in CALL_LABELS:
            key = NON_FIELD
        errors.setdefault(key, []).extend(found)
    return errors


def _sections(rows: Rows) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each list with its rows, numbered; and a label for every field, for the error summary."""
    labels: dict[str, Any] = dict(CALL_LABELS)
    sections = []
    for name, columns in COLUMNS.items():
        for number, row in enumerate(rows[name], start=1):
            row["legend"] = ROW_NAMES[name] % {"number": number}
            for column in columns:
                labels[row["prefix"] + column.name] = f"{row['legend']}: {column.label}"
        sections.append(
            {
                "name": name,
                "label": CALL_LABELS[name],
                "help": LIST_HELP[name],
                "columns": columns,
                "rows": rows[name],
            }
        )
    return sections, labels


@login_required
@require_http_methods(["GET", "POST"])
def event_call(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner and organisers set up the call (as `PUT …/call-for-abstracts/` allows)."""
    event = team_event(request, slug, need=CHANGE)
    call = setup.call_of(event)
    used = selectors.items_in_use(event)
    errors: Errors = {}
    if request.method == "POST":
        values, rows, data, sent = parse_call_form(request.POST, used)
        try:
            setup.set_up(event, actor=request.user, data=data)
        except INVALID as exc:
            errors = call_errors(exc, sent)
        else:
            messages.success(request, _("The call for abstracts is saved."))
            return redirect("web:event-call", event.slug)
    offer = setup.offer(event)
    if request.method == "GET":
        values, rows = call_values(event, call, offer, used)
    sections, labels = _sections(rows)
    context = {
        "call": call,
        "is_open": setup.is_open(call),
        "topics": offer["topics"],
        "own_topics": event.fields.exists(),
        "sections": sections,
        "blind_options": Call.Blind.choices,
        "values": values,
        "errors": errors,
        "labels": labels,
    }
    return _setup_page(
        request, "web/abstracts/setup.html", event, "web:event-call", context, _status(errors)
    )


# --- Reviewers ------------------------------------------------------------------------------


def _reviewer_values(reviewers: list, scopes: dict) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for reviewer in reviewers:
        scope = scopes.get(reviewer.pk)
        values[f"reviewers.{reviewer.pk}.affiliation"] = scope.affiliation if scope else ""
        values[f"reviewers.{reviewer.pk}.tracks"] = (
            [str(track.pk) for track in scope.tracks.all()] if scope else []
        )
    return values


@login_required
@require_http_methods(["GET", "POST"])
def event_reviewers(request: HttpRequest, slug: str) -> HttpResponse:
    """Which tracks each reviewer reviews (none: the whole event) and where they work, which
    the conflict-of-interest check compares with the authors'. A form per reviewer."""
    event = team_event(request, slug, need=CHANGE)
    reviewers = reviewing.reviewers_of(event)
    values = _reviewer_values(reviewers, selectors.reviewer_scopes(event))
    errors: Errors = {}
    if request.method == "POST":
        pk = request.POST.get("reviewer", "")
        prefix = f"reviewers.{pk}."
        typed = {
            "affiliation": request.POST.get(prefix + "affiliation", "").strip(),
            "tracks": request.POST.getlist(prefix + "tracks"),
        }
        try:
            if not pk.isdigit():
                raise NotFound(_("This person is not a reviewer of this event."))
            reviewing.scope_reviewer(event, int(pk), actor=request.user, data=typed)
        except NotFound as exc:
            raise Http404(exc.message) from None
        except INVALID as exc:
            for key, found in errors_from(exc).items():
                name = key.split(".")[0]
                field = prefix + name if name in typed else NON_FIELD
                errors.setdefault(field, []).extend(found)
            values.update({prefix + name: value for name, value in typed.items()})
        else:
            messages.success(request, _("The reviewer's tracks are saved."))
            return redirect("web:event-reviewers", event.slug)
    labels: dict[str, Any] = {}
    for reviewer in reviewers:
        who = reviewer.get_full_name() or reviewer.get_username()
        labels[f"reviewers.{reviewer.pk}.affiliation"] = f"{who}: {_('Affiliation')}"
        labels[f"reviewers.{reviewer.pk}.tracks"] = f"{who}: {_('Tracks')}"
    context = {
        "reviewers": reviewers,
        "tracks": [(str(track.pk), track.name) for track in setup.offer(event)["tracks"]],
        "values": values,
        "errors": errors,
        "labels": labels,
    }
    return _setup_page(
        request,
        "web/abstracts/reviewers.html",
        event,
        "web:event-call",
        context,
        _status(errors),
    )
