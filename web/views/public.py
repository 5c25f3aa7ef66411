"""The public site: the event list and calendar, the event page, registering, lost links."""

import calendar
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as APIValidationError

from core import response_cache
from core.api import RateLimited, with_retry_after
from core.conditional import etag_of
from core.countries import FIRST as FIRST_COUNTRY
from core.countries import country_name
from core.exceptions import Conflict
from events import access, freshness, read_cache
from events import selectors as event_selectors
from events.filters import EventFilter
from events.models import Event, ParticipantType
from registration import actions as registration_actions
from registration import figures as registration_figures
from registration.models import Question

from ..forms import NON_FIELD, answers_from, errors_from

PAGE_SIZE = 24


def _month(value: str | None) -> date | None:
    try:
        return datetime.strptime(value or "", "%Y-%m").date().replace(day=1)
    except ValueError:
        return None


def _list_filters(request: HttpRequest, state: str) -> dict[str, Any]:
    # Fields and cities change only with the public events (`state` names them): one entry.
    choices = read_cache.cached(
        f"filters:{state}",
        lambda: {
            "fields": list(event_selectors.major_fields()),
            "cities": list(event_selectors.published_cities()),
        },
    )
    return {**choices, "scopes": Event.Scope.choices, "kinds": Event.Kind.choices}


# Anonymous readers get whole stored answers (core.response_cache) while these probes, one
# query each, find what the page shows unchanged: the public events' dates and the seat
# counters the page showed; an event's dates and its seat counter.


def _home_state(request: HttpRequest, kwargs: dict[str, Any], shown: Any) -> list[Any]:
    # The calendar opens on this month: the day is part of what the page shows.
    return [timezone.localdate(), *registration_figures.public_list_state(shown)]


def _event_state(request: HttpRequest, kwargs: dict[str, Any], shown: Any) -> list[Any] | None:
    return registration_figures.public_event_state(kwargs["slug"])


@response_cache.shared(_home_state, version_key=read_cache.VERSION_KEY)
def home(request: HttpRequest) -> HttpResponse:
    """Upcoming published events, filtered, as a list or as a month calendar."""
    view = "calendar" if request.GET.get("view") == "calendar" else "list"
    state = freshness.public_state()  # the key to what is cached of the public list
    month = _month(request.GET.get("month"))
    events = event_selectors.published_events()
    params = request.GET.copy()
    params.pop("status", None)  # the public list shows published events only
    filterset = EventFilter(params, queryset=events)
    events = filterset.qs if filterset.is_valid() else events.none()
    errors = {name: list(errs) for name, errs in filterset.errors.items()}
    if request.GET.get("month") and month is None:
        errors["month"] = [_("Pick a month such as 2026-12.")]

    if view == "calendar":
        month = month or timezone.localdate().replace(day=1)
        context = _calendar(events, month)
    else:
        if month:
            following = (month + timedelta(days=32)).replace(day=1)
            events = events.filter(start__date__gte=month, start__date__lt=following)
        else:
            events = events.filter(end__gte=timezone.now())
        key = freshness.public_key(request, "home", state)
        page = read_cache.page_of(
            events.order_by("start", "id"), PAGE_SIZE, request.GET.get("page"), key=key
        )
        for event in page:
            event.availability = registration_figures.availability(event)
        # The cards are rendered once per page and seat state (the template's {% cache %}).
        seats = [(event.pk, sorted(event.availability.items())) for event in page]
        context = {"page": page, "cards_key": etag_of(key, seats)}
    shown = registration_figures.seats_shown(page) if view == "list" else []
    context.update(
        view=view,
        month=month,
        errors=errors,
        values=request.GET,
        read_cache_seconds=read_cache.timeout(),
        **_list_filters(request, state),
    )
    response = render(request, "web/home.html", context, status=400 if errors else 200)
    response.shown = shown  # the seat counters it showed: its stored answer's state
    return response


