"""Whole answers of anonymous public reads, kept in the shared cache (Redis) in front of the
view: a repeated read is one Redis round trip (the stored answer and the versions, in one
MGET), one query (the state the answer depends on) and the stored bytes.

Who gets stored answers: GET and HEAD without an Authorization header, a session or a
messages cookie (the cookies Django reads per reader; the CSRF cookie is handled below, the
language is part of the key), by a reader who is not signed in, and without If-None-Match or
If-Modified-Since (those get their 304 from the view, as before). Only a GET fills the cache,
and only with a 200 that sets no cookie, is not private and varies on nothing but Accept,
Accept-Language and Cookie.

The key names the address (scheme, host, path and query string as sent: the pages repeat it
in their links), the active language, the Accept header (the API's format) and a digest of the
code (a deploy never serves the previous release's HTML). The stored entry holds the *state*
it was built in: `etag_of(version, *parts, shown)`, where `parts` come from the view's probe
(one query, read before the answer is built, so a change during the build can only make the
entry look older than it is) and `shown` is what the answer reports it showed of fast-moving
rows (the seat counters of a page of events: `response.shown`). A read whose probe gives
another state builds the answer again and replaces the entry.

Pages with forms carry a CSRF token masked for their reader: it is stored as a placeholder
and filled in with the reader's own token (and cookie, set by CsrfViewMiddleware) on the way
out. Headers are stored as the view made them; the middleware around the view adds the rest
on every answer alike. Whatever goes wrong with the cache, the view answers.
"""

import functools
import hashlib
import logging
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import django
import rest_framework
from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.translation import get_language

from .conditional import etag_of

logger = logging.getLogger(__name__)

# A probe: (request, the view's keyword arguments, what the stored answer showed or None) →
# the parts of the state (one query), or None when nothing is to be stored (an unknown event).
# A view whose answer reports what it showed of fast-moving rows (`response.shown`) has a probe
# whose last part reads those rows again: stored, that part is what the answer showed.
Probe = Callable[[HttpRequest, dict[str, Any], Any], list[Any] | None]

PLACEHOLDER = b"\x00csrf-token-of-the-reader\x00".ljust(64, b"-")
TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
VARY_KNOWN = {"accept", "accept-language", "cookie"}
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".mo", ".json", ".xml"}


def timeout() -> int:
    return getattr(settings, "EVENT_READS_CACHE_SECONDS", 600)


@functools.cache
def code_digest() -> str:
    """A digest of what renders the answers: our packages' source, templates and translations,
    the static files' manifest (hashed names are in the pages), Django's and DRF's versions.
    Computed once per process: it changes only with a deploy, which starts new processes."""
    digest = hashlib.sha256(f"{django.get_version()} {rest_framework.VERSION}".encode())
    config = Path(settings.LOCALE_PATHS[0]).parent if settings.LOCALE_PATHS else None
    roots = {Path(app.path) for app in apps.get_app_configs()}
    if config is not None:
        # Our apps sit next to the settings package; third-party apps do not.
        roots = {root for root in roots if root.parent == config.parent} | {config}
    roots.add(Path(__file__).resolve().parent)  # core: not an app, but it renders too
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.suffix in SOURCE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or ".") / "staticfiles.json"
    if manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:16]


def _anonymous(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    meta, cookies = request.META, request.COOKIES
    if "HTTP_AUTHORIZATION" in meta:
        return False
    if "HTTP_IF_NONE_MATCH" in meta or "HTTP_IF_MODIFIED_SINCE" in meta:
        return False
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False
    # DRF's test client signs a caller in without a header or a cookie.
    if getattr(request, "_force_auth_user", None) or getattr(request, "_force_auth_token", None):
        return False
    return not request.user.is_authenticated


def _key(request: HttpRequest) -> str:
    digest = etag_of(
        code_digest(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language(),
        request.META.get("HTTP_ACCEPT", ""),
    )
    return f"reads:answer:{digest.strip(chr(34))}"


def serve(
    request: HttpRequest,
    build: Callable[[], HttpResponse],
    *,
    probe: Probe,
    kwargs: dict[str, Any],
    version_key: str,
    content_types: Iterable[str],
) -> HttpResponse:
    """The stored answer to `request` if its state is current, else `build()` (stored)."""
    if not _anonymous(request):
        return build()
    key = _key(request)
    try:
        found = cache.get_many([key, version_key])
    except Exception:
        logger.warning("read cache unavailable", exc_info=True)
        return build()
    version, entry = found.get(version_key), found.get(key)
    if version is None:  # started by the view's own validators: store from the next read on
        return build()
    parts = probe(request, kwargs, entry["shown"] if entry else None)
    if parts is None:
        return build()
    if entry and entry["state"] == etag_of(version, *parts):
        return _replay(request, entry)
    response = build()
    if hasattr(response, "render") and callable(response.render):
        response.render()
    shown = getattr(response, "shown", None)
    # The probe's parts for the rows the answer showed are replaced by those the answer
    # reports: those are exactly what its bytes say.
    if shown is not None:
        parts = [*parts[:-1], shown]
    _store(request, response, key, etag_of(version, *parts), shown, tuple(content_types))
    return response


def _replay(request: HttpRequest, entry: dict[str, Any]) -> HttpResponse:
    body = entry["body"]
    if entry["csrf"]:
        body = body.replace(PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    return response


def _storable(request: HttpRequest, response: HttpResponse, content_types: tuple) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    # Whoever the view found signed in (DRF puts its caller on the request) is no anonymous
    # reader, however they were recognised.
    if request.user.is_authenticated:
        return False
    if response.cookies or not response.get("Content-Type", "").startswith(content_types):
        return False
    control = response.get("Cache-Control", "").lower()
    if "private" in control or "no-store" in control:
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    return vary <= VARY_KNOWN


def _without_reader_token(request: HttpRequest, body: bytes) -> tuple[bytes, bool] | None:
    """The body with every token masked from the reader's CSRF secret replaced by the
    placeholder, or None if the secret shows in another form (then nothing is stored)."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return body, False
    tokens = {
        token for token in TOKEN.findall(body) if _unmask_cipher_token(token.decode()) == secret
    }
    for token in tokens:
        body = body.replace(token, PLACEHOLDER)
    if secret.encode() in body:
        return None
    return body, bool(tokens)


def _store(request, response, key: str, state: str, shown: Any, content_types: tuple) -> None:
    if not _storable(request, response, content_types):
        return
    scrubbed = _without_reader_token(request, response.content)
    if scrubbed is None:
        return
    body, csrf = scrubbed
    headers = [(k, v) for k, v in response.headers.items() if k.lower() != "content-length"]
    entry = {
        "state": state,
        "shown": shown,
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "csrf": csrf,
    }
    try:
        cache.set(key, entry, timeout())
    except Exception:
        logger.warning("read cache unavailable", exc_info=True)


def shared(probe: Probe, *, version_key: str, content_types: Iterable[str] = ("text/html",)):
    """For a page view `(request, **kwargs)`: its anonymous answers kept by `serve`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            return serve(
                request,
                lambda: view(request, *args, **kwargs),
                probe=probe,
                kwargs=kwargs,
                version_key=version_key,
                content_types=content_types,
            )

        return wrapper

    return decorator
