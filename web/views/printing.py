"""Organiser pages made for paper: the attendee list to sign at the door."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from registration import selectors as registration_selectors

from .organiser import CHANGE, render_event_page, team_event


@login_required
def attendee_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Confirmed people by name, with a column to sign: printed on A4 (site.css @media print)."""
    # It lists organisations: personal data, for the owner and organisers (not door staff).
    event = team_event(request, slug, need=CHANGE)
    people = registration_selectors.attendee_list(event)
    return render_event_page(
        request,
        "web/desk/attendee_list.html",
        event,
        tab="registrations",
        context={"people": people},
    )
