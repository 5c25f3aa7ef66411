"""The head of a page for search engines and link previews (see web/seo.py)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from web import seo

register = template.Library()


@register.inclusion_tag("web/includes/page_meta.html", takes_context=True)
def page_meta(
    context: template.Context,
    description: str = "",
    title: str = "",
    og_type: str = "website",
    indexable: bool = True,
) -> dict[str, Any]:
    """Meta description, canonical and hreflang links, Open Graph; `indexable=False` for
    pages that must stay out of search results (error pages, pages behind a secret link)."""
    request = context.get("request")
    language = get_language()
    locale, other_locales = seo.og_locales(language)
    addresses = (
        seo.page_addresses(request) if request is not None and indexable else {"alternates": []}
    )
    return {
        "description": seo.description(description)
        or seo.description(
            _(
                "scievents lists science and technology events and lets you register for them "
                "online, in English and Vietnamese."
            )
        ),
        "title": title or "scievents",
        "og_type": og_type,
        "indexable": indexable,
        "canonical": addresses.get("canonical", ""),
        "alternates": addresses["alternates"],
        "locale": locale,
        "other_locales": other_locales,
    }


@register.simple_tag
def event_json_ld(event, availability: dict[str, Any]) -> SafeString:
    """The schema.org Event of an event page, as a JSON-LD data block."""
    return seo.json_ld(seo.event_data(event, availability or {}, get_language() or "en"))


@register.filter
def event_description(event) -> str:
    """`{{ event|event_description }}`: what a search result or link preview says of it."""
    return seo.event_description(event)
