"""Dates and times as people read them: one style per language, the place's clock in words.

Every page, email, PDF and calendar text formats moments here (or through the template
filters in web/templatetags/web_tags.py, which call these), so the styles live in one place:
the format modules in config/formats/.
"""

import zoneinfo
from datetime import datetime, timedelta

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

# Place names for the zones organisers use most; any other zone reads as its city ("Lima").
PLACES: dict[str, Promise] = {
    "Asia/Ho_Chi_Minh": pgettext_lazy("time zone", "Vietnam"),
    "Asia/Saigon": pgettext_lazy("time zone", "Vietnam"),
    "Asia/Bangkok": pgettext_lazy("time zone", "Bangkok"),
    "Asia/Vientiane": pgettext_lazy("time zone", "Laos"),
    "Asia/Phnom_Penh": pgettext_lazy("time zone", "Cambodia"),
    "Asia/Singapore": pgettext_lazy("time zone", "Singapore"),
    "Asia/Kuala_Lumpur": pgettext_lazy("time zone", "Kuala Lumpur"),
    "Asia/Jakarta": pgettext_lazy("time zone", "Jakarta"),
    "Asia/Manila": pgettext_lazy("time zone", "Manila"),
    "Asia/Shanghai": pgettext_lazy("time zone", "China"),
    "Asia/Hong_Kong": pgettext_lazy("time zone", "Hong Kong"),
    "Asia/Taipei": pgettext_lazy("time zone", "Taipei"),
    "Asia/Seoul": pgettext_lazy("time zone", "Korea"),
    "Asia/Tokyo": pgettext_lazy("time zone", "Japan"),
    "Asia/Kolkata": pgettext_lazy("time zone", "India"),
    "Australia/Sydney": pgettext_lazy("time zone", "Sydney"),
    "Europe/London": pgettext_lazy("time zone", "London"),
    "Europe/Paris": pgettext_lazy("time zone", "Paris"),
    "Europe/Berlin": pgettext_lazy("time zone", "Berlin"),
    "Europe/Moscow": pgettext_lazy("time zone", "Moscow"),
    "America/New_York": pgettext_lazy("time zone", "New York"),
    "America/Los_Angeles": pgettext_lazy("time zone", "Los Angeles"),
    "UTC": pgettext_lazy("time zone", "UTC"),
}


def place(zone: str) -> str:
    """What a zone is called in words: a known place, else its city ("America/Lima" -> Lima)."""
    if zone in PLACES:
        return str(PLACES[zone])
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def utc_offset(offset: timedelta) -> str:
    """ "UTC+7", "UTC-3:30", "UTC+0"."""
    return _offset(offset)


def _offset(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_words(zone: str, moment: datetime | None = None) -> str:
    """ "Vietnam time (UTC+7)", "giờ Berlin (UTC+1)": the offset in force at that moment."""
    tz = zoneinfo.ZoneInfo(zone)
    offset = (moment or datetime.now(tz)).astimezone(tz).utcoffset() or timedelta(0)
    return _("%(place)s time (%(offset)s)") % {"place": place(zone), "offset": _offset(offset)}


def _wall_clock(moment: datetime, zone: str | None) -> datetime:
    if zone and getattr(moment, "tzinfo", None) is not None:
        return moment.astimezone(zoneinfo.ZoneInfo(zone))
    return moment


def when(moment: datetime | None, zone: str | None = None) -> str:
    """A moment in the active language's one style, on the zone's clock (default: as given)."""
    if moment is None:
        return ""
    return formats.date_format(_wall_clock(moment, zone), "DATETIME_FORMAT")


def day(moment: datetime | None, zone: str | None = None) -> str:
    """The date alone, in the same style: "8 Feb 2027" / "8/2/2027"."""
    if moment is None:
        return ""
    return formats.date_format(_wall_clock(moment, zone), "DATE_FORMAT")


def clock(moment: datetime | None, zone: str | None = None) -> str:
    """The time alone: "08:30"."""
    if moment is None:
        return ""
    return formats.time_format(_wall_clock(moment, zone), "TIME_FORMAT")
