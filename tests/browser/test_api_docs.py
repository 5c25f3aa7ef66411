"""/api/docs/ in a real browser: Swagger UI from our own files, under the site's CSP."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_operations_from_our_own_origin_without_csp_violations(page, live_server):
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    origins: set[str] = set()
    page.on("request", lambda request: origins.add(re.match(r"^\w+://[^/]+", request.url)[0]))

    page.goto("/api/docs/")

    # Generating the schema takes a few seconds on a busy machine.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=60_000)
    assert page.locator(".swagger-ui .opblock").count() > 50
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("scievents API")
    assert origins == {live_server.url}
    violations = [line for line in console if "Content Security Policy" in line]
    assert violations == [] and not [line for line in console if line.startswith("pageerror")]
