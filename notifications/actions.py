"""One function per attendee action on emails, called by the page (and any API view).

Like registration/actions.py: the caller (`client`, counted by the abuse limits) and the input
in, the outcome out; limits and rules inside, so the views never import the rate limiter.
"""

from django.http import HttpRequest

from core import ratelimit
from registration.models import Registration

from . import outbox, rendering


def registration_for_unsubscribe(client: HttpRequest, token: str) -> Registration | None:
    """The registration an unsubscribe link names, or None. Only unknown links count (429
    past the rate) and are refused; a valid one never is."""
    registration = rendering.registration_for_unsubscribe(token)
    if registration is None:
        ratelimit.limit(client, "token")
    return registration


def unsubscribe(client: HttpRequest, token: str) -> Registration | None:
    """Stop reminders and messages for the registration this link names (None: unknown)."""
    registration = registration_for_unsubscribe(client, token)
    if registration is not None:
        outbox.unsubscribe(registration)
    return registration
