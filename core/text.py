import functools
import unicodedata
import zoneinfo


def fold(text: str) -> str:
    """Lower-case text without accents: "Hà Nội" and "Đà Nẵng" become "ha noi", "da nang"."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@functools.cache
def known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_known_timezone(name: str) -> bool:
    """An IANA zone name such as Asia/Ho_Chi_Minh (not a region folder such as "Asia")."""
    return name in known_timezones()
