"""The event page's JSON-LD in a real browser: readable, and no breach of the strict CSP."""

import pytest

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db(transaction=True)

READ_JSON_LD = """() => JSON.parse(
    document.querySelector('script[type="application/ld+json"]').textContent)"""


def csp_complaints(page) -> list[str]:
    """What Chromium reports about the Content-Security-Policy of the page, as it comes."""
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and complaints.append(message.text)
        ),
    )
    return complaints


def test_event_json_ld_is_read_by_the_browser_without_a_csp_violation(page):
    EventFactory(slug="forum", title_en="Hanoi <Science> Forum")
    complaints = csp_complaints(page)

    response = page.goto("/en/events/forum/")
    data = page.evaluate(READ_JSON_LD)
    page.reload()  # a second load: any late report has arrived

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert data["@type"] == "Event" and data["name"] == "Hanoi <Science> Forum"
    assert complaints == []


def test_csp_violation_of_an_inline_script_is_reported(page, live_server):
    """The check above can fail: the same policy refuses an inline script, and says so."""
    EventFactory(slug="forum")
    policy = page.goto("/en/events/forum/").headers["content-security-policy"]
    complaints = csp_complaints(page)
    page.route(
        f"{live_server.url}/control",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html", "Content-Security-Policy": policy},
            body="<!doctype html><title>x</title><script>document.title = 'ran'</script>",
        ),
    )

    page.goto("/control")

    assert page.title() == "x"
    assert any("inline script" in complaint for complaint in complaints)
