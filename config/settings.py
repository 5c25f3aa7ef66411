"""Settings for scievents, all read from environment variables (see README and .env.example)."""

import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str, parse_email_url
from .safety import DEVELOPMENT_SECRET_KEY

# Templates, static files and translations are found inside the installed packages (web/,
# config/locale/), never next to them: from the wheel, BASE_DIR is site-packages.
CONFIG_DIR = Path(__file__).resolve().parent
BASE_DIR = CONFIG_DIR.parent
# Runtime files (SQLite database, file broker, collected static files): var/ of the checkout
# when run from the source tree (it has manage.py), else var/ of the current directory.
_DEFAULT_VAR_DIR = BASE_DIR / "var" if (BASE_DIR / "manage.py").is_file() else Path.cwd() / "var"
VAR_DIR = Path(env_str("VAR_DIR", "") or _DEFAULT_VAR_DIR).resolve()

DEBUG = env_bool("DEBUG", False)
# The fallback key is for development only: with DEBUG off, web, worker and beat refuse to
# start with it (config/safety.py) and `check --deploy` rejects it.
SECRET_KEY = env_str("SECRET_KEY", "") or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "django_celery_beat",
    "events",
    "registration",
    "abstracts",
    "notifications",
    "reports",
    "web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.PublicFilesCorsMiddleware",  # open data and iCal feeds only
    "core.middleware.TokenPagesNoStoreMiddleware",  # /r/, /u/, /api/v1/registrations/<token>
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.StaticFilesMiddleware",  # WhiteNoise: answers static files itself
    # Compresses pages, API answers and the schema (static files come pre-compressed from
    # WhiteNoise, above it, and images are never re-compressed). BREACH, which guesses a
    # secret from the size of compressed answers that also reflect the attacker's input:
    # the CSRF token is masked anew in every answer, Django pads every gzip answer with
    # random bytes ("Heal The Breach"), and the pages that hold a secret token in their body
    # are reached only with that token in their address, which an attacker cannot request
    # without already knowing it. So everything is compressed.
    "django.middleware.gzip.GZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.ratelimit.RateLimitMiddleware",  # 429 for a limit hit in a page (see Abuse limits)
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],  # site-wide templates (base.html, error pages) live in web/templates/
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        # Persistent connections. A connection that failed is closed at the end of its request
        # and reopened by the next, so a restarted database needs no health-check round trip.
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Server-side binding lets psycopg prepare the statements each connection repeats.
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": env_bool("DATABASE_SERVER_SIDE_BINDING", True)
    }
    # Behind PgBouncer in transaction pooling mode each transaction may get another server
    # connection: a statement prepared on one is unknown on the next, and so is a cursor
    # held open between transactions (QuerySet.iterator() outside a transaction). So no
    # prepared statements (psycopg's, as Django leaves them: unnamed statements bind on the
    # server, which is safe) and no server-side cursors.
    if env_bool("DATABASE_PGBOUNCER", False):
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock up front, so two registrations for the
    # last seat serialise instead of failing with "database is locked" half-way through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not shared memory: tests run a Celery worker in a thread on the same database,
    # and shared-cache memory databases lock whole tables without waiting.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # Django's, reusing its Redis clients
            "LOCATION": CACHE_URL,
        },
        # Rendered page fragments: a Redis outage renders them instead of failing the page.
        "fragments": {"BACKEND": "events.fragment_cache.FragmentCache", "LOCATION": CACHE_URL},
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Open data ------------------------------------------------------------------------------
OPEN_DATA_MIN_COUNT = env_int("OPEN_DATA_MIN_COUNT", 5)  # smaller counts of people: "<5"
OPEN_DATA_LICENCE = env_str("OPEN_DATA_LICENCE", "CC-BY-4.0")
HOME_COUNTRY = env_str("HOME_COUNTRY", "VN")  # participants from elsewhere are international
STATISTICS_CACHE_SECONDS = env_int("STATISTICS_CACHE_SECONDS", 60)

# --- Personal data retention (Law 91/2025/QH15) ----------------------------------------------
# Registrants' personal data is erased this many days after an event ends; the owner and
# organisers are emailed this many days before (0: no warning).
RETENTION_DAYS = env_int("RETENTION_DAYS", 365)
RETENTION_WARNING_DAYS = env_int("RETENTION_WARNING_DAYS", 14)

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "web:home"

