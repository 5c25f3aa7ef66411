from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`{{ values|get:name }}`: a dictionary lookup with a variable key."""
    if mapping is None:
        return None
    try:
        return mapping.get(key) if hasattr(mapping, "get") else mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def getlist(values: Any, key: str) -> list[str]:
    """All values of a repeated form field (a multiple choice), or [] for plain dicts."""
    return values.getlist(key) if hasattr(values, "getlist") else []


@register.filter
def local(moment, event):
    """A moment as the event's wall clock shows it, for `|date` and `|time`.

    Naive on purpose: those filters would turn an aware value back into the site's timezone.
    """
    return event.local(moment).replace(tzinfo=None) if moment else moment


@register.simple_tag(takes_context=True)
def query(context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"
