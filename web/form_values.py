"""What people type into set-up forms, made into what the API takes."""

from core.countries import resolve_country


def country_code(typed: str) -> str:
    """A country typed by name (English or Vietnamese) or code, as its ISO code; anything
    unknown goes on as typed, for the serializer to refuse with its message."""
    return resolve_country(typed) or typed