# --- Languages and time ---------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
LANGUAGES = [("en", _("English")), ("vi", _("Vietnamese"))]
LOCALE_PATHS = [CONFIG_DIR / "locale"]  # first, so our words win over Django's
USE_I18N = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_TZ = True  # stored in UTC, shown in each event's own timezone
# One date style per language ("8 Feb 2027, 08:30" / "08:30, 8/2/2027"): config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# collectstatic writes every file under a name with its content hash (site.3f2a9c1b7d4e.css)
# and its .gz twin; pages link the hashed names, which WhiteNoise serves with a year's cache.
# Before collectstatic (tests, a fresh checkout; DEBUG links the plain names anyway) a page
# links the plain name instead of failing: see core/static.py.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.static.HashedStaticFilesStorage"},
}

# --- Request limits -------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Email ----------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL", "smtp://127.0.0.1:1025")
globals().update(parse_email_url(EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "scievents <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _processed_dir = VAR_DIR / "celery" / "processed"
    _control_dir = VAR_DIR / "celery" / "control"
    for _folder in (_queue_dir, _processed_dir, _control_dir):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_processed_dir),
        "control_folder": str(_control_dir),  # else "control/" in whatever directory it runs
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a fan-out batch is taken only by a free worker
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly when the broker is down: the outbox row is already safe, and a
# registration must not wait for the broker.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.2,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# How often beat looks for due reminders and sweeps the outbox (which also takes back what a
# dead worker held: an email is late by at most EMAIL_LEASE_SECONDS plus this).
REMINDER_SCAN_SECONDS = float(env_str("REMINDER_SCAN_SECONDS", "15") or 15)
OUTBOX_SWEEP_SECONDS = float(env_str("OUTBOX_SWEEP_SECONDS", "5") or 5)
CELERY_BEAT_SCHEDULE = {
    "fire-due-reminders": {
        "task": "notifications.tasks.fire_due_reminders",
        "schedule": REMINDER_SCAN_SECONDS,
    },
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": OUTBOX_SWEEP_SECONDS},
    # Personal data retention: warn the teams, erase what is due (hourly, so erasure happens
    # on the day the warning named).
    "apply-retention": {"task": "registration.tasks.apply_retention", "schedule": 3600.0},
    # Certificates of attendance once an event has ended (each person once: a unique row).
    "issue-certificates": {"task": "registration.tasks.issue_certificates", "schedule": 600.0},
    # Reviewers with unfinished reviews near the deadline: one reminder each.
    "remind-reviewers": {"task": "abstracts.tasks.remind_reviewers", "schedule": 900.0},
}
# Transactional mail and bulk fan-out have their own queues (and workers), so a reminder to
# 10,000 people never delays someone's confirmation.
CELERY_TASK_DEFAULT_QUEUE = "mail"
CELERY_TASK_ROUTES = {
    "notifications.tasks.send_batch": {"queue": "bulk"},
    "notifications.tasks.fire_due_reminders": {"queue": "bulk"},
    "registration.tasks.apply_retention": {"queue": "bulk"},
    "registration.tasks.issue_certificates": {"queue": "bulk"},
}
# Messages per second one sender may send (0: as fast as the server takes them).
EMAIL_RATE_PER_SECOND = float(env_str("EMAIL_RATE_PER_SECOND", "0") or 0)
# A delivery a worker claimed is taken back when its lease runs out: a live worker renews it
# every third of this (notifications/leases.py), so only a dead worker's run out.
EMAIL_LEASE_SECONDS = env_int("EMAIL_LEASE_SECONDS", 15)
# Queued emails older than this are handed to workers again by the sweep.
EMAIL_SWEEP_AFTER_SECONDS = env_int("EMAIL_SWEEP_AFTER_SECONDS", 30)

# --- REST API -------------------------------------------------------------------------------
# API tokens (core/tokens.py) are stored hashed and expire this long after sign-in (0: never).
API_TOKEN_TTL_HOURS = env_int("API_TOKEN_TTL_HOURS", 720)
REST_KNOX = {"AUTH_HEADER_PREFIX": "Token", "TOKEN_TTL": None, "AUTO_REFRESH": False}
REST_FRAMEWORK = {
    # Token first, so an anonymous caller gets 401 with WWW-Authenticate rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "scievents API",
    "DESCRIPTION": "Science & technology events: set-up, registration, reminders.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ParticipantTypeEnum": "events.models.ParticipantType",
        # Choice sets whose field names other components use too: named so generated clients
        # keep the older names (StatusEnum, KindEnum, ...) for the older fields.
        "StatusEnum": "registration.models.Registration.Status",
        "LanguageEnum": "registration.models.Registration.Language",
        "AbstractStatusEnum": "abstracts.models.Abstract.Status",
        "DecisionOutcomeEnum": "abstracts.models.Decision.Outcome",
        "DoorScanOutcomeEnum": "registration.models.DoorScan.Outcome",
        "CertificateKindEnum": "registration.models.Certificate.Kind",
        "AbstractLanguageEnum": ["en", "vi"],
    },
    # Swagger UI from drf-spectacular-sidecar's files (pinned), served by us: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # JSON is the documented request type. Forms are still parsed (the browsable API posts
    # them), but documenting them makes generated clients send multipart labelled as JSON.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
}

