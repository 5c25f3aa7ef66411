"""Vietnamese ships complete: every message is translated, and the committed .mo matches."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parent.parent / "config" / "locale" / "vi" / "LC_MESSAGES"


def test_vietnamese_catalogue_has_no_untranslated_messages():
    po = polib.pofile(str(CATALOGUE / "django.po"))

    missing = [entry.msgid for entry in po.untranslated_entries() + po.fuzzy_entries()]

    assert missing == []


def test_vietnamese_compiled_catalogue_is_up_to_date():
    po = polib.pofile(str(CATALOGUE / "django.po"))
    mo = polib.mofile(str(CATALOGUE / "django.mo"))

    compiled = {entry.msgid: entry.msgstr for entry in mo}

    assert {entry.msgid: entry.msgstr for entry in po.translated_entries()} == compiled


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [("This event is full.", "Sự kiện"), ("This field is required.", "bắt buộc")],
)
def test_messages_are_served_in_vietnamese(english, vietnamese):
    with translation.override("vi"):
        assert vietnamese in translation.gettext(english)
