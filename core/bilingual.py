"""Content written in English, Vietnamese or both: the request's language picks which of a
bilingual field's columns (`title_en`, `title_vi`) a plain `title` fills."""

from django.utils.translation import get_language


def content_language() -> str:
    language = (get_language() or "en")[:2]
    return language if language in ("en", "vi") else "en"


class BilingualMixin:
    """Accepts `title` (etc.) in the request's language, or `title_en`/`title_vi` directly."""

    bilingual_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            return super().to_internal_value(data)
        data = data.copy()
        for name in self.bilingual_fields:
            if name in data and f"{name}_{content_language()}" not in data:
                data[f"{name}_{content_language()}"] = data[name]
        return super().to_internal_value(data)
