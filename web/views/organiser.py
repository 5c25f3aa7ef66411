"""What every organiser page shares: finding the event and checking the signed-in user's role."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError as APIValidationError

from events import access
from events import selectors as event_selectors
from events.duplicate import duplicate_event
from events.models import Event
from events.serializers import DuplicateEventSerializer
from registration import figures as registration_figures

from .. import charts
from ..forms import Errors, errors_from, validated

VIEW, CHANGE, CHECK_IN = "view", "change", "check_in"
_ALLOWED = {
    VIEW: access.can_view_team_data,
    CHANGE: access.can_change,
    CHECK_IN: access.can_check_in,
}


def team_event(request: HttpRequest, slug: str, need: str = VIEW) -> Event:
    """The event if the user is on its team with enough rights.

    Someone not on the team gets 404, as if the event's team pages did not exist; a team
    member without the needed role gets 403.
    """
    event = event_selectors.event_by_slug(slug)
    role = access.role_of(request.user, event) if event is not None else None
    if role is None:
        raise Http404(_("No event of yours has this address."))
    event.viewer_role = role  # read once: pages decide what this role sees
    if not _ALLOWED[need](request.user, event):
        raise PermissionDenied(_("Your role on this event's team does not allow this."))
    return event


def render_event_page(
    request: HttpRequest, template: str, event: Event, tab: str, context: dict | None = None
) -> HttpResponse:
    """Render an organiser page of one event, with its tabs and the user's role."""
    role = access.role_of(request.user, event)
    page = {
        "event": event,
        "tab": tab,
        "role": role,
        "can_change": role in access.CHANGE_ROLES,
        **(context or {}),
    }
    return render(request, template, page)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    events = list(event_selectors.events_of_team_member(request.user))
    counts = registration_figures.counts_by_event(events)
    daily = registration_figures.registrations_per_day(events, days=30)
    rows = [(event, counts.get(event.pk, {})) for event in events]
    # Who may change an event may also duplicate it.
    changeable = event_selectors.changeable_event_ids(request.user, access.CHANGE_ROLES)
    context = {
        "changeable": changeable,
        "is_superuser": request.user.is_superuser,
        "rows": rows,
        "daily": daily,
        "chart": charts.line(daily),
    }
    return render(request, "web/organiser/dashboard.html", context)


class SignInView(auth_views.LoginView):
    """Signing in lands on "My events", but programme staff without events of their own land
    on their programme's page (the first, if they have several). A `next` address wins."""

    template_name = "web/sign_in.html"

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if not user.is_superuser and not event_selectors.is_on_a_team(user):
            staffed = event_selectors.first_staffed_programme(user)
            if staffed is not None:
                return reverse("web:programme", args=[staffed.slug])
        return super().get_default_redirect_url()


DUPLICATE_FIELDS = ("title_en", "title_vi", "start")


@login_required
@require_http_methods(["GET", "POST"])
def duplicate(request: HttpRequest, slug: str) -> HttpResponse:
    """A form for the copy's title and start; the copy is a new draft owned by the user."""
    event = team_event(request, slug, need=CHANGE)
    values = {"title_en": event.title_en, "title_vi": event.title_vi, "start": ""}
    errors: Errors = {}
    if request.method == "POST":
        values = {name: request.POST.get(name, "").strip() for name in DUPLICATE_FIELDS}
        data = {name: value for name, value in values.items() if value or name != "start"}
        try:
            fields = validated(DuplicateEventSerializer, data, context={"event": event})
            copy = duplicate_event(event, user=request.user, **fields)
        except (ValidationError, APIValidationError) as exc:
            errors = errors_from(exc)
        else:
            messages.success(
                request, _("The copy is saved as a draft. Check its details before publishing.")
            )
            return redirect("web:event-edit", copy.slug)
    labels = {
        "title_en": _("Title (English)"),
        "title_vi": _("Title (Vietnamese)"),
        "start": _("New start"),
    }
    context = {"values": values, "errors": errors, "labels": labels}
    response = render_event_page(request, "web/organiser/duplicate.html", event, "setup", context)
    response.status_code = 400 if errors else 200
    return response
