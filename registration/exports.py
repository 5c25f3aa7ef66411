"""Registrations with their answers as CSV or XLSX, one column per question.

Countries come twice: the ISO code for programs that read the file, and the name in the
reader's language for people ("Việt Nam" / "Vietnam"); an answer to a country question is
read by people, so it is the name.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.countries import country_name
from events.models import Event

from .models import Question, Registration

# Cells starting with these are formulas to a spreadsheet: prefix them so they stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _answer_text(question: Question, value: Any) -> Any:
    if value is None:
        return ""
    if question.kind == Question.Kind.COUNTRY:
        return country_name(str(value))
    if question.has_choices:
        labels = {choice.pk: choice.label for choice in question.choices.all()}
        items = value if isinstance(value, list) else [value]
        return "; ".join(labels.get(item, str(item)) for item in items)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def rows(event: Event, registrations: Iterable[Registration]) -> list[list[Any]]:
    questions = list(event.questions.prefetch_related("choices"))
    header = [
        _("ID"),
        _("Status"),
        _("Name"),
        _("Email"),
        _("Affiliation"),
        _("Country"),
        _("Country name"),
        _("Language"),
        _("Participant type"),
        _("Ticket code"),
        _("Checked in"),
        _("Registered"),
    ] + [question.label for question in questions]
    table = [header]
    for registration in registrations:
        local = event.tzinfo
        table.append(
            [
                registration.pk,
                registration.get_status_display(),
                registration.name,
                registration.email,
                registration.affiliation,
                registration.country,
                country_name(registration.country),
                registration.language,
                registration.get_participant_type_display(),
                registration.ticket_code,
                timezone.localtime(registration.checked_in_at, local).strftime("%Y-%m-%d %H:%M")
                if registration.checked_in_at
                else "",
                timezone.localtime(registration.created_at, local).strftime("%Y-%m-%d %H:%M"),
            ]
            + [_answer_text(q, registration.answers.get(str(q.pk))) for q in questions]
        )
    return [[_safe(cell) for cell in row] for row in table]


def csv_response(event: Event, registrations) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # so spreadsheet programs read UTF-8 Vietnamese names correctly
    csv.writer(buffer).writerows(rows(event, registrations.iterator()))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.csv"'
    return response


def xlsx_response(event: Event, registrations) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Registrations"))
    for row in rows(event, registrations.iterator()):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-registrations.xlsx"'
    return response
