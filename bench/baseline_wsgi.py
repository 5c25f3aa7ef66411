"""The floor to compare against: a plain Django view that inserts one row, served by the
same gunicorn settings, database and middleware as the real app."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


@csrf_exempt
def insert_one(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_baseline (body) VALUES (%s)", [request.body.decode()])
    return HttpResponse(b'{"ok":true}', status=201, content_type="application/json")


def ready(request):
    return HttpResponse(b"[]", content_type="application/json")


urlpatterns = [path("insert/", insert_one), path("api/v1/fields/", ready)]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
