"""Organiser search of registrations: accents and case ignored, every field people look by."""

import pytest

from registration.filters import RegistrationFilter
from registration.models import Registration
from registration.search import normalise_code, search
from tests.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    event = EventFactory()
    RegistrationFactory(event=event, name="Trần Thị Mai", email="mai@vast.vn", affiliation="VAST")
    RegistrationFactory(
        event=event, name="Đỗ Văn Đức", email="duc@hust.edu.vn", affiliation="Đại học Bách khoa"
    )
    RegistrationFactory(event=event, name="Anna Müller", email="anna@uni-jena.de")
    return Registration.objects.filter(event=event)


def names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("tran thi mai", ["Trần Thị Mai"]),
        ("TRAN THI MAI", ["Trần Thị Mai"]),
        ("Trần Thị Mai", ["Trần Thị Mai"]),
        ("mai tran", ["Trần Thị Mai"]),  # every word, in any order
        ("do van duc", ["Đỗ Văn Đức"]),
        ("dai hoc bach khoa", ["Đỗ Văn Đức"]),  # organisation
        ("HUST.EDU", ["Đỗ Văn Đức"]),  # email
        ("muller", ["Anna Müller"]),
        ("nobody", []),
    ],
)
def test_search_ignores_accents_and_case(people, typed, expected):
    assert names(search(people, typed)) == expected


def test_search_finds_ticket_code_typed_with_dashes_and_lower_case(people):
    mai = people.get(name="Trần Thị Mai")
    code = mai.ticket_code
    typed = f"{code[:4]}-{code[4:8]} {code[8:]}".lower()

    assert names(search(people, typed)) == ["Trần Thị Mai"]


def test_search_blank_returns_everyone(people):
    assert search(people, "   ").count() == 3


def test_filter_q_uses_the_accent_insensitive_search(people):
    found = RegistrationFilter({"q": "tran thi"}, queryset=people).qs

    assert names(found) == ["Trần Thị Mai"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("abcd-efgh-jkmn", "ABCDEFGHJKMN"), (" ab cd\tef ", "ABCDEF"), ("AB–CD", "ABCD")],
)
def test_normalise_code_drops_spaces_and_dashes(typed, expected):
    assert normalise_code(typed) == expected
