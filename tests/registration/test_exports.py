"""Exports name countries for people, in the reader's language, and keep the code for programs."""

import csv
import io

import pytest
from openpyxl import load_workbook

from registration.models import Question
from tests.conftest import client_for
from tests.factories import EventFactory, QuestionFactory

from .helpers import register

pytestmark = pytest.mark.django_db


def export(owner, event, suffix: str, language: str):
    path = f"/api/v1/events/{event.slug}/registrations/export.{suffix}"
    return client_for(owner).get(path, HTTP_ACCEPT_LANGUAGE=language)


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "language, code_column, name_column, name",
    [
        ("en", "Country", "Country name", "South Korea"),
        ("vi", "Quốc gia", "Tên quốc gia", "Hàn Quốc"),
    ],
)
def test_export_csv_names_the_country_next_to_its_code(
    owner, language, code_column, name_column, name
):
    event = EventFactory(owner=owner)
    register(event, 1, country="KR")

    (row,) = csv_rows(export(owner, event, "csv", language))

    assert (row[code_column], row[name_column]) == ("KR", name)


def test_export_csv_leaves_the_name_empty_without_a_country(owner):
    event = EventFactory(owner=owner)
    register(event, 1, country="")

    (row,) = csv_rows(export(owner, event, "csv", "en"))

    assert (row["Country"], row["Country name"]) == ("", "")


@pytest.mark.parametrize("language, name", [("en", "Vietnam"), ("vi", "Việt Nam")])
def test_export_xlsx_names_the_country_next_to_its_code(owner, language, name):
    event = EventFactory(owner=owner)
    register(event, 1, country="VN")

    sheet = load_workbook(io.BytesIO(export(owner, event, "xlsx", language).content)).active
    header, row = ([cell.value for cell in line] for line in sheet.iter_rows(max_row=2))

    code = header.index("Country" if language == "en" else "Quốc gia")
    assert row[code : code + 2] == ["VN", name]


@pytest.mark.parametrize("language, name", [("en", "Japan"), ("vi", "Nhật Bản")])
def test_export_answer_to_a_country_question_is_a_name(owner, language, name):
    event = EventFactory(owner=owner)
    question = QuestionFactory(event=event, kind=Question.Kind.COUNTRY, label_en="Home country")
    register(event, 1, answers={str(question.pk): "JP"})

    response = export(owner, event, "csv", language)

    assert list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1][-1] == name
