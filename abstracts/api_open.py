"""API: the book of abstracts (PDF) and the accepted abstracts as open data (JSON, CSV).
Public once the event is public: only accepted abstracts, never an email address."""

import csv
import io
import json

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema

from core.renderers import CSV, PDF, file_renderers
from core.schema import file_download
from registration.exports import _safe as formula_safe

from . import book
from .api_base import EventAbstractsView
from .api_submissions import NOT_FOUND


def _file(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


class BookView(EventAbstractsView):
    rules = {"*": "public"}

    def get_renderers(self):
        return [renderer() for renderer in file_renderers(PDF)]

    @extend_schema(
        responses={**file_download(PDF, "The book of abstracts."), **NOT_FOUND},
        operation_id="abstracts_book",
    )
    def get(self, request, event_slug):
        return _file(book.book_pdf(self.event), PDF, f"{self.event.slug}-book-of-abstracts.pdf")


class AcceptedJsonView(EventAbstractsView):
    rules = {"*": "public"}

    @extend_schema(
        responses={(200, "application/json"): OpenApiTypes.OBJECT, **NOT_FOUND},
        operation_id="abstracts_accepted_json",
    )
    def get(self, request, event_slug):
        rows = book.open_rows(self.event)
        document = {
            "licence": settings.OPEN_DATA_LICENCE,
            "generated_at": timezone.now().isoformat(),
            "event": self.event.slug,
            "count": len(rows),
            "results": rows,
        }
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return _file(body, "application/json", f"{self.event.slug}-abstracts.json")


class AcceptedCsvView(EventAbstractsView):
    rules = {"*": "public"}

    def get_renderers(self):
        return [renderer() for renderer in file_renderers(CSV)]

    @extend_schema(
        responses={**file_download(CSV, "CSV, UTF-8, a header row."), **NOT_FOUND},
        operation_id="abstracts_accepted_csv",
    )
    def get(self, request, event_slug):
        return _file(
            csv_rows(book.open_rows(self.event)),
            "text/csv; charset=utf-8",
            f"{self.event.slug}-abstracts.csv",
        )


def csv_rows(rows) -> bytes:
    """One row per abstract; lists joined with ";"; text a spreadsheet would run as a formula
    made plain, as the registration exports do."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(book.OPEN_COLUMNS)
    for row in rows:
        cells = []
        for name in book.OPEN_COLUMNS:
            value = row.get(name)
            if isinstance(value, list):
                value = ";".join(formula_safe(str(v)) for v in value)
            cells.append("" if value is None else formula_safe(value))
        writer.writerow(cells)
    return buffer.getvalue().encode()
