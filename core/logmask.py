"""Secret tokens never reach a log line.

Manage links (/r/<token>, /api/v1/registrations/<token>/...), unsubscribe links (/u/<token>)
and any `token=` in a query string are secrets: whoever reads them can see and change a
registration. Request logs (Django's `django.request` and `django.server`, gunicorn's access
and error logs, see config/gunicorn_conf.py) show the path with the token replaced by `***`,
in the request line, the Referer and anywhere else in the message.
"""

import logging
import re

MASK = "***"
TOKEN_IN_TEXT = re.compile(
    r"(?P<keep>/[ru]/|/api/v1/registrations/|[?&;](?:manage_)?token=)(?P<secret>[^/\s?&#;\"'<>]+)"
)


def mask_tokens(text: str) -> str:
    """The text with every token of a manage or unsubscribe link replaced by `***`."""
    return TOKEN_IN_TEXT.sub(lambda found: found["keep"] + MASK, text)


class MaskTokens(logging.Filter):
    """A log filter: formats the record's message once, with its tokens masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
