"""The set-up page of an event's registration questions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from registration import questions as registration_questions
from registration.models import Question
from registration.serializers import QuestionSerializer
from web.forms import Errors, validated
from web.views.organiser import CHANGE, team_event

from .setup_forms import INVALID, _checked, _errors, _lines, _on_top, _one_of, _setup_page, _status

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
            registration_questions.delete_question(question, actor=request.user)
        except INVALID as exc:
            errors = _on_top(exc)
        else:
            messages.success(request, _("The question is deleted."))
            return redirect("web:event-questions", event.slug)
    elif request.method == "POST":
        values, data = parse_question_form(request.POST)
        try:
            fields = validated(QuestionSerializer, data)
            registration_questions.save_question(
                event, fields, actor=request.user, question=editing
            )
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
