"""Conditional GET: `ETag` and `Last-Modified` on reads, and 304 Not Modified when the
client's copy is current, decided before the answer is built.

A view gives validators that are cheap to compute (a count and the latest change of what it
would show, or the date of a cached file); the body is built only when it is needed.
"""

import functools
import hashlib
from collections.abc import Callable
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, quote_etag
from django.utils.http import http_date

Validators = tuple[str, datetime | None]


def etag_of(*parts: object) -> str:
    """A strong entity tag from the values a representation depends on."""
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return quote_etag(digest[:32])


def conditional(
    request: HttpRequest,
    build: Callable[[], HttpResponse],
    *,
    etag: str,
    last_modified: datetime | None,
) -> HttpResponse:
    """304 when If-None-Match (or, without it, If-Modified-Since) shows the client has this
    version; else the built answer. Both carry the validators (a successful one only)."""
    seconds = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=seconds)
    if response is None:
        response = build()
    if response.status_code in (200, 304):
        response.headers.setdefault("ETag", etag)
        if seconds is not None:
            response.headers.setdefault("Last-Modified", http_date(seconds))
    return response


def conditional_get(validators: Callable[..., Validators | None]):
    """For a view method `(self, request, *args, **kwargs)`: `validators(view, request,
    **kwargs)` gives the ETag and Last-Modified, or None to answer without them."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            found = validators(view, request, **kwargs)
            if found is None:
                return method(view, request, *args, **kwargs)
            etag, last_modified = found
            return conditional(
                request,
                lambda: method(view, request, *args, **kwargs),
                etag=etag,
                last_modified=last_modified,
            )

        return wrapper

    return decorator
