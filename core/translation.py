"""Content written in Vietnamese, English or both: pick the reader's language, else the other."""

from django.utils.translation import get_language

CONTENT_LANGUAGES = ("en", "vi")


def pick(obj: object, field: str, language: str | None = None) -> str:
    language = (language or get_language() or "en")[:2]
    order = [language] + [code for code in CONTENT_LANGUAGES if code != language]
    for code in order:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


def choose(text_en: str, text_vi: str, language: str | None = None) -> str:
    """The text in the reader's language, else the other one."""
    language = (language or get_language() or "en")[:2]
    first, second = (text_vi, text_en) if language == "vi" else (text_en, text_vi)
    return first or second


def written_in(text_en: str, text_vi: str, default: str = "en") -> str:
    """The language a bilingual text is written in: the only one it has, else `default`."""
    if text_vi and not text_en:
        return "vi"
    if text_en and not text_vi:
        return "en"
    return default
