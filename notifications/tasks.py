from celery import shared_task

from . import services

# Transient SMTP trouble (4xx, refused, timeouts) is retried with exponential backoff.
RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
def deliver_email(email_id: int) -> str:
    return services.deliver(email_id)


@shared_task
def drain_outbox() -> int:
    return services.drain()


@shared_task
def sweep_outbox() -> int:
    return services.sweep()
