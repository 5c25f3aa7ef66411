"""Open data: the public events and the programme statistics, as JSON and CSV."""

import csv
import io
import json
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from events.renderers import FILE_RENDERERS
from registration.exports import _safe as formula_safe

from . import open_events, services

CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8, a header row")


def _cell(value: Any) -> Any:
    """A CSV cell; organiser-written text that a spreadsheet would run as a formula (a title
    starting with "=", say) is made plain text the way the registration exports do it."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(formula_safe(str(item)) for item in value)
    return formula_safe(value)


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(name)) for name in columns] for row in rows)
    return buffer.getvalue().encode()


def csv_response(rows: list[dict[str, Any]], columns: tuple[str, ...], filename: str):
    return file_response(csv_text(rows, columns), "text/csv; charset=utf-8", filename)


def file_response(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={settings.STATISTICS_CACHE_SECONDS}"
    return response


def envelope(rows: list[dict[str, Any]], **extra: Any) -> bytes:
    document = {
        "licence": settings.OPEN_DATA_LICENCE,
        "generated_at": timezone.now().isoformat(),
        **extra,
        "count": len(rows),
        "results": rows,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


class OpenDataView(APIView):
    """A public file, rendered once and kept in the cache until the figures change."""

    permission_classes = [AllowAny]
    authentication_classes: list = []  # public files: no session, no CSRF, cacheable
    renderer_classes = FILE_RENDERERS
    filename = ""

    def body(self) -> bytes:
        raise NotImplementedError

    def get(self, request):
        body = services.cached_file(self.filename, self.body)
        kind = "text/csv; charset=utf-8" if self.filename.endswith(".csv") else "application/json"
        return file_response(body, kind, self.filename)


class EventsJSON(OpenDataView):
    filename = "events.json"

    def body(self) -> bytes:
        return envelope(open_events.open_events())

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="open_data_events_json")
    def get(self, request):
        """Every published event (cancelled ones too): public fields, no personal data."""
        return super().get(request)


class EventsCSV(OpenDataView):
    filename = "events.csv"

    def body(self) -> bytes:
        return csv_text(open_events.open_events(), open_events.EVENT_FIELDS)

    @extend_schema(responses={200: CSV_RESPONSE}, operation_id="open_data_events_csv")
    def get(self, request):
        """The same as events.json, one row per event; fields are separated by ";"."""
        return super().get(request)


STATISTICS_COLUMNS = (
    "programme", "year", "quarter", "dimension", "category",
    *services.EVENT_COUNTS, *services.PEOPLE, "international_share", "show_up_rate",
    "target_events", "target_participants", "target_international_share",
)  # fmt: skip


class StatisticsJSON(OpenDataView):
    filename = "statistics.json"

    def body(self) -> bytes:
        return envelope(services.statistics(), suppression_threshold=services.threshold())

    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="open_data_statistics_json")
    def get(self, request):
        """Per programme, year and quarter: events planned, held and cancelled, participants,
        check-ins, international participants and countries, with targets; per scope, field
        and kind by year. Counts below the threshold read "<5"."""
        return super().get(request)


class StatisticsCSV(OpenDataView):
    filename = "statistics.csv"

    def body(self) -> bytes:
        return csv_text(services.statistics(), STATISTICS_COLUMNS)

    @extend_schema(responses={200: CSV_RESPONSE}, operation_id="open_data_statistics_csv")
    def get(self, request):
        """The same as statistics.json, one row per aggregate."""
        return super().get(request)
