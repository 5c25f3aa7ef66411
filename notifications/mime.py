"""The bytes of a reminder or broadcast, written directly.

Going through the `email` package's generator cost more than everything else a bulk sender
does per email. These messages are always the same shape — text and HTML alternatives, no
attachments — so they are written out here; the result is checked by parsing it back with
the `email` package in the tests.
"""

import base64
import functools
import secrets
from email.header import Header
from email.utils import formatdate, make_msgid

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME


@functools.lru_cache(maxsize=16)
def _sender(address: str) -> str:
    return sanitize_address(address, "utf-8")


def _recipient(address: str) -> str:
    # Registration emails are validated bare addresses; anything else gets the full treatment.
    if address.isascii() and "<" not in address and "\n" not in address and "\r" not in address:
        return address
    return sanitize_address(address, "utf-8")


def _header(value: str) -> str:
    if "\n" in value or "\r" in value:
        raise ValueError("Header values must be on one line.")
    return value if value.isascii() else Header(value, "utf-8").encode()


def _part(content_type: str, text: str) -> bytes:
    body = base64.encodebytes(text.encode()).replace(b"\n", b"\r\n")
    head = (
        f"Content-Type: {content_type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    return head.encode() + body


class _Written:
    """What Django's SMTP backend asks of `message()`: the bytes, with a line separator."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def as_bytes(self, linesep: str = "\n") -> bytes:
        return self.data if linesep == "\r\n" else self.data.replace(b"\r\n", linesep.encode())


class AlternativesEmail(EmailMultiAlternatives):
    """A text body with one HTML alternative; Django's backends send it as any email."""

    def message(self):
        html = next(content for content, mimetype in self.alternatives if mimetype == "text/html")
        boundary = f"=_{secrets.token_hex(12)}"
        headers = [
            ("From", _sender(self.from_email)),
            ("To", ", ".join(_recipient(address) for address in self.to)),
            ("Subject", _header(self.subject)),
            ("Date", formatdate(localtime=True)),
            ("Message-ID", make_msgid(domain=DNS_NAME)),
            ("MIME-Version", "1.0"),
            ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
            *((name, _header(value)) for name, value in self.extra_headers.items()),
        ]
        head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode()
        separator = f"--{boundary}\r\n".encode()
        return _Written(
            head
            + b"\r\n"
            + separator
            + _part("text/plain", self.body)
            + separator
            + _part("text/html", html)
            + f"--{boundary}--\r\n".encode()
        )
