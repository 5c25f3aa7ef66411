"""One function per submitter's (or presenter's) action on an abstract, called by both the API
view and the page.

Each takes who asks (`client`: the HTTP request, which the abuse limits count by address), the
input, and returns the outcome; it applies the limits, validates the input with the API's
serializer (one set of field rules for both channels) and calls the rule in `submission`. The
views only translate input and output: none of them imports the rate limiter.

Submitting shares the `register` counter with registering (the same kind of anonymous write
under an event), and an unknown private link counts as an unknown manage link (`token`).
"""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from core import ratelimit
from core.exceptions import NotFound
from events.models import Event

from . import confirmation, submission
from .models import Abstract, Decision
from .serializers import EditSerializer, SubmitSerializer


def _valid(serializer_class: type, data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def submit(client: HttpRequest, event: Event, data: Mapping[str, Any]) -> Abstract:
    """Submit an abstract to the event's call; counted per caller's address before anything."""
    ratelimit.limit(client, "register")
    return submission.submit(event, _valid(SubmitSerializer, data))


def abstract_by_token(client: HttpRequest, token: str) -> Abstract:
    """The abstract a private link names. Only unknown links count (429 past the rate) and
    only they are refused, as for a registration's manage link."""
    try:
        return submission.find_by_token(token)
    except NotFound:
        ratelimit.limit(client, "token")
        raise


def edit(abstract: Abstract, data: Mapping[str, Any]) -> Abstract:
    """The submitter changes their abstract (until the call closes)."""
    return submission.edit(abstract, _valid(EditSerializer, data))


def withdraw(abstract: Abstract) -> Abstract:
    """The submitter withdraws their abstract."""
    return submission.withdraw(abstract)


def confirm(abstract: Abstract) -> Decision:
    """The presenting author confirms they will present the accepted contribution."""
    return confirmation.answer(abstract, Decision.Confirmation.CONFIRMED)


def decline(abstract: Abstract) -> Decision:
    """The presenting author cannot present it: it leaves the programme."""
    return confirmation.answer(abstract, Decision.Confirmation.DECLINED)
