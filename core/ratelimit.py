"""Abuse limits, one mechanism for the API and the pages.

Every limit is a named group counted in the cache (Redis in production) with django-ratelimit,
so a page and its API endpoint share one counter: switching channel does not reset it.

    limit(request, "register")                  # count this request; 429 past the rate
    limit(request, "register-email", key)       # the same, per email key and event
    guard(request, "sign-in", "user|ip")        # only look: 429 once the failures reach the rate
    record(request, "sign-in", "user|ip")       # count a failure, never refuse

Email addresses are counted by their comparison key (core.emails): quotes and case
make no new address.

A refusal is the exception `RateLimited` (429, `Retry-After`): DRF views answer it as
`{"detail": "…", "code": "rate_limited"}`; `RateLimitMiddleware` answers it for any other view,
as the same JSON under /api/ and as the page `429.html` elsewhere.

Whatever goes wrong with the cache (Redis down), a limit lets the request through and logs a
warning: a broken cache never costs a registration.
"""

import ipaddress
import logging
import math
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .api import RateLimited, with_retry_after

logger = logging.getLogger(__name__)

# group → (setting with its rate, what it counts by). Rates are django-ratelimit's "N/period":
# "20/m", "5/h", "10/15m". An empty rate switches that one limit off.
GROUPS: dict[str, tuple[str, str]] = {
    "register": ("RATELIMIT_REGISTER", "ip"),
    "register-email": ("RATELIMIT_REGISTER_EMAIL", "value"),
    "resend": ("RATELIMIT_RESEND", "ip"),
    "resend-email": ("RATELIMIT_RESEND_EMAIL", "value"),
    "check-in": ("RATELIMIT_CHECKIN", "user_or_ip"),
    "team-add": ("RATELIMIT_TEAM_ADD", "user_or_ip"),
    "token": ("RATELIMIT_TOKEN", "ip"),
    "email-change": ("RATELIMIT_EMAIL_CHANGE", "value"),
    "sign-in": ("RATELIMIT_SIGNIN", "value"),
    "sign-in-ip": ("RATELIMIT_SIGNIN_IP", "ip"),
}


# --- Who is asking --------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address; an IPv6 client counts by its /64 (one household, one network).

    X-Forwarded-For is read only when RATELIMIT_TRUST_X_FORWARDED_FOR says how many proxies of
    ours stand in front (1: the address our proxy saw, the last one in the header): anything a
    client wrote there itself comes before those and is never used.
    """
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    address = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "RATELIMIT_TRUST_X_FORWARDED_FOR", 0)
    if proxies:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def _key(request: HttpRequest, kind: str, value: str | None) -> str | None:
    if kind == "ip":
        return client_ip(request)
    if kind == "user_or_ip":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request)}"
    value = (value or "").strip().lower()
    return value or None  # nothing to count by: this limit does not apply


# --- Counting -------------------------------------------------------------------------------


def _usage(request: HttpRequest, group: str, value: str | None, increment: bool) -> dict | None:
    if not getattr(settings, "RATELIMIT_ENABLED", True):
        return None
    setting, kind = GROUPS[group]
    rate = getattr(settings, setting, None)
    key = _key(request, kind, value)
    if not rate or key is None:
        return None
    try:
        return get_usage(
            getattr(request, "_request", request),
            group=group,
            key=lambda _group, _request: key,
            rate=rate,
            increment=increment,
        )
    except Exception:  # the cache is down or broken: let the request through
        logger.warning("rate limit %s not checked: cache unavailable", group, exc_info=True)
        return None


def limit(request: HttpRequest, group: str, value: str | None = None) -> None:
    """Count this request in `group`; raise RateLimited once it goes past the rate."""
    usage = _usage(request, group, value, increment=True)
    if usage and usage["limit"] and usage["count"] > usage["limit"]:
        raise RateLimited(usage["time_left"])


def guard(request: HttpRequest, group: str, value: str | None = None) -> None:
    """Raise RateLimited if `group` has already counted its rate (failures, for sign-in)."""
    usage = _usage(request, group, value, increment=False)
    if usage and usage["limit"] and usage["count"] >= usage["limit"]:
        raise RateLimited(usage["time_left"])


def record(request: HttpRequest, group: str, value: str | None = None) -> None:
    """Count one failure in `group`; the next guard() refuses once there are enough."""
    _usage(request, group, value, increment=True)


# --- Answers --------------------------------------------------------------------------------


def rate_limited_response(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(exc.json(), status=429)
    else:
        response = render(request, "429.html", {"message": exc.message}, status=429)
    return with_retry_after(response, exc)


class RateLimitMiddleware:
    """Answers RateLimited raised by a plain Django view (DRF views answer it themselves)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, RateLimited):
            return rate_limited_response(request, exc)
        return None