# --- Security (strict unless DEBUG) ---------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Off by default: behind a TLS-terminating proxy the proxy redirects; set it to 1 otherwise.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files,
# no inline script or style anywhere in the pages, /api/docs/ included (Swagger UI is ours).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Abuse limits (core/ratelimit.py; README "Abuse limits") -----------------------------
# Counted in the cache (Redis in production) per IP address, and per email or username where
# the request carries one. Sized for a 2,000-delegate conference where hundreds of people
# share one venue Wi-Fi address: per-IP rates are generous, per-address rates are tight.
# Rates are "N/period" (s, m, h, d; "10/15m" is ten per 15 minutes); empty turns one off.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)


def _rate(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    if value and not re.fullmatch(r"\d+/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name} must be a rate such as 20/m or 10/15m, not {value!r}")
    return value


RATELIMIT_REGISTER = _rate("RATELIMIT_REGISTER", "20/m")  # registration attempts per IP
RATELIMIT_REGISTER_EMAIL = _rate("RATELIMIT_REGISTER_EMAIL", "5/h")  # valid attempts per email
RATELIMIT_RESEND = _rate("RATELIMIT_RESEND", "20/m")  # "I lost my link" per IP
RATELIMIT_RESEND_EMAIL = _rate("RATELIMIT_RESEND_EMAIL", "5/h")  # links mailed to one address
RATELIMIT_CHECKIN = _rate("RATELIMIT_CHECKIN", "120/m")  # scans per staff account: doors are fast
# Team additions and invitations per owner account: a username add tells whether the account
# exists, so it cannot be tried in bulk; invitations send email, so they cannot flood anyone.
RATELIMIT_TEAM_ADD = _rate("RATELIMIT_TEAM_ADD", "30/h")
RATELIMIT_TOKEN = _rate("RATELIMIT_TOKEN", "30/m")  # unknown manage/unsubscribe links per IP
RATELIMIT_EMAIL_CHANGE = _rate(
    "RATELIMIT_EMAIL_CHANGE", "5/h"
)  # email changes asked per registration
RATELIMIT_SIGNIN = _rate("RATELIMIT_SIGNIN", "10/15m")  # failed sign-ins per username and IP
# Failures of one username from any address before each attempt must wait (1 s doubling, 30 s
# at most, over a 15-minute window): a slow-down, never a lock-out of the owner.
RATELIMIT_SIGNIN_SLOW_AFTER = env_int("RATELIMIT_SIGNIN_SLOW_AFTER", 5)
RATELIMIT_SIGNIN_SLOW_WINDOW = 15 * 60
RATELIMIT_SIGNIN_IP = _rate("RATELIMIT_SIGNIN_IP", "30/15m")  # failed sign-ins per IP
# How many proxies of ours add X-Forwarded-For in front of the app (0: ignore the header).
RATELIMIT_TRUST_X_FORWARDED_FOR = env_int("RATELIMIT_TRUST_X_FORWARDED_FOR", 0)
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # a cache that cannot count lets requests through

# Every handler masks the tokens of manage and unsubscribe links (core/logmask.py).
# Django's own loggers lose their default handlers (an unmasked console, and mail to ADMINS,
# which is not set): `django.request` reaches the root console, `django.server` (runserver's
# request lines) has its own masked one. gunicorn's logs: config/gunicorn_conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_tokens": {"()": "core.logmask.MaskTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_tokens"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
