"""The time zones an organiser picks from: IANA names with the offset from UTC they have now.

Only the geographic zones (Asia/Ho_Chi_Minh, Europe/Berlin...) and UTC are offered; every
name Python knows is still accepted (see `text.is_known_timezone`), old aliases included.
"""

import zoneinfo
from datetime import datetime, timedelta
from functools import lru_cache

from .dates import utc_offset

DEFAULT_ZONE_FIRST = "Asia/Ho_Chi_Minh"  # most events are in Vietnam: first in the list
REGIONS = (
    "Africa", "America", "Antarctica", "Asia", "Atlantic", "Australia", "Europe", "Indian",
    "Pacific",
)  # fmt: skip


@lru_cache(maxsize=1)
def offered_zones() -> tuple[str, ...]:
    """The zones in the list: the default first, then by name."""
    names = {
        name
        for name in zoneinfo.available_timezones()
        if name.split("/", 1)[0] in REGIONS and "/" in name
    }
    names.add("UTC")
    names.discard(DEFAULT_ZONE_FIRST)
    return (DEFAULT_ZONE_FIRST, *sorted(names))


def zone_options(moment: datetime | None = None) -> list[tuple[str, str]]:
    """(name, "UTC+7") for each offered zone, the offset in force at `moment` (now)."""
    moment = moment or datetime.now(zoneinfo.ZoneInfo("UTC"))
    options = []
    for name in offered_zones():
        offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or timedelta(0)
        options.append((name, utc_offset(offset)))
    return options
