"""What a sender does once per batch, or once per address, instead of once per email.

A bulk worker's time per email is what limits the fan-out: work that gives the same answer
for every email of a batch is done once here.
"""

import functools

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

from .models import Delivery

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"


def with_events(deliveries: list[Delivery]) -> list[Delivery]:
    """Give each claimed delivery's registration its event, loaded once for the batch rather
    than joined into every row (a batch is nearly always one event's)."""
    from events.models import Event

    event_ids = {d.registration.event_id for d in deliveries if d.registration_id}
    events = Event.objects.in_bulk(event_ids)
    for delivery in deliveries:
        if delivery.registration_id:
            delivery.registration.event = events[delivery.registration.event_id]
    return deliveries


def backend(configured: str) -> str:
    """The backend to send with: Django's SMTP backend becomes ours, which only remembers
    checked addresses; any other (console, locmem) stays as configured."""
    return f"{__name__}.EmailBackend" if configured == DJANGO_SMTP else configured


@functools.lru_cache(maxsize=4096)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _envelope(address: str, encoding: str) -> str:
    # A registration's address is a validated bare ASCII address: checking it again, for
    # every email, cost as much as writing the email. Anything else is checked as Django does.
    if address.isascii() and not any(c in address for c in '<>\r\n"(), ;:'):
        return address
    return _sanitized(address, encoding)


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend; the sender's address is checked once, a plain recipient
    address is used as it is. Same connection handling, errors and wire bytes."""

    def _send(self, email_message) -> bool:
        recipients = email_message.recipients()
        if not recipients:
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = _sanitized(email_message.from_email, encoding)
        message = email_message.message()
        try:
            self.connection.sendmail(
                from_email,
                [_envelope(address, encoding) for address in recipients],
                message.as_bytes(linesep="\r\n"),
            )
        except smtp.smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
