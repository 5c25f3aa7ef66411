"""Stored countries that look like a mistake, for an organiser to correct.

Before the country field took names, it cut what was typed to two letters: "Việt Nam" was saved
as VI (U.S. Virgin Islands) and counted as an international participant. Nothing here changes
a registration: only the person or an organiser knows the right answer.
"""

from dataclasses import dataclass

from django.db.models import QuerySet

from core.countries import COUNTRY_CODES, country_name, mistaken_for
from events.models import Event

from .models import Registration


@dataclass(frozen=True)
class Suspect:
    registration: Registration
    reason: str  # "not_a_country" or "cut_name"
    perhaps: list[str]  # ISO codes the person more likely meant


def suspicious_countries(event: Event | None = None) -> list[Suspect]:
    """Registrations whose country is no ISO code, or the first two letters of another
    country's name in the language they registered in (VI from a Vietnamese form)."""
    people: QuerySet[Registration] = Registration.objects.exclude(country="").select_related(
        "event"
    )
    if event is not None:
        people = people.filter(event=event)
    found = []
    for registration in people.order_by("event__slug", "pk").iterator():
        code = registration.country.upper()
        if code not in COUNTRY_CODES:
            found.append(Suspect(registration, "not_a_country", []))
        elif perhaps := mistaken_for(code, registration.language):
            found.append(Suspect(registration, "cut_name", perhaps))
    return found


def describe(suspect: Suspect) -> str:
    """One line an organiser reads, names in English (the command's language)."""
    registration = suspect.registration
    stored = registration.country
    if suspect.reason == "not_a_country":
        why = f"{stored!r} is not an ISO 3166-1 country code"
    else:
        meant = ", ".join(f"{country_name(c, 'en')} ({c})" for c in suspect.perhaps)
        why = (
            f"{stored} ({country_name(stored, 'en')}) from a {registration.language!r} form; "
            f"perhaps {meant}"
        )
    return f"{registration.event.slug}\t#{registration.pk}\t{registration.name}\t{why}"
