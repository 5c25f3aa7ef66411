"""ISO 3166-1 alpha-2 country codes (the 249 officially assigned) and their names in English
and Vietnamese."""

import unicodedata
from functools import cache

from babel import Locale
from django.utils.translation import get_language

_CODES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
"""

COUNTRY_CODES = frozenset(_CODES.split())  # noqa: SIM905


# --- Names in both languages --------------------------------------------------------------------
#
# The names are CLDR's, as Babel ships them (pinned in pyproject.toml): the ones people see in
# their own language ("Việt Nam", "Hàn Quốc"; "Vietnam", "South Korea"). A value is always
# stored as the ISO code; names are for reading and typing only.

NAME_LANGUAGES = ("en", "vi")
FIRST = "VN"  # the country most participants come from comes first in every list

# ISO 3166-1's own short names where CLDR's differ, so a name copied from an official list
# resolves too ("Korea, Republic of", "Viet Nam").
ISO_NAMES = {
    "BN": "Brunei Darussalam",
    "BO": "Bolivia, Plurinational State of",
    "CZ": "Czech Republic",
    "FM": "Micronesia, Federated States of",
    "GB": "United Kingdom of Great Britain and Northern Ireland",
    "IR": "Iran, Islamic Republic of",
    "KP": "Korea, Democratic People's Republic of",
    "KR": "Korea, Republic of",
    "LA": "Lao People's Democratic Republic",
    "MD": "Moldova, Republic of",
    "PS": "Palestine, State of",
    "RU": "Russian Federation",
    "SY": "Syrian Arab Republic",
    "TR": "Turkey",
    "TW": "Taiwan, Province of China",
    "TZ": "Tanzania, United Republic of",
    "US": "United States of America",
    "VE": "Venezuela, Bolivarian Republic of",
    "VN": "Viet Nam",
}


def fold(text: str) -> str:
    """Letters and digits only, without accents or case: "Việt Nam" and "viet-nam" match."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _language(language: str | None) -> str:
    code = (language or get_language() or "en").split("-")[0].lower()
    return code if code in NAME_LANGUAGES else "en"


@cache
def _names(language: str) -> dict[str, str]:
    territories = Locale.parse(language).territories
    return {code: territories.get(code, code) for code in COUNTRY_CODES}


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the language (the active one by default); unknown codes as given."""
    if not code:
        return ""
    return _names(_language(language)).get(code.upper(), code)


@cache
def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs in the language, Vietnam first, then by name as people read it."""
    names = _names(_language(language))
    rest = sorted((c for c in names if c != FIRST), key=lambda c: (fold(names[c]), c))
    return [(code, names[code]) for code in [FIRST, *rest]]


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in ISO_NAMES.items():
        index.setdefault(fold(name), code)
    for language in NAME_LANGUAGES:
        for code, name in _names(language).items():
            index.setdefault(fold(name), code)
    return index


def resolve_country(text: str) -> str | None:
    """The ISO code for a code (any case) or a name in English or Vietnamese; None if unknown.

    A two-letter value is read as a code first: the API has always taken codes.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in COUNTRY_CODES:
        return text.upper()
    return _index().get(fold(text))


def mistaken_for(code: str, language: str) -> list[str]:
    """Countries whose name, in the language the person registered in, starts with the two
    letters stored as their code — when that code's own name does not.

    The old form cut a typed name to two letters: "Việt Nam" became VI (U.S. Virgin Islands),
    "Germany" GE (Georgia). A code that is not a country at all is mistaken for nothing here.
    """
    code = (code or "").upper()
    names = _names(_language(language))
    if code not in COUNTRY_CODES or fold(names[code])[:2].upper() == code:
        return []
    return sorted(c for c, name in names.items() if c != code and fold(name)[:2].upper() == code)
