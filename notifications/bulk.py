"""What a sender does once per batch, or once per address, instead of once per email.

A bulk worker's time per email is what limits the fan-out: work that gives the same answer
for every email of a batch is done once here.
"""

import functools
import smtplib

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address

from .models import Delivery

DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"


# What sending a reminder, news or a notice reads of a delivery and of its registration
# (sending._still_wanted, rendering._render_message): only these are loaded for such rows. The
# registration's answers, consent and times, and the delivery's own times, took two thirds of
# a claim's CPU to turn into Python objects, for nothing.
MESSAGE_FIELDS = (
    "kind",
    "language",
    "to_email",
    "context",
    "event",
    "message",
    "registration",
    "registration__event",
    "registration__status",
    "registration__name",
    "registration__manage_token",
    "registration__erased_at",
)


def load(claimed: list[tuple[int, int | None]]) -> list[Delivery]:
    """The claimed deliveries, given as (id, message id), in id order with what sending them
    reads: only MESSAGE_FIELDS for a message's (a bulk batch is all of them), everything for
    the others (a ticket reads much more of a registration)."""
    rows = Delivery.objects.select_related("registration")
    of_messages = [pk for pk, message_id in claimed if message_id is not None]
    others = [pk for pk, message_id in claimed if message_id is None]
    loaded = list(rows.filter(pk__in=of_messages).only(*MESSAGE_FIELDS)) if of_messages else []
    loaded += rows.filter(pk__in=others) if others else []
    return with_shared(sorted(loaded, key=lambda delivery: delivery.pk))


def with_shared(deliveries: list[Delivery]) -> list[Delivery]:
    """Give each claimed delivery its message, and its registration its event, each loaded
    once for the batch rather than joined into every row (a batch is nearly always one
    message's, to one event's people)."""
    from events.models import Event

    from .models import Message

    events = Event.objects.in_bulk(
        {d.registration.event_id for d in deliveries if d.registration_id}
    )
    messages = Message.objects.in_bulk({d.message_id for d in deliveries if d.message_id})
    for delivery in deliveries:
        if delivery.registration_id:
            delivery.registration.event = events[delivery.registration.event_id]
        if delivery.message_id:
            delivery.message = messages[delivery.message_id]
    return deliveries


def backend(configured: str) -> str:
    """The backend to send with: Django's SMTP backend becomes ours, which only remembers
    checked addresses; any other (console, locmem) stays as configured."""
    return f"{__name__}.EmailBackend" if configured == DJANGO_SMTP else configured


@functools.lru_cache(maxsize=4096)
def _sanitized(address: str, encoding: str) -> str:
    return sanitize_address(address, encoding)


def _is_bare(address: str) -> bool:
    """A plain ASCII addr-spec, as a registration's validated address is: nothing in it that
    an address parser would read as a display name, a comment, a route or a second address."""
    return (
        address.isascii()
        and address.count("@") == 1
        and not any(c in address for c in '<>\r\n"(), ;:[]\\')
    )


def _envelope(address: str, encoding: str) -> str:
    # A registration's address is a validated bare ASCII address: checking it again, for
    # every email, cost as much as writing the email. Anything else is checked as Django does.
    return address if _is_bare(address) else _sanitized(address, encoding)


def _quoted(address: str) -> str:
    """smtplib.quoteaddr(address): a bare address only gains its angle brackets."""
    return f"<{address}>" if _is_bare(address) else _quoteaddr(address)


_quoteaddr = functools.lru_cache(maxsize=256)(smtplib.quoteaddr)  # the sender, every email


class _Lean:
    """smtplib's MAIL, RCPT and DATA with the same commands and bytes on the wire, less the
    work that gives nothing for our emails: parsing a bare address again to put it in angle
    brackets, and a regular expression over the whole email looking for lines that start
    with a dot (base64 bodies and header lines never do; one that does is still escaped)."""

    def mail(self, sender: str, options=()):
        if any(x.lower() == "smtputf8" for x in options):
            return super().mail(sender, options)
        optionlist = " " + " ".join(options) if options and self.does_esmtp else ""
        self.putcmd("mail", f"FROM:{_quoted(sender)}{optionlist}")
        return self.getreply()

    def rcpt(self, recip: str, options=()):
        optionlist = " " + " ".join(options) if options and self.does_esmtp else ""
        self.putcmd("rcpt", f"TO:{_quoted(recip)}{optionlist}")
        return self.getreply()

    def data(self, msg):
        if not isinstance(msg, bytes) or msg.startswith(b".") or b"\n." in msg:
            return super().data(msg)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        self.send(msg + (b".\r\n" if msg.endswith(b"\r\n") else b"\r\n.\r\n"))
        return self.getreply()


class _SMTP(_Lean, smtplib.SMTP):
    pass


class _SMTP_SSL(_Lean, smtplib.SMTP_SSL):
    pass


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend; the sender's address is checked once, a plain recipient
    address is used as it is. Same connection handling, errors and wire bytes."""

    @property
    def connection_class(self):
        return _SMTP_SSL if self.use_ssl else _SMTP

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
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
