from typing import Any

from django import template
from django.http import QueryDict

from events import dates

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


def _zone(event: Any) -> str | None:
    return getattr(event, "timezone", None) or None


@register.filter
def when(moment, event=None) -> str:
    """`{{ moment|when:event }}`: "8 Feb 2027, 08:30" / "08:30, 8/2/2027" on the event's clock."""
    return dates.when(moment, _zone(event))


@register.filter
def day(moment, event=None) -> str:
    """`{{ moment|day:event }}`: "8 Feb 2027" / "8/2/2027" on the event's clock."""
    return dates.day(moment, _zone(event))


@register.filter
def clock(moment, event=None) -> str:
    """`{{ moment|clock:event }}`: "08:30" on the event's clock."""
    return dates.clock(moment, _zone(event))


@register.filter
def zone_words(event: Any, moment=None) -> str:
    """`{{ event|zone_words:event.start }}`: "Berlin time (UTC+1)" / "giờ Berlin (UTC+1)"."""
    return dates.zone_words(event.timezone, moment)


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
