"""Open data: the public events and the programme statistics, as JSON and CSV."""

import csv
import hashlib
import io
import json
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.conditional import conditional, etag_of
from core.renderers import CSV, FILE_RENDERERS, file_renderers
from core.schema import file_download
from registration.exports import _safe as formula_safe

from . import attendance, open_events, services

CSV_RESPONSE = file_download(CSV, "CSV, UTF-8, a header row.")
JSON_RESPONSE = {(200, "application/json"): OpenApiTypes.OBJECT}


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
    response["Cache-Control"] = cache_control()
    return response


def cache_control() -> str:
    return f"public, max-age={settings.STATISTICS_CACHE_SECONDS}"


GENERATED_AT = re.compile(rb'"generated_at":"[^"]*",')


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

    def dated_body(self) -> tuple[str, datetime, bytes]:
        """The file with its validators, computed once when it is rendered. The ETag ignores
        `generated_at`, so a file rebuilt with the same figures keeps its ETag."""
        built = timezone.now()
        body = self.body()
        figures = GENERATED_AT.sub(b"", body, count=1)
        return etag_of(self.filename, hashlib.sha256(figures).hexdigest()), built, body

    def get(self, request):
        etag, built, body = services.cached_file(f"{self.filename}:dated", self.dated_body)
        kind = "text/csv; charset=utf-8" if self.filename.endswith(".csv") else "application/json"
        response = conditional(
            request,
            lambda: file_response(body, kind, self.filename),
            etag=etag,
            last_modified=built,
        )
        response.headers.setdefault("Cache-Control", cache_control())
        return response


class EventsJSON(OpenDataView):
    filename = "events.json"

    def body(self) -> bytes:
        return envelope(open_events.open_events())

    @extend_schema(responses=JSON_RESPONSE, operation_id="open_data_events_json")
    def get(self, request):
        """Every published event (cancelled ones too): public fields, no personal data."""
        return super().get(request)


class EventsCSV(OpenDataView):
    filename = "events.csv"
    renderer_classes = file_renderers(CSV)

    def body(self) -> bytes:
        return csv_text(open_events.open_events(), open_events.EVENT_FIELDS)

    @extend_schema(responses=CSV_RESPONSE, operation_id="open_data_events_csv")
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

    @extend_schema(responses=JSON_RESPONSE, operation_id="open_data_statistics_json")
    def get(self, request):
        """Per programme, year and quarter: events planned, held and cancelled, participants,
        check-ins, international participants and countries, with targets; per scope, field
        and kind by year. Counts below the threshold read "<5"."""
        return super().get(request)


class StatisticsCSV(OpenDataView):
    filename = "statistics.csv"
    renderer_classes = file_renderers(CSV)

    def body(self) -> bytes:
        return csv_text(services.statistics(), STATISTICS_COLUMNS)

    @extend_schema(responses=CSV_RESPONSE, operation_id="open_data_statistics_csv")
    def get(self, request):
        """The same as statistics.json, one row per aggregate."""
        return super().get(request)


class AttendanceJSON(OpenDataView):
    filename = "attendance.json"

    def body(self) -> bytes:
        return envelope(attendance.open_attendance(), suppression_threshold=services.threshold())

    @extend_schema(responses=JSON_RESPONSE, operation_id="open_data_attendance_json")
    def get(self, request):
        """Per held event and day: the people checked in that day (a multi-day event counts
        each day). Counts below the threshold read "<5"; "≥5" marks one withheld so that no
        small count can be worked out from the others."""
        return super().get(request)


class AttendanceCSV(OpenDataView):
    filename = "attendance.csv"
    renderer_classes = file_renderers(CSV)

    def body(self) -> bytes:
        return csv_text(attendance.open_attendance(), attendance.ATTENDANCE_FIELDS)

    @extend_schema(responses=CSV_RESPONSE, operation_id="open_data_attendance_csv")
    def get(self, request):
        """The same as attendance.json, one row per event and day."""
        return super().get(request)
