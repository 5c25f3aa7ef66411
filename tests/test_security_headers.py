"""Security headers and cookies: CSP without inline script, HSTS, cookie flags, CSRF on forms."""

import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "test-" + "k" * 60,
    "ALLOWED_HOSTS": "events.example.org",
    "SITE_URL": "https://events.example.org",
    "SECURE_SSL_REDIRECT": "1",
}


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def forum():
    held = timezone.now() - timedelta(days=3)
    EventFactory(slug="held", start=held, end=held + timedelta(hours=8))
    return EventFactory(slug="forum")


PAGES = [
    "/en/",
    "/en/events/forum/",
    "/en/events/forum/register/",
    "/en/events/forum/lost-link/",
    "/en/events/held/report/",
    "/en/programmes/",
    "/en/sign-in/",
    "/admin/login/",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_a_strict_content_security_policy(client, forum, url):
    response = client.get(url)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.parametrize("url", PAGES[:-1])
def test_pages_have_no_inline_script_or_style(client, forum, url):
    page = client.get(url).content.decode()

    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handler"
    # JSON-LD (structured data for search engines) is a data block browsers never run.
    executable = r"<script(?![^>]*\ssrc=)(?![^>]*\stype=\"application/ld\+json\")[^>]*>"
    assert not re.search(executable, page), "inline <script>"
    assert "<style" not in page and " style=" not in page


def test_templates_have_no_inline_script_or_event_handlers():
    """Every page template, including those a test above does not render."""
    offenders = []
    for folder in ("web/templates", "notifications/templates"):
        for template in (ROOT / folder).rglob("*.html"):
            if "/email/" in str(template):
                continue  # emails are not pages: mail clients need their inline styles
            text = template.read_text()
            if re.search(r"\son(click|change|submit|load|input)\s*=", text):
                offenders.append(f"{template}: inline handler")
            if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text):
                offenders.append(f"{template}: inline script")
            if re.search(r"\sstyle\s*=", text):
                offenders.append(f"{template}: inline style")
    assert offenders == []


def test_every_post_form_carries_a_csrf_token():
    missing = []
    for folder in ("web/templates", "notifications/templates"):
        for template in (ROOT / folder).rglob("*.html"):
            text = template.read_text()
            forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", text, re.S | re.I)
            missing += [str(template) for body in forms if "{% csrf_token %}" not in body]
    assert missing == []


def test_api_docs_work_with_the_sites_own_policy(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    # The start-up script is a file of its own, so no inline script is needed.
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page)
    assert "<style" not in page
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_api_docs_name_no_other_origin(client):
    response = client.get("/api/docs/")

    assert not re.search(r"https?://", response.content.decode())
    assert not re.search(r"https?://", response["Content-Security-Policy"])


def test_api_docs_assets_are_served_by_the_site(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # no collectstatic here: WhiteNoise reads the apps
    page = client.get("/api/docs/").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)

    assert len(assets) == 5  # favicon, two stylesheets, two scripts
    assert [client.get(asset).status_code for asset in assets] == [200] * len(assets)


def test_security_headers_on_https(client, forum):
    response = client.get("/en/", secure=True)

    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_csrf_and_language_cookies_are_secure_httponly_and_lax(client):
    UserFactory(username="org")
    client.get("/en/sign-in/")
    response = client.post(
        "/en/sign-in/", {"username": "org", "password": "correct-horse-battery"}, secure=True
    )
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    csrf = client.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    language = client.post("/i18n/setlang/", {"language": "vi", "next": "/"}, secure=True)
    cookie = language.cookies["django_language"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def _production(code: str) -> str:
    env = {**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_production_settings_turn_every_cookie_and_transport_flag_on():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.LANGUAGE_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
        "s.RATELIMIT_ENABLED)"
    )
    assert _production(code).split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "Lax",
        "31536000",
        "True",
        "True",
    ]


def test_deploy_check_is_clean_with_production_settings():
    # As a production process starts: without the switch the browser tests set for themselves.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**inherited, **PRODUCTION_ENV}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_a_bad_rate_is_refused_at_start_up():
    env = {**os.environ, **PRODUCTION_ENV, "RATELIMIT_REGISTER": "lots"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "RATELIMIT_REGISTER must be a rate" in result.stderr