def _calendar(events, month: date) -> dict[str, Any]:
    """A Monday-first grid of the month with the events starting on each day."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    first, last = weeks[0][0], weeks[-1][-1]
    by_day: dict[date, list[Event]] = {}
    for event in events.filter(start__date__gte=first - timedelta(days=1)).filter(
        start__date__lte=last + timedelta(days=1)
    ):
        by_day.setdefault(event.local(event.start).date(), []).append(event)
    return {
        "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
        "previous_month": (month - timedelta(days=1)).strftime("%Y-%m"),
        "next_month": (month + timedelta(days=32)).strftime("%Y-%m"),
        "weekdays": [calendar.day_abbr[i] for i in range(7)],
    }


def _public_event(request: HttpRequest, slug: str) -> Event:
    """A published or cancelled event, or a draft its own team is previewing."""
    event = (
        access.visible_events(request.user)
        .filter(slug=slug)
        .select_related("seats", "host", "programme")
        .first()
    )
    if event is None:
        raise Http404(_("There is no event at this address."))
    return event


@response_cache.shared(_event_state, version_key=read_cache.VERSION_KEY)
def event_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(request, slug)
    sessions = event.sessions.prefetch_related("speakers").order_by("start")
    venue = ", ".join(
        part for part in (event.venue_name, event.venue_address, event.venue_city) if part
    )
    context = {
        "event": event,
        "availability": registration_figures.availability(event),
        # The facts and agenda are a fragment cached by the event's change date and this
        # version (the template's {% cache %}): the querysets below run only to render it.
        "read_version": read_cache.version(),
        "read_cache_seconds": read_cache.timeout(),
        "sessions": sessions,
        "partners": event.partners.all(),
        "fields": event.fields.all(),
        "venue": venue,
        "map_url": (
            f"https://www.openstreetmap.org/search?query={quote_plus(venue)}" if venue else ""
        ),
        "calendar_url": reverse("event-calendar", args=[event.slug]),
    }
    response = render(request, "web/event.html", context)
    # The seat counter it showed, as its stored answer's state: a registration after the
    # probe and one cancelled after it would bring the counter back to what the probe read.
    seats = getattr(event, "seats", None)
    response.shown = seats.taken if seats is not None else None
    return response


# --- Registering ----------------------------------------------------------------------------


def _registration_data(event: Event, questions: list[Question], post) -> dict[str, Any]:
    data = {
        name: post.get(name, "").strip()
        for name in ("name", "email", "affiliation", "country", "participant_type")
    }
    if not data["participant_type"]:
        data.pop("participant_type")
    data["language"] = get_language() or "en"
    data["consent"] = "consent" in post
    data["public_listing"] = "public_listing" in post
    data["answers"] = answers_from(questions, post)
    return data


def _offered_types(event: Event) -> list[tuple[str, str]]:
    offered = event.participant_types or list(ParticipantType.values)
    return [(value, label) for value, label in ParticipantType.choices if value in offered]


def register(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(request, slug)
    questions = list(event.questions.prefetch_related("choices").order_by("position", "pk"))
    errors: dict[str, list[str]] = {}
    values: Any = {}
    limited: RateLimited | None = None
    if request.method == "POST":
        values = request.POST
        data = _registration_data(event, questions, request.POST)
        try:
            # The API's action: the same limits and rules, not dodged by switching channel.
            registration = registration_actions.register(request, event, data)
        except RateLimited as exc:
            limited = exc
            errors = {NON_FIELD: [exc.message]}
        except (ValidationError, APIValidationError, Conflict) as exc:
            errors = errors_from(exc)
        else:
            request.session["welcome"] = registration.manage_token
            return redirect("manage-registration", token=registration.manage_token)
    seats_left = registration_figures.choice_seats_left(event)
    context = {
        "event": event,
        "availability": registration_figures.availability(event),
        "questions": questions,
        "seats_left": seats_left,
        "participant_types": _offered_types(event),
        # Vietnam is already filled in on the Vietnamese form; a typed value comes back as typed.
        "country_value": (
            values.get("country", "") if request.method == "POST" else _default_country()
        ),
        "errors": errors,
        "values": values,
        "labels": _labels(questions),
    }
    # Too many attempts: the form comes back as it was typed, with the wait above it.
    if limited is not None:
        response = render(request, "web/register.html", context, status=429)
        return with_retry_after(response, limited)
    return render(request, "web/register.html", context, status=400 if errors else 200)


def _default_country() -> str:
    return country_name(FIRST_COUNTRY) if (get_language() or "").startswith("vi") else ""


def _labels(questions: list[Question]) -> dict[str, str]:
    labels = {
        "name": _("Full name"),
        "email": _("Email"),
        "affiliation": _("Organisation"),
        "country": _("Country"),
        "participant_type": _("I take part as"),
        "consent": _("Consent"),
        "answers": _("Questions"),
    }
    labels.update({f"answers.{q.pk}": q.label for q in questions})
    return labels


def lost_link(request: HttpRequest, slug: str) -> HttpResponse:
    """Email the manage link again; the answer never tells whether the address is registered."""
    event = _public_event(request, slug)
    errors: dict[str, list[str]] = {}
    email = request.POST.get("email", "").strip() if request.method == "POST" else ""
    if request.method == "POST":
        try:
            # The API's action: the same limits and the same email validation.
            registration_actions.resend_link(request, event, {"email": email})
        except RateLimited as exc:
            context = {
                "event": event,
                "errors": {NON_FIELD: [exc.message]},
                "values": {"email": email},
            }
            response = render(request, "web/lost_link.html", context, status=429)
            return with_retry_after(response, exc)
        except APIValidationError:
            errors["email"] = [_("Enter the email address you registered with.")]
        else:
            messages.success(
                request,
                _("If this address is registered for the event, the link is on its way."),
            )
            return redirect("web:lost-link", slug=event.slug)
    context = {"event": event, "errors": errors, "values": {"email": email}}
    return render(request, "web/lost_link.html", context, status=400 if errors else 200)


def participants(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(request, slug)
    if not event.participant_list_public:
        raise Http404(_("This event does not publish a participant list."))
    people = registration_figures.public_participants(event)
    return render(request, "web/participants.html", {"event": event, "people": people})
