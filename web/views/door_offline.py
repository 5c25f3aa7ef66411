"""The door as an installable app that keeps working offline, and walk-ins at the door.

The door page (desk.check_in) links a web app manifest and registers a service worker, both
served here under the page's own address so the worker's scope is that one event's door:
it keeps the page and its scripts for offline use, never an API answer. The roster and the
queue of offline scans live in the page's IndexedDB (web/static/web/door-offline.js).
"""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError as APIValidationError

from core.api import RateLimited, with_retry_after
from core.exceptions import Conflict, NotFound
from events.models import Event, ParticipantType
from registration import actions as registration_actions
from registration.checkin import NOT_ADMITTED
from registration.door_views import walk_in_answer

from ..forms import Errors, errors_from
from .organiser import CHECK_IN, render_event_page, team_event

# What the door page needs to open without a network (the page itself is kept as fetched).
OFFLINE_ASSETS = (
    "web/site.css",
    "web/site.js",
    "web/check-in.js",
    "web/door-offline.js",
    "web/vendor/jsqr/jsQR.js",
    "web/door-icon-192.png",
    "web/door-icon-512.png",
)


def _door_path(event: Event) -> str:
    return reverse("web:event-check-in", args=[event.slug])


@login_required
@require_GET
def manifest(request: HttpRequest, slug: str) -> HttpResponse:
    """The web app manifest: installs the door page of this event as an app on a phone."""
    event = team_event(request, slug, need=CHECK_IN)
    door = _door_path(event)
    body = {
        "name": _("Check-in: %(event)s") % {"event": event.title},
        "short_name": _("Check-in"),
        "description": _("Door check-in for %(event)s, also without a network.")
        % {"event": event.title},
        "id": door,
        "start_url": door,
        "scope": door,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1d4ed8",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {
                "src": static(f"web/door-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def service_worker(request: HttpRequest, slug: str) -> HttpResponse:
    """The door's service worker; its address makes its scope this event's door page."""
    event = team_event(request, slug, need=CHECK_IN)
    door = _door_path(event)
    assets = [static(name) for name in OFFLINE_ASSETS]
    # A new deployment (new hashed asset names) is a new worker, which drops the old copies.
    version = hashlib.sha256("\n".join([door, *assets]).encode()).hexdigest()[:12]
    script = render_to_string(
        "web/desk/door_sw.js",
        {
            "cache_prefix": json.dumps(f"door:{door}:"),
            "version": json.dumps(version),
            "door": json.dumps(door),
            "assets": json.dumps(assets),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    # Browsers look for a new worker at each visit; never keep an old one in an HTTP cache.
    response["Cache-Control"] = "no-cache"
    return response


# --- Walk-ins ------------------------------------------------------------------------------------

FORM_ERRORS = (ValidationError, APIValidationError, Conflict, NotFound)


@login_required
def walk_in(request: HttpRequest, slug: str) -> HttpResponse:
    """Register someone at the door: the same registration (seats, waiting list) as anyone."""
    event = team_event(request, slug, need=CHECK_IN)
    if request.method != "POST":
        return _walk_in_page(request, event)
    posted = {name: request.POST.get(name, "") for name in ("name", "email", "participant_type")}
    posted["consent"] = request.POST.get("consent") == "1"
    posted["language"] = request.LANGUAGE_CODE if request.LANGUAGE_CODE in ("en", "vi") else "en"
    if not posted["participant_type"]:
        posted.pop("participant_type")
    try:
        # The same action as the walk-in API: the same check-in and per-address counters.
        done = registration_actions.register_walk_in(request, event, posted, actor=request.user)
    except RateLimited as exc:
        page = _walk_in_page(request, event, {"__all__": [exc.message]}, status=429)
        return with_retry_after(page, exc)
    except FORM_ERRORS as exc:
        status = 409 if isinstance(exc, Conflict) else 400
        return _walk_in_page(request, event, _field_errors(exc), status=status)
    answer = walk_in_answer(done)
    if answer["checked_in"]:
        messages.success(
            request,
            _("%(detail)s Ticket code: %(code)s")
            % {"detail": answer["detail"], "code": answer["ticket_code"]},
        )
    else:
        messages.warning(request, answer["detail"])
    return redirect(_door_path(event))


def _field_errors(exc: Exception) -> Errors:
    errors: Errors = {}
    for name, texts in errors_from(exc).items():
        errors.setdefault(name.split(".")[0], []).extend(texts)
    return errors


def _walk_in_page(
    request: HttpRequest, event: Event, errors: Errors | None = None, status: int = 200
) -> HttpResponse:
    offered = event.participant_types or list(ParticipantType.values)
    context = {
        "errors": errors or {},
        "values": request.POST if request.method == "POST" else {},
        "labels": {
            "name": _("Name"),
            "email": _("Email"),
            "participant_type": _("Participant type"),
            "consent": _("The person has read and agreed to the data-processing notice"),
        },
        "type_options": [
            (value, label) for value, label in ParticipantType.choices if value in offered
        ],
        "door_url": _door_path(event),
    }
    response = render_event_page(
        request, "web/desk/walk_in.html", event, tab="check-in", context=context
    )
    response.status_code = status
    return response


def door_context(event: Event) -> dict:
    """What the door page adds for its offline mode, the camera decoder and walk-ins."""
    slug = event.slug
    return {
        "door_event": slug,
        "door_timezone": event.timezone,
        "door_manifest": reverse("web:event-door-manifest", args=[slug]),
        "door_sw": reverse("web:event-door-sw", args=[slug]),
        "door_scope": _door_path(event),
        "door_roster": reverse("event-door-roster", kwargs={"event_slug": slug}),
        "door_sync": reverse("event-door-sync", kwargs={"event_slug": slug}),
        "door_walk_in": reverse("web:event-walk-in", args=[slug]),
        "door_decoder": static("web/vendor/jsqr/jsQR.js"),
        # The English texts of checkin.NOT_ADMITTED, in the page's language.
        "door_not_admitted": json.dumps(
            {status: _(str(text)) for status, text in NOT_ADMITTED.items()}, ensure_ascii=False
        ),
        "door_texts": {
            "offline_ok": _(
                "Checked in offline at %(time)s: %(name)s (%(type)s). Sent when the network "
                "returns."
            ),
            "repeat_offline": _("Already checked in today: %(name)s"),
            "no_roster": _(
                "No network, and no roster on this device: this ticket cannot be checked. "
                "Open this page once with a network to download it."
            ),
            "no_roster_yet": _("No roster on this device yet."),
            "online": _("Online."),
            "offline_mode": _("Offline: tickets are checked against the roster on this device."),
            "roster": _(
                "People on the roster kept on this device: %(count)s (updated at %(time)s)."
            ),
            "queue": _("Scans waiting to be sent: %(count)s."),
        },
    }


def clearing_site_data(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Sign-out tells the browser to delete what it keeps for this site: the door's roster
    and scan reports (IndexedDB), its kept pages (Cache Storage) and its service workers.
    The door page sends its queued scans before it signs out (door-offline.js)."""

    @functools.wraps(view)
    def signed_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if request.method == "POST":
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response

    return signed_out
