"""The bytes of every email the system sends, written directly.

Going through the `email` package's generator cost more than everything else a bulk sender
does per email, and left bare LFs in folded headers. Our emails have one shape — a text body,
one HTML alternative, maybe attachments (the ticket and the calendar) — so they are written
out here, as strict servers and clients expect them:

- CRLF line ends only; a folded header continues on a line that starts with a space, and no
  line is longer than 998 characters (RFC 5322);
- non-ASCII header text as encoded words (RFC 2047), folded under 78 characters;
- the reader's language on the message and on every part and attachment (RFC 3282);
- marked as sent by a program (`Auto-Submitted: auto-generated`, RFC 3834), so that
  out-of-office replies do not answer it.

The tests parse the result back with the `email` package's strict policy.
"""

import base64
import functools
import secrets
from email.header import Header
from email.headerregistry import Address
from email.policy import SMTP
from email.utils import encode_rfc2231, formatdate, make_msgid, parseaddr

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import sanitize_address
from django.core.mail.utils import DNS_NAME

CRLF = "\r\n"


def _crlf(folded: str) -> str:
    """Folding helpers join lines with a bare LF: every line end becomes CRLF."""
    return CRLF.join(line.rstrip("\r") for line in folded.split("\n"))


@functools.lru_cache(maxsize=256)
def _address(name: str, address: str) -> str:
    """An address field's value: the address as Django checks it (the domain in IDNA), the
    display name encoded and folded by the email package, so that it reads back exactly."""
    display_name, addr_spec = parseaddr(address)
    if not addr_spec:
        raise ValueError(f"Not an email address: {address!r}")
    addr_spec = sanitize_address(addr_spec, "utf-8")
    field = SMTP.header_factory(name, str(Address(display_name, addr_spec=addr_spec)))
    folded = field.fold(policy=SMTP)
    return folded.removeprefix(f"{name}: ").removesuffix(CRLF)


def _recipient(name: str, address: str) -> str:
    # Registration emails are validated bare addresses; anything else gets the full treatment.
    if address.isascii() and "<" not in address and "\n" not in address and "\r" not in address:
        return address
    return _address(name, address)


def _header(name: str, value: str) -> str:
    """The value of a header field, encoded when not ASCII, folded with CRLF + space."""
    if "\n" in value or "\r" in value:
        raise ValueError("Header values must be on one line.")
    if not value.isascii():
        return _encoded(name, value)
    if len(name) + len(value) < 76:
        return value  # fits on one line: most headers, and the cheap path for bulk sending
    return _fold(name, value)


@functools.lru_cache(maxsize=1024)
def _encoded(name: str, value: str) -> str:
    """RFC 2047 encoded words: a bulk message's subject is the same for thousands of readers
    of one language, and encoding it cost more than writing the rest of the email."""
    return _crlf(Header(value, "utf-8", header_name=name).encode(linesep=CRLF))


def _fold(name: str, value: str) -> str:
    """ASCII text folded at its spaces, lines under 78 characters where its words allow. A
    long word (a URL) is never broken, nor moved off the field name's line."""
    lines, line, width = [], "", 78 - len(name) - 2
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line, width = word, 77  # a continuation line starts with the space folded at
        else:
            line = f"{line} {word}" if line else word
    return CRLF.join([*lines, line]).replace(CRLF, CRLF + " ")


def _fields(headers: list[tuple[str, str]]) -> bytes:
    return "".join(f"{name}: {value}{CRLF}" for name, value in headers).encode("ascii")


def _base64(data: bytes) -> bytes:
    # An empty body still needs the line end the next boundary line starts after.
    return base64.encodebytes(data).replace(b"\n", b"\r\n") or b"\r\n"


def _filename(name: str) -> str:
    if name.isascii() and '"' not in name and "\\" not in name:
        return f'filename="{name}"'
    return f"filename*={encode_rfc2231(name, 'utf-8')}"


class _Written:
    """What Django's backends (SMTP, console, file) ask of `message()`: the bytes, with a line
    separator, and the charset to show them in (none: the bytes are ASCII)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def get_charset(self) -> None:
        return None

    def as_bytes(self, linesep: str = "\n") -> bytes:
        return self.data if linesep == CRLF else self.data.replace(b"\r\n", linesep.encode())


class WrittenEmail(EmailMultiAlternatives):
    """A text body with one HTML alternative and any attachments, in the reader's `language`;
    Django's backends send it as any email."""

    def __init__(self, *args, language: str = "en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language = language

    def message(self) -> _Written:
        alternative = self._alternative()
        if not self.attachments:
            return _Written(self._head(alternative[0]) + alternative[1])
        boundary = f"=_{secrets.token_hex(12)}"
        separator = f"--{boundary}{CRLF}".encode()
        part_head = [alternative[0], ("Content-Language", self.language)]
        body = separator + _fields(part_head) + b"\r\n" + alternative[1]
        for attachment in self.attachments:
            body += separator + self._attachment(attachment)
        content_type = ("Content-Type", f'multipart/mixed; boundary="{boundary}"')
        return _Written(self._head(content_type) + body + f"--{boundary}--{CRLF}".encode())

    def _head(self, content_type: tuple[str, str]) -> bytes:
        headers = {
            "From": _address("From", self.from_email),
            "To": ", ".join(_recipient("To", address) for address in self.to),
            "Subject": _header("Subject", self.subject),
            "Date": formatdate(localtime=True),
            "Message-ID": make_msgid(domain=str(DNS_NAME)),
            "MIME-Version": "1.0",
            "Auto-Submitted": "auto-generated",
            "Content-Language": self.language,
        }
        if self.cc:
            headers["Cc"] = ", ".join(_recipient("Cc", address) for address in self.cc)
        if self.reply_to:
            reply_to = (_recipient("Reply-To", address) for address in self.reply_to)
            headers["Reply-To"] = ", ".join(reply_to)
        headers.update((name, _header(name, value)) for name, value in self.extra_headers.items())
        return _fields([*headers.items(), content_type]) + b"\r\n"

    def _alternative(self) -> tuple[tuple[str, str], bytes]:
        """The Content-Type header and the body of the text + HTML part."""
        html = next(content for content, mimetype in self.alternatives if mimetype == "text/html")
        boundary = f"=_{secrets.token_hex(12)}"
        separator = f"--{boundary}{CRLF}".encode()
        body = (
            separator
            + self._text_part("text/plain", self.body)
            + separator
            + self._text_part("text/html", html)
            + f"--{boundary}--{CRLF}".encode()
        )
        return ("Content-Type", f'multipart/alternative; boundary="{boundary}"'), body

    def _text_part(self, content_type: str, text: str) -> bytes:
        return self._part([("Content-Type", f"{content_type}; charset=utf-8")], text.encode())

    def _attachment(self, attachment) -> bytes:
        if not isinstance(attachment, tuple):
            raise TypeError("Attach a file name, its content and its type.")
        filename, content, mimetype = attachment
        content_type = mimetype
        if isinstance(content, str):  # Django hands text/* attachments over as text
            content, content_type = content.encode(), f"{mimetype}; charset=utf-8"
        disposition = f"attachment; {_filename(filename)}"
        return self._part(
            [("Content-Type", content_type), ("Content-Disposition", disposition)], content
        )

    def _part(self, headers: list[tuple[str, str]], payload: bytes) -> bytes:
        headers = [
            *headers,
            ("Content-Transfer-Encoding", "base64"),
            ("Content-Language", self.language),
        ]
        return _fields(headers) + b"\r\n" + _base64(payload)
