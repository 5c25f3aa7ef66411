"""Bilingual content: the reader's language, else the other; the language a text is in."""

from types import SimpleNamespace

from django.utils import translation

from core.translation import choose, pick, written_in


def test_choose_gives_the_readers_language_when_written():
    assert choose("Opening", "Khai mạc", "vi") == "Khai mạc"


def test_choose_falls_back_to_the_other_language():
    assert choose("Opening", "", "vi") == "Opening"


def test_pick_follows_the_active_language():
    talk = SimpleNamespace(title_en="Opening", title_vi="Khai mạc")

    with translation.override("vi"):
        assert pick(talk, "title") == "Khai mạc"


def test_written_in_names_the_only_language_a_text_has():
    assert (written_in("", "Khai mạc"), written_in("Opening", "")) == ("vi", "en")


def test_written_in_both_languages_gives_the_default():
    assert written_in("Opening", "Khai mạc", default="vi") == "vi"
