"""iCalendar (RFC 5545) export of events, with their own timezones."""

from collections.abc import Iterable

from django.utils import timezone, translation
from icalendar import Calendar
from icalendar import Event as CalendarEvent

from core.countries import country_name
from core.translation import CONTENT_LANGUAGES

from .models import Event


def _one_line(text: str) -> str:
    """Titles and places are one line; a stray line break would break the calendar file."""
    return " ".join(text.split())


def _location(event: Event) -> str:
    """The venue as a person writes it, the country by its name in the calendar's language
    (the event stores its ISO code)."""
    country = country_name(event.venue_country)
    parts = [event.venue_name, event.venue_address, event.venue_city, country]
    return ", ".join(part for part in parts if part)


def build_calendar(
    events: Iterable[Event],
    *,
    site_url: str,
    name: str,
    language: str | None = None,
    sessions: bool = False,
) -> bytes:
    """The events as an iCalendar file. With a `language` (a reader's, e.g. an attendee's),
    titles and descriptions are in that language where the event has them (else in the other),
    each labelled with the language it is in."""
    if language is None:
        return _calendar(events, site_url=site_url, name=name, language=None, sessions=sessions)
    with translation.override(language):
        return _calendar(
            events, site_url=site_url, name=name, language=language[:2], sessions=sessions
        )


def _text(event: Event, field: str, language: str | None) -> tuple[str, dict[str, str]]:
    """The field in the reader's language, else the other one, with its LANGUAGE parameter."""
    if language is None:
        return getattr(event, field), {}
    for code in [language, *(code for code in CONTENT_LANGUAGES if code != language)]:
        value = getattr(event, f"{field}_{code}", "")
        if value:
            return value, {"language": code}
    return "", {}


def _session_entries(event: Event, stamp, site_url: str) -> list[CalendarEvent]:
    """The event's agenda, one entry per session (accepted abstracts included), so a
    calendar shows the talks and posters at their times."""
    entries = []
    for session in event.sessions.prefetch_related("speakers"):
        entry = CalendarEvent()
        entry.add("uid", f"session-{session.pk}-{event.uuid}@scievents")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.local(session.start))
        entry.add("dtend", event.local(session.end))
        entry.add("summary", _one_line(session.title))
        speakers = ", ".join(speaker.name for speaker in session.speakers.all())
        if speakers:
            entry.add("description", speakers)
        if session.room:
            entry.add("location", _one_line(session.room))
        entry.add("url", f"{site_url}/events/{event.slug}/")
        entries.append(entry)
    return entries


def _calendar(
    events: Iterable[Event],
    *,
    site_url: str,
    name: str,
    language: str | None,
    sessions: bool = False,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//scievents//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _one_line(name))
    stamp = timezone.now()
    events = list(events)
    for event in events:
        entry = CalendarEvent()
        entry.add("uid", f"{event.uuid}@scievents")
        entry.add("dtstamp", stamp)
        entry.add("dtstart", event.local(event.start))
        entry.add("dtend", event.local(event.end))
        title, title_language = _text(event, "title", language)
        entry.add("summary", _one_line(title), parameters=title_language)
        summary, summary_language = _text(event, "summary", language)
        if summary:
            description = summary.replace("\r\n", "\n").replace("\r", "\n")
            entry.add("description", description, parameters=summary_language)
        if _location(event):
            entry.add("location", _one_line(_location(event)))
        entry.add("url", f"{site_url}/events/{event.slug}/")
        entry.add("last-modified", event.updated_at)
        entry.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        calendar.add_component(entry)
        for session_entry in _session_entries(event, stamp, site_url) if sessions else []:
            calendar.add_component(session_entry)
    last = max((event.end.date() for event in events), default=None)
    if last:
        calendar.add_missing_timezones(last_date=last.replace(year=last.year + 1))
    else:
        calendar.add_missing_timezones()
    return calendar.to_ical()
