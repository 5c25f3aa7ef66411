"""What every organiser page shares: finding the event and checking the signed-in user's role."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from events import access
from events.models import Event, Programme, TeamMembership
from registration import services as registration_services

from .. import charts

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
    event = Event.objects.filter(slug=slug).select_related("programme", "host").first()
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
    events = list(
        Event.objects.filter(team__user=request.user).order_by("-start")
        if not request.user.is_superuser
        else Event.objects.order_by("-start")
    )
    counts = registration_services.counts_by_event(events)
    daily = registration_services.registrations_per_day(events, days=30)
    rows = [(event, counts.get(event.pk, {})) for event in events]
    context = {"rows": rows, "daily": daily, "chart": charts.line(daily)}
    return render(request, "web/organiser/dashboard.html", context)


class SignInView(auth_views.LoginView):
    """Signing in lands on "My events", but programme staff without events of their own land
    on their programme's page (the first, if they have several). A `next` address wins."""

    template_name = "web/sign_in.html"

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if not user.is_superuser and not TeamMembership.objects.filter(user=user).exists():
            staffed = Programme.objects.filter(staff__user=user).order_by("code").first()
            if staffed is not None:
                return reverse("web:programme", args=[staffed.slug])
        return super().get_default_redirect_url()
