"""Pages of the call for abstracts: submitting, the submitter's private link, the reviewer's
list and review form, and the committee board. Each calls the same service as the API; what
was typed comes back as typed when something is refused, with the errors beside the fields."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from abstracts import (
    access,
    actions,
    confirmation,
    decisions,
    reviewing,
    selectors,
    setup,
    submission,
)
from abstracts.models import Abstract, Call, Decision, Review
from core.api import RateLimited
from core.countries import country_name
from core.exceptions import Conflict, NotFound
from events import access as event_access
from events import selectors as event_selectors
from events import services as event_services
from events.models import Event

from ..forms import NON_FIELD, errors_from

AUTHOR_ROWS = 6  # blank author rows on the form; more authors: through the API
BOARD_PER_PAGE = 50
ERRORS = (ValidationError, APIValidationError, Conflict)


def _public_event(request: HttpRequest, slug: str) -> Event:
    event = event_access.visible_events(request.user).filter(slug=slug).first()
    if event is None:
        raise Http404(_("No event has this address."))
    return event


def _form_data(event: Event, post: QueryDict) -> dict[str, Any]:
    """The form's fields in the shape the API takes."""
    data: dict[str, Any] = {
        name: post.get(name, "") for name in ("title_en", "title_vi", "text_en", "text_vi")
    }
    data["keywords"] = [k.strip() for k in post.get("keywords", "").split(",") if k.strip()]
    for name in ("track", "contribution_type"):
        if post.get(name, "").isdigit():
            data[name] = int(post[name])
    data["topic"] = post.get("topic", "")
    data["authors"] = []
    for row in range(AUTHOR_ROWS):
        fields = {
            key: post.get(f"authors.{row}.{key}", "").strip()
            for key in ("name", "email", "affiliation", "country")
        }
        if any(fields.values()):
            fields["presenting"] = post.get("presenting") == str(row)
            fields["language"] = (get_language() or "en")[:2]
            data["authors"].append(fields)
    data["conflicts"] = [line.strip() for line in post.get("conflicts", "").split() if line]
    data["answers"] = {
        str(q.pk): (f"answers.{q.pk}" in post)
        if q.kind == "checkbox"
        else post.get(f"answers.{q.pk}", "")
        for q in submission.questions_of(event)
    }
    data["consent"] = "consent" in post
    data["language"] = (get_language() or "en")[:2]
    return data


def _as_form(abstract: Abstract) -> QueryDict:
    form = QueryDict(mutable=True)
    for name in ("title_en", "title_vi", "text_en", "text_vi"):
        form[name] = getattr(abstract, name)
    form["keywords"] = ", ".join(abstract.keywords)
    form["track"] = str(abstract.track_id or "")
    form["contribution_type"] = str(abstract.contribution_type_id)
    form["topic"] = abstract.topic.code if abstract.topic else ""
    for row, author in enumerate(abstract.authors.order_by("position")):
        for key in ("name", "email", "affiliation"):
            form[f"authors.{row}.{key}"] = getattr(author, key)
        form[f"authors.{row}.country"] = country_name(author.country) if author.country else ""
        if author.presenting:
            form["presenting"] = str(row)
    for key, value in abstract.answers.items():
        form[f"answers.{key}"] = value
    return form


def _form_context(event: Event, values, errors) -> dict[str, Any]:
    offer = setup.offer(event)
    return {
        "event": event,
        "call": setup.call_of(event),
        "values": values,
        "errors": errors,
        "tracks": [(t.pk, t.name) for t in offer["tracks"]],
        "types": [(t.pk, t.name) for t in offer["contribution_types"]],
        "topics": [(f.code, f.name) for f in offer["topics"]],
        "questions": offer["questions"],
        "author_rows": [str(row) for row in range(AUTHOR_ROWS)],
        "labels": {
            "title_en": _("Title (English)"),
            "text_en": _("Abstract (English)"),
            "text_vi": _("Abstract (Vietnamese)"),
            "track": _("Track"),
            "contribution_type": _("Contribution type"),
            "topic": _("Topic"),
            "authors": _("Authors"),
            "consent": _("Consent"),
        },
    }


