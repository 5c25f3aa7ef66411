"""Refusing to start a production process (web, worker, beat) with a key anyone can read.

Signed links (manage, unsubscribe, tickets) are only as secret as SECRET_KEY: a key that is
missing, short, or published in this repository lets anyone who read the source forge them.
Settings keep a development fallback so `make run` and tools need no key; the processes that
serve requests or send emails call :func:`refuse_unsafe_start` before they start.
"""

import sys

# The fallback in config/settings.py: for DEBUG only, hence public.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"  # noqa: S105
# Every key written in the repository (settings, .env.example, docker-compose.yml, README).
PUBLISHED_SECRET_KEYS = frozenset(
    {
        DEVELOPMENT_SECRET_KEY,
        "change-me-to-a-long-random-string",  # .env.example
        "change-me-in-.env",  # docker-compose.yml before it required a key
    }
)
MIN_LENGTH = 50
# Exit status 3 is gunicorn's "worker failed to boot": the master stops instead of forking
# new workers forever; other programs just exit non-zero.
EXIT_STATUS = 3
ADVICE = (
    f"set SECRET_KEY to a random value of at least {MIN_LENGTH} characters, e.g. the output of "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
)


def secret_key_problem(key: str) -> str | None:
    """What is wrong with ``key`` for production, or None when it will do."""
    key = key.strip()
    if not key or key == DEVELOPMENT_SECRET_KEY:
        return "SECRET_KEY is not set (the built-in key is for DEBUG=1 only)"
    if key in PUBLISHED_SECRET_KEYS or "change-me" in key.lower():
        return "SECRET_KEY is an example key published in the scievents repository"
    if key.startswith("django-insecure-"):
        return "SECRET_KEY is a development key (django-insecure-…)"
    if len(key) < MIN_LENGTH:
        return f"SECRET_KEY is only {len(key)} characters long"
    if len(set(key)) < 5:
        return "SECRET_KEY repeats too few different characters"
    return None


def unsafe_start_message(debug: bool, key: str) -> str | None:
    """The one line a production process prints before refusing to start, or None."""
    if debug:
        return None
    problem = secret_key_problem(key)
    if problem is None:
        return None
    return f"Refusing to start with DEBUG off: {problem}; {ADVICE}."


def refuse_unsafe_start() -> None:
    """Stop this process with one line on stderr if its settings are unsafe for production."""
    from django.conf import settings

    message = unsafe_start_message(settings.DEBUG, settings.SECRET_KEY)
    if message is not None:
        print(message, file=sys.stderr, flush=True)
        raise SystemExit(EXIT_STATUS)
