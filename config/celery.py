"""The Celery application. Apps define tasks with ``shared_task`` and never import this module."""

import os

from celery import Celery, platforms
from celery.signals import beat_init, import_modules, task_postrun, task_prerun

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


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    """What Django does around each request, around each task: a connection that broke or
    outlived DATABASE_CONN_MAX_AGE is closed, the next query opens a new one. Celery's own
    closing of every connection around every task is off (CELERY_DB_REUSE_MAX)."""
    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in the caller's thread, inside its transaction: its connection
    from django.db import close_old_connections

    close_old_connections()


@beat_init.connect
def _stop_beat_without_syncing_in_the_signal_handler(sender, **kwargs) -> None:
    """Celery's own SIGTERM handler saves the schedule inside the signal handler, which can
    arrive while beat is in the middle of a database call or holds a lock the save needs: beat
    then hangs until it is killed. Leaving the loop is enough, since beat saves the schedule on
    its way out (``Service.start``'s ``finally``)."""

    def leave_the_loop(signum, frame) -> None:
        raise SystemExit()

    platforms.signals.update(SIGTERM=leave_the_loop, SIGINT=leave_the_loop)