def submit(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(request, slug)
    errors: dict[str, list[str]] = {}
    values: Any = QueryDict()
    if request.method == "POST":
        values = request.POST
        try:
            abstract = actions.submit(request, event, _form_data(event, request.POST))
        except RateLimited as exc:
            errors = {NON_FIELD: [exc.message]}
        except ERRORS as exc:
            errors = errors_from(exc)
        else:
            request.session["abstract_welcome"] = abstract.token
            return redirect("my-abstract", token=abstract.token)
    context = {**_form_context(event, values, errors), "open": setup.is_open(setup.call_of(event))}
    return render(request, "web/abstracts/submit.html", context, status=400 if errors else 200)


ANSWERS = {"confirm": actions.confirm, "decline": actions.decline}


def mine(request: HttpRequest, token: str) -> HttpResponse:
    """The private link: the abstract, its state, the form to change it, withdrawing; once
    accepted, the presenting author's answer (confirm or decline)."""
    try:
        abstract = actions.abstract_by_token(request, token)
    except NotFound as exc:
        raise Http404(exc.message) from None
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(abstract.language)
        request.LANGUAGE_CODE = abstract.language
    errors: dict[str, list[str]] = {}
    event = abstract.event
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "withdraw":
                actions.withdraw(abstract)
            elif action in ANSWERS:
                ANSWERS[action](abstract)
            else:
                data = _form_data(event, request.POST)
                data.pop("consent"), data.pop("language")
                actions.edit(abstract, data)
        except ERRORS as exc:
            errors = errors_from(exc)
        else:
            return redirect("my-abstract", token=token)
    abstract = selectors.full(abstract.pk)
    values = request.POST if errors else _as_form(abstract)
    context = {
        **_form_context(event, values, errors),
        "abstract": abstract,
        "editable": submission.can_edit(abstract),
        "can_answer": confirmation.can_answer(abstract),
        "welcome": request.session.pop("abstract_welcome", None) == token,
    }
    return render(request, "web/abstracts/mine.html", context, status=400 if errors else 200)


def _team_event(request: HttpRequest, slug: str, allowed) -> Event:
    event = event_selectors.event_by_slug(slug)
    event_access.remember_roles(request.user)  # one query for this check and `allowed`
    if event is None or event_access.role_of(request.user, event) is None:
        raise Http404(_("No event of yours has this address."))
    if not allowed(request.user, event):
        raise PermissionDenied(_("Your role on this event's team does not allow this."))
    return event


def _reviewer_event(request: HttpRequest, slug: str) -> Event:
    """The event whose abstracts the signed-in reviewer reviews; the page's language becomes
    the language of their reminders (they read and write their reviews in it)."""
    event = _team_event(request, slug, access.is_reviewer)
    event_services.remember_language(event, request.user, get_language())
    return event


@login_required
def reviews(request: HttpRequest, slug: str) -> HttpResponse:
    event = _reviewer_event(request, slug)
    rows = list(reviewing.queue_of(event, request.user))
    done = selectors.reviewed_abstract_ids(request.user, rows)
    context = {"event": event, "rows": rows, "done": done, "call": setup.call_of(event)}
    return render(request, "web/abstracts/reviews.html", context)


@login_required
def review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    event = _reviewer_event(request, slug)
    try:
        abstract = reviewing.abstract_for_reviewer(event, request.user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from None
    criteria = setup.offer(event)["criteria"]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if request.POST.get("action") == "conflict":
                reviewing.declare_conflict(abstract, request.user)
                return redirect("web:reviews", slug=slug)
            data = {
                "scores": {str(c.pk): request.POST.get(f"scores.{c.pk}", "") for c in criteria},
                "recommendation": request.POST.get("recommendation", ""),
                "comment_to_authors": request.POST.get("comment_to_authors", ""),
                "comment_to_committee": request.POST.get("comment_to_committee", ""),
            }
            reviewing.save_review(abstract, request.user, data)
        except ERRORS as exc:
            errors = errors_from(exc)
        else:
            return redirect("web:reviews", slug=slug)
    existing = reviewing.review_of(abstract, request.user)
    if errors:
        values: Any = request.POST
    else:
        values = {f"scores.{k}": str(v) for k, v in (existing.scores if existing else {}).items()}
        if existing:
            for name in ("recommendation", "comment_to_authors", "comment_to_committee"):
                values[name] = getattr(existing, name)
    blind = selectors.blind_mode(event) == Call.Blind.DOUBLE
    context = {
        "event": event,
        "abstract": abstract,
        "authors": [] if blind else list(abstract.authors.order_by("position")),
        "criteria": [
            (c, f"scores.{c.pk}", [(str(n), str(n)) for n in range(1, c.max_score + 1)])
            for c in criteria
        ],
        "recommendations": Review.Recommendation.choices,
        "values": values,
        "errors": errors,
        "labels": {"recommendation": _("Recommendation")},
    }
    return render(request, "web/abstracts/review.html", context, status=400 if errors else 200)


@login_required
def committee(request: HttpRequest, slug: str) -> HttpResponse:
    event = _team_event(request, slug, access.can_decide)
    errors: dict[str, list[str]] = {}
    outcome = None
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        try:
            if not ids:
                raise ValidationError({"ids": [_("Select at least one abstract.")]})
            outcome = decisions.decide_many(
                event, ids, actor=request.user, outcome=request.POST.get("outcome", "")
            )
        except ERRORS as exc:
            errors = errors_from(exc)
    filters = selectors.board_filters(request.GET)
    # A page of rows at a time (two queries: the count and the page), the filters kept in
    # the page links; get_page shows a page for a garbage or out-of-range number.
    page = Paginator(selectors.board_query(event, filters), BOARD_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "event": event,
        "rows": selectors.board_rows(page.object_list),
        "page": page,
        "filters": request.GET,
        **selectors.board_choices(event),
        "statuses": Abstract.Status.choices,
        "outcomes": Decision.Outcome.choices,
        "errors": errors,
        "values": request.POST,
        "outcome": outcome,
        "labels": {"ids": _("Abstracts"), "outcome": _("Decision")},
    }
    return render(request, "web/abstracts/committee.html", context, status=400 if errors else 200)
