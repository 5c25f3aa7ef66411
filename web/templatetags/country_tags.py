"""Countries as people read them: names in the page's language, never bare ISO codes."""

from django import template

from core.countries import country_choices, country_name, resolve_country

register = template.Library()


@register.filter
def country(code: str) -> str:
    """The name of a stored ISO code in the active language ("VN" → "Việt Nam")."""
    return country_name(code or "")


@register.filter
def country_text(value: str) -> str:
    """What a country field shows: a stored code as its name, anything typed as it was typed."""
    value = (value or "").strip()
    if len(value) == 2 and resolve_country(value):
        return country_name(value)
    return value


@register.inclusion_tag("web/includes/country_options.html")
def country_datalist() -> dict:
    """The list a country field suggests from: names in the page's language, Vietnam first.

    Each option's label is the name in the other language, so typing either one finds it.
    """
    from django.utils.translation import get_language

    language = "vi" if (get_language() or "").startswith("vi") else "en"
    other = "en" if language == "vi" else "vi"
    return {
        "options": [
            (name, country_name(code, other), code) for code, name in country_choices(language)
        ]
    }