# --- Password guessing: admin, organiser sign-in and the API token ----------------------------


# Failures are locked out per (username, address) and per address only. Across addresses a
# username is slowed down, never locked: past RATELIMIT_SIGNIN_SLOW_AFTER failures in the
# window, each attempt must come SLOWDOWN_FIRST seconds after the last failure, doubling with
# every further failure up to SLOWDOWN_MAX. Someone guessing from many addresses gets a few
# tries a minute; the owner, from their own address, gets in after that short wait.
SLOWDOWN_FIRST = 1
SLOWDOWN_MAX = 30
SLOWDOWN_KEY = "rl:sign-in-slow:"


def _username(username: Any) -> str:
    return username.strip().lower() if isinstance(username, str) else ""


def _pair(request: HttpRequest, username: Any) -> str:
    return f"{_username(username)}|{client_ip(request)}"


def _slowdown(username: str) -> tuple[int, float]:
    """(failures of this username from any address in the window, time of the last one)."""
    from django.core.cache import cache

    if not username or not getattr(settings, "RATELIMIT_ENABLED", True):
        return 0, 0.0
    try:
        return cache.get(SLOWDOWN_KEY + username) or (0, 0.0)
    except Exception:
        logger.warning("sign-in slow-down not checked: cache unavailable", exc_info=True)
        return 0, 0.0


def sign_in_wait(username: Any, now: float | None = None) -> int:
    """Seconds this username must still wait before its next attempt (0: go ahead)."""
    failures, last = _slowdown(_username(username))
    after = getattr(settings, "RATELIMIT_SIGNIN_SLOW_AFTER", 5)
    if not after or failures < after:
        return 0
    delay = min(SLOWDOWN_FIRST * 2 ** (failures - after), SLOWDOWN_MAX)
    left = last + delay - (time.time() if now is None else now)
    return math.ceil(left) if left > 0 else 0


def _count_slowdown(username: str) -> None:
    from django.core.cache import cache

    if not username or not getattr(settings, "RATELIMIT_ENABLED", True):
        return
    failures, _last = _slowdown(username)
    try:
        window = getattr(settings, "RATELIMIT_SIGNIN_SLOW_WINDOW", 15 * 60)
        cache.set(SLOWDOWN_KEY + username, (failures + 1, time.time()), window)
    except Exception:
        logger.warning("sign-in failure not counted: cache unavailable", exc_info=True)


def guard_sign_in(request: HttpRequest, username: Any) -> None:
    guard(request, "sign-in", _pair(request, username))
    guard(request, "sign-in-ip")
    wait = sign_in_wait(username)
    if wait:
        raise RateLimited(wait)


@receiver(user_login_failed)
def _count_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    """Every failed authenticate() counts, whichever door it came through."""
    if request is None:
        return
    username = credentials.get("username")
    record(request, "sign-in", _pair(request, username))
    record(request, "sign-in-ip")
    _count_slowdown(_username(username))


def sign_in_limited(view: Callable) -> Callable:
    """Refuse a sign-in POST (429) once its username or address has failed too often."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "POST":
            guard_sign_in(request, request.POST.get("username", ""))
        return view(request, *args, **kwargs)

    return wrapped
