"""The retry policy for every email, in one place."""

import smtplib
import socket
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

MAX_ATTEMPTS = 8
FIRST_DELAY = timedelta(seconds=30)
LONGEST_DELAY = timedelta(hours=1)


def lease() -> timedelta:
    """A delivery claimed longer ago than this by a worker that never finished is taken back."""
    return timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def is_permanent(error: Exception) -> bool:
    """5xx answers are final; 4xx answers, refused connections and timeouts are not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def is_transient(error: Exception) -> bool:
    return isinstance(error, smtplib.SMTPException | OSError | socket.timeout)


def next_attempt(attempts: int, now: datetime | None = None) -> datetime | None:
    """When to try again after `attempts` failed tries, or None when it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    delay = min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)
    return (now or timezone.now()) + delay


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"{error.smtp_code} {message}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{code} {message.decode(errors='replace') if isinstance(message, bytes) else message}"
            for code, message in error.recipients.values()
        )
    return f"{type(error).__name__}: {error}"
