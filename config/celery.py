"""The Celery application. Apps define tasks with ``shared_task`` and never import this module."""

import os

from celery import Celery
from celery.signals import import_modules

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scievents")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@import_modules.connect
def _refuse_unsafe_start(**kwargs) -> None:
    """Worker and beat load their task modules before they touch the broker or the database:
    with a published key they would send links anyone can forge, so they stop here."""
    from config.safety import refuse_unsafe_start

    refuse_unsafe_start()
