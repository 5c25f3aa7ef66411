"""Celery tasks of the call for abstracts: each calls one service and returns its outcome."""

from celery import shared_task

from . import reviewing


@shared_task
def remind_reviewers() -> int:
    return reviewing.remind_reviewers()
