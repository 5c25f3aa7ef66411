"""The time-zone list of the set-up form: IANA names, each with its offset from UTC now."""

from django import template

from events.zones import zone_options

register = template.Library()


@register.inclusion_tag("web/includes/zone_options.html")
def zone_datalist() -> dict:
    """A <datalist id="time-zones">: typing "Berlin" or "UTC+7" narrows it down."""
    return {"options": zone_options()}
