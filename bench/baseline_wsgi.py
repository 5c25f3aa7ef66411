"""The floors to compare against, served by the same gunicorn settings, database, middleware
and DRF settings as the real app:

- `insert/`: a plain Django view that inserts one row;
- `drf/register/`: a minimal DRF endpoint with the transaction shape of a registration — a
  serializer for name and email, an INSERT, then the conditional UPDATE of one hot counter row
  (the seat counter) — and nothing else;
- `drf/rows/<pk>/`: a minimal DRF GET of one row (an event's id, slug, title and start).

The tables `bench_baseline` and `bench_baseline_counter` are made by the benchmark (TABLES).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()  # sets Django up before DRF is imported

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402
from rest_framework import serializers  # noqa: E402
from rest_framework.exceptions import NotFound  # noqa: E402
from rest_framework.permissions import AllowAny  # noqa: E402
from rest_framework.response import Response  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

TABLES = """
CREATE TABLE IF NOT EXISTS bench_baseline (
    id bigserial PRIMARY KEY, body text, name text, email text, created_at timestamptz);
CREATE TABLE IF NOT EXISTS bench_baseline_counter (
    id int PRIMARY KEY, taken int NOT NULL, capacity int);
INSERT INTO bench_baseline_counter VALUES (1, 0, NULL) ON CONFLICT DO NOTHING;
"""


@csrf_exempt
def insert_one(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline (body) VALUES (%s)", [request.body.decode()])
    return HttpResponse(b'{"ok":true}', status=201, content_type="application/json")


class PersonSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField()


class Register(APIView):
    """The registration floor: validate, INSERT, take a seat on the hot row, answer."""

    permission_classes = [AllowAny]  # anyone registers, as on the real endpoint

    def post(self, request):
        person = PersonSerializer(data=request.data)
        person.is_valid(raise_exception=True)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_baseline (name, email, created_at) VALUES (%s, %s, now()) "
                "RETURNING id",
                [person.validated_data["name"], person.validated_data["email"]],
            )
            pk = cursor.fetchone()[0]
            cursor.execute(
                "UPDATE bench_baseline_counter SET taken = taken + 1 "
                "WHERE id = 1 AND (capacity IS NULL OR taken < capacity)"
            )
            seated = bool(cursor.rowcount)
        return Response({"id": pk, "status": "confirmed" if seated else "full"}, status=201)


class RowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateTimeField()


class Row(APIView):
    """The read floor: one row by primary key, through a serializer."""

    def get(self, request, pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, slug, title_en, start FROM events_event WHERE id = %s", [pk])
            row = cursor.fetchone()
        if row is None:
            raise NotFound()
        return Response(
            RowSerializer(dict(zip(("id", "slug", "title", "start"), row, strict=True))).data
        )


def ready(request):
    return HttpResponse(b"[]", content_type="application/json")


urlpatterns = [
    path("insert/", insert_one),
    path("drf/register/", Register.as_view()),
    path("drf/rows/<int:pk>/", Row.as_view()),
    path("api/v1/fields/", ready),
]
settings.ROOT_URLCONF = __name__
