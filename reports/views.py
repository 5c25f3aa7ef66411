"""Open data: the public events and the programme statistics, as JSON and CSV."""

import csv
import io
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from events.renderers import FILE_RENDERERS

from . import services

CSV_RESPONSE = OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8, a header row")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return value


def csv_response(rows: list[dict[str, Any]], columns: tuple[str, ...], filename: str):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(name)) for name in columns] for row in rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = f"public, max-age={settings.STATISTICS_CACHE_SECONDS}"
    return response


class OpenDataView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []  # public files: no session, no CSRF, cacheable

    def envelope(self, rows: list[dict[str, Any]], **extra: Any) -> Response:
        response = Response(
            {
                "licence": settings.OPEN_DATA_LICENCE,
                "generated_at": timezone.now().isoformat(),
                **extra,
                "count": len(rows),
                "results": rows,
            }
        )
        response["Cache-Control"] = f"public, max-age={settings.STATISTICS_CACHE_SECONDS}"
        return response


class EventsJSON(OpenDataView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="open_data_events_json")
    def get(self, request):
        """Every published event (cancelled ones too): public fields, no personal data."""
        return self.envelope(services.open_events())


class EventsCSV(OpenDataView):
    renderer_classes = FILE_RENDERERS

    @extend_schema(responses={200: CSV_RESPONSE}, operation_id="open_data_events_csv")
    def get(self, request):
        """The same as events.json, one row per event; fields are separated by ";"."""
        return csv_response(services.open_events(), services.EVENT_FIELDS, "events.csv")


STATISTICS_COLUMNS = (
    "programme", "year", "quarter", "dimension", "category",
    *services.EVENT_COUNTS, *services.PEOPLE, "international_share", "show_up_rate",
    "target_events", "target_participants", "target_international_share",
)  # fmt: skip


class StatisticsJSON(OpenDataView):
    @extend_schema(responses=OpenApiTypes.OBJECT, operation_id="open_data_statistics_json")
    def get(self, request):
        """Per programme, year and quarter: events planned, held and cancelled, participants,
        check-ins, international participants and countries, with targets; per scope, field
        and kind by year. Counts below the threshold read "<5"."""
        return self.envelope(
            services.statistics(), suppression_threshold=settings.OPEN_DATA_MIN_COUNT
        )


class StatisticsCSV(OpenDataView):
    renderer_classes = FILE_RENDERERS

    @extend_schema(responses={200: CSV_RESPONSE}, operation_id="open_data_statistics_csv")
    def get(self, request):
        """The same as statistics.json, one row per aggregate."""
        return csv_response(services.statistics(), STATISTICS_COLUMNS, "statistics.csv")
