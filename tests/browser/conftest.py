"""Playwright driving Debian's Chromium against the live test server.

Playwright's sync API runs an event loop in the test thread; the tests themselves touch the
database only to arrange data and read outcomes, never concurrently with a page request.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# Without these Chromium keeps calling home, which this sandboxed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}: CI must install it")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser (own cookies) as another person would: new_page(width=...).

    Any answer of 500 or above to any page, asset or fetch fails the test.
    """
    contexts = []
    server_errors: list[str] = []

    def make(width: int = 1280, height: int = 900, locale: str = "en-GB"):
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            viewport={"width": width, "height": height},
            accept_downloads=True,
        )
        context.set_default_timeout(15_000)
        context.on(
            "response",
            lambda response: (
                response.status >= 500 and server_errors.append(f"{response.status} {response.url}")
            ),
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert server_errors == []


@pytest.fixture
def page(new_page):
    return new_page()


def serious_violations(page) -> list[str]:
    """Run axe-core in the page; the serious and critical findings, one line each."""
    # Evaluated through the browser's debugging channel: an inline <script> tag would be
    # refused by the pages' Content-Security-Policy (script-src 'self').
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"(() => {{ {AXE.read_text()}\n }}).call(window)")
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> None:
    """With SAVE_SCREENSHOTS=1, keep a full-page picture for the README."""
    if os.environ.get("SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _shrink(path)


def _shrink(path: Path) -> None:
    """256 colours, no dithering: a page of text and flat colours looks the same at a third of
    the size, which keeps the repository small."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def sign_in(page, username: str, language: str = "en") -> None:
    """Sign in on the organiser sign-in page (factory users' password)."""
    page.goto(f"/{language}/sign-in/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/sign-in/" not in url)
