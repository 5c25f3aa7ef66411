"""Celery tasks: each calls one service and returns its outcome."""

from celery import shared_task

from . import personal_data


@shared_task
def apply_retention() -> dict:
    """Periodic (beat): warn the teams whose events' personal data goes soon, erase what is due."""
    return personal_data.apply_retention()


@shared_task
def issue_certificates() -> dict:
    """Periodic (beat): certificates of attendance for the people of events that ended."""
    from . import certificates

    return certificates.issue_due_certificates()
