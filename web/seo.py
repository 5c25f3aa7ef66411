"""What search engines and link previews read in a page's head.

- Absolute addresses are built from SITE_URL (never from the request's Host header, which a
  client chooses).
- Canonical and alternate addresses keep the query parameters that change what a page shows
  (filters, month, page number...) and drop the rest: tracking parameters (utm_*, fbclid...),
  empty values (an unfilled filter form sends `q=&field=`) and values equal to the page's
  default (`page=1`, `view=list`). What is left is sorted, so one page has one address.
- The alternate of a page in the other language is found as the language menu finds it:
  Django's `translate_url` resolves the path and reverses it with the other language active.
- The schema.org `Event` is JSON-LD: a data block browsers never run (the strict CSP does not
  apply to it), escaped like `json_script` so no text can close the element. Dates are ISO 8601
  in the event's own timezone with its UTC offset, never localised.
"""

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import reverse, translate_url
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, get_language_from_path, override

from events import dates
from events.models import Event

DESCRIPTION_LENGTH = 160
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "ref"}
)
# A parameter set to its default shows the same page as no parameter at all.
DEFAULT_VALUES = {"page": "1", "view": "list"}
# Open Graph wants language_TERRITORY.
OG_LOCALES = {"en": "en_GB", "vi": "vi_VN"}

SCHEMA = "https://schema.org/"
ATTENDANCE_MODES = {
    Event.Format.IN_PERSON: "OfflineEventAttendanceMode",
    Event.Format.ONLINE: "OnlineEventAttendanceMode",
    Event.Format.HYBRID: "MixedEventAttendanceMode",
}
# The seat states of registration.figures.availability that still take registrations.
OFFER_AVAILABILITY = {"open": "InStock", "waitlist": "SoldOut", "full": "SoldOut"}


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def description(text: str) -> str:
    """One line of at most DESCRIPTION_LENGTH characters (cut on a word, with an ellipsis)."""
    return Truncator(" ".join(str(text).split())).chars(DESCRIPTION_LENGTH)


def event_description(event: Event) -> str:
    """The event's summary in the page language, else its description, else its key facts."""
    text = event.summary or event.description
    if not text:
        facts = [
            event.title,
            str(event.get_kind_display()),
            dates.day(event.start, event.timezone),
            event.venue_city,
        ]
        text = " · ".join(fact for fact in facts if fact)
    return description(text)


def _kept(key: str, value: str) -> bool:
    if not value or DEFAULT_VALUES.get(key) == value:
        return False
    return key not in TRACKING_PARAMS and not key.startswith(TRACKING_PREFIXES)


def canonical_query(query: QueryDict) -> str:
    """The meaningful part of a query string, sorted: "" or "?month=2026-12&q=physics"."""
    kept = QueryDict(mutable=True)
    for key in sorted(query):
        values = [value for value in query.getlist(key) if _kept(key, value.strip())]
        if values:
            kept.setlist(key, values)
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


def page_addresses(request: HttpRequest) -> dict[str, Any]:
    """The canonical address of the page and its alternates in every language (absolute).

    Pages outside the language prefixes (a manage link, an unsubscribe link) have no
    alternates: {"canonical": ..., "alternates": []}.
    """
    path = request.path + canonical_query(request.GET)
    if get_language_from_path(request.path_info) is None:
        return {"canonical": absolute(path), "alternates": []}
    alternates = [(code, absolute(translate_url(path, code))) for code, _name in settings.LANGUAGES]
    default = absolute(translate_url(path, settings.LANGUAGE_CODE))
    return {
        "canonical": absolute(translate_url(path, get_language() or settings.LANGUAGE_CODE)),
        "alternates": [*alternates, ("x-default", default)],
    }


def og_locales(language: str | None) -> tuple[str, list[str]]:
    """The page's Open Graph locale and the other languages it exists in."""
    code = (language or settings.LANGUAGE_CODE)[:2]
    others = [OG_LOCALES[other] for other, _name in settings.LANGUAGES if other != code]
    return OG_LOCALES.get(code, OG_LOCALES["en"]), others


def _place(event: Event) -> dict[str, Any] | None:
    if not (event.venue_name or event.venue_address or event.venue_city):
        return None
    address = {"@type": "PostalAddress"}
    for key, value in (
        ("streetAddress", event.venue_address),
        ("addressLocality", event.venue_city),
        ("addressCountry", event.venue_country),
    ):
        if value:
            address[key] = value
    return {
        "@type": "Place",
        "name": event.venue_name or event.venue_city or event.venue_address,
        "address": address,
    }


def _locations(event: Event, page_url: str) -> list[dict[str, Any]]:
    """The venue, the online part, or both for a hybrid event.

    The join link is for registered people only: the virtual location points at the event page.
    """
    locations = []
    if event.format != Event.Format.ONLINE and (place := _place(event)):
        locations.append(place)
    if event.format != Event.Format.IN_PERSON:
        locations.append({"@type": "VirtualLocation", "url": page_url})
    return locations


def _offer(event: Event, availability: dict[str, Any], language: str) -> dict[str, Any] | None:
    state = availability.get("state")
    if event.status != Event.Status.PUBLISHED or state not in (*OFFER_AVAILABILITY, "not_open_yet"):
        return None
    with override(language):
        register_url = absolute(reverse("web:register", args=[event.slug]))
    offer: dict[str, Any] = {"@type": "Offer", "url": register_url}
    if state in OFFER_AVAILABILITY:
        offer["availability"] = SCHEMA + OFFER_AVAILABILITY[state]
    if event.registration_opens:
        offer["validFrom"] = event.local(event.registration_opens).isoformat()
    return offer


def event_data(event: Event, availability: dict[str, Any], language: str) -> dict[str, Any]:
    """A schema.org Event for the event page in `language`."""
    with override(language):
        page_url = absolute(reverse("web:event", args=[event.slug]))
        title = event.title
        text = event.summary or event.description
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": title,
        "url": page_url,
        "inLanguage": language,
        "startDate": event.local(event.start).isoformat(),
        "endDate": event.local(event.end).isoformat(),
        "eventStatus": SCHEMA
        + ("EventCancelled" if event.status == Event.Status.CANCELLED else "EventScheduled"),
        "eventAttendanceMode": SCHEMA + ATTENDANCE_MODES[event.format],
        # Registering through scievents costs nothing.
        "isAccessibleForFree": True,
    }
    if text:
        data["description"] = " ".join(text.split())
    locations = _locations(event, page_url)
    if locations:
        data["location"] = locations[0] if len(locations) == 1 else locations
    if event.host:
        organizer = {"@type": "Organization", "name": event.host.name}
        if event.host.website:
            organizer["url"] = event.host.website
        data["organizer"] = organizer
    if offer := _offer(event, availability, language):
        data["offers"] = offer
    return data


# As django.utils.html.json_script: nothing in the data can end the script element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict[str, Any]) -> SafeString:
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_ESCAPES)
    # Safe: the escapes above leave no "<", ">" or "&" in the text (as json_script does).
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(encoded),  # noqa: S308
    )
