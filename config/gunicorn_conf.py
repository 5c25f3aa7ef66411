"""gunicorn's settings for scievents: `gunicorn -c python:config.gunicorn_conf`.

Its point is the logger: manage and unsubscribe tokens are masked in the access log (request
line, Referer: a ticket's page sends its own address when it loads a stylesheet) and in the
error log, as in Django's logs (core/logmask.py). Command-line options still win, e.g.
`--bind 0.0.0.0:8000 --workers 3`.
"""

from gunicorn.glogging import Logger

from core.logmask import MaskTokens

wsgi_app = "config.wsgi:application"
accesslog = "-"  # one line per request on standard output, tokens masked


class MaskingLogger(Logger):
    """gunicorn's logger, whose access and error lines never carry a secret token."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(found, MaskTokens) for found in log.filters):
                log.addFilter(MaskTokens())


logger_class = MaskingLogger
