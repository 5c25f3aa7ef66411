"""axe-core (vendored, injected by the test) finds nothing serious on the main public pages."""

import pytest

from registration import seats
from tests.factories import ChoiceFactory, EventFactory, QuestionFactory

from .conftest import screenshot, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def forum():
    event = EventFactory(
        slug="forum", title_en="Hanoi Science Forum", capacity=100, participant_list_public=True
    )
    workshop = QuestionFactory(event=event, kind="single_choice", label_en="Workshop")
    ChoiceFactory(question=workshop, label_en="Quantum sensors", capacity=30)
    ChoiceFactory(question=workshop, label_en="Battery materials")
    QuestionFactory(event=event, kind="short_text", label_en="Dietary needs", required=True)
    return event


def answered(event) -> dict:
    return {str(q.pk): "None" for q in event.questions.filter(kind="short_text")}


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_public_pages_have_no_serious_accessibility_violations(new_page, forum, width, language):
    registration = seats.register(
        forum,
        {"name": "An", "email": "an@example.org", "consent": True, "answers": answered(forum)},
    )
    page = new_page(width=width)
    pages = {
        "home": f"/{language}/",
        "event": f"/{language}/events/forum/",
        "register": f"/{language}/events/forum/register/",
        "manage": f"/r/{registration.manage_token}",  # the emailed link: in its language
    }
    found = {}
    for name, path in pages.items():
        assert page.goto(path).ok, path
        found[name] = serious_violations(page)
        if language == "en":
            screenshot(page, f"{name}-{'phone' if width < 500 else 'desktop'}")

    assert found == {name: [] for name in pages}


def test_registration_errors_have_no_serious_accessibility_violations(page, forum):
    page.goto("/en/events/forum/register/")
    page.locator("form button[type=submit]").last.click()

    assert page.locator(".error-summary").is_visible()
    assert serious_violations(page) == []


def test_accessibility_check_reports_a_serious_violation(page):
    page.set_content("<html lang='en'><body><main><input type='text'></main></body></html>")

    assert any(line.startswith("label") for line in serious_violations(page))


def test_organiser_pages_have_no_serious_accessibility_violations(new_page, forum):
    from events.models import TeamMembership
    from tests.factories import UserFactory

    TeamMembership.objects.create(event=forum, user=UserFactory(username="org"), role="organiser")
    page = new_page(width=390, height=844)
    page.goto("/en/sign-in/")
    page.get_by_label("Username").fill("org")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    pages = ["/en/organiser/", "/en/organiser/events/new/"] + [
        f"/en/organiser/events/forum/{step}/"
        for step in (
            "edit",
            "questions",
            "agenda",
            "team",
            "reminders",
            "preview",
            "registrations",
            "email",
            "check-in",
            "check-in/walk-in",
            "audit",
            "certificates",
            "call-for-abstracts",
            "reviewers",
        )
    ]
    found = {}
    for path in pages:
        assert page.goto(path).ok, path
        found[path] = serious_violations(page)

    assert found == {path: [] for path in pages}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_programme_pages_have_no_serious_accessibility_violations(new_page, language):
    from events.programme_models import ProgrammeTarget
    from tests.reports.fixtures import build_programme

    programme = build_programme()
    held = programme.events.get(fields__code="1.2")
    # Targets, so results show as shares of them (and a suppressed count as none).
    for year, metric, value in (
        (2025, "events", 4),
        (2025, "participants", 20),
        (2031, "participants", 10),
    ):
        ProgrammeTarget.objects.create(programme=programme, year=year, metric=metric, value=value)
    page = new_page()
    found = {}
    for name, path in (
        ("programme", f"/{language}/programmes/{programme.slug}/"),
        ("event-report", f"/{language}/events/{held.slug}/report/"),
        ("programme-events", f"/{language}/programmes/{programme.slug}/events/?year=2025"),
    ):
        assert page.goto(path).ok, path
        found[name] = serious_violations(page)
        if language == "en":
            screenshot(page, name)

    assert found == {name: [] for name in found}


def test_certificate_check_page_has_no_serious_accessibility_violations(new_page, forum):
    from django.utils import timezone

    from registration import certificates
    from registration.models import Certificate

    registration = seats.register(
        forum,
        {
            "name": "Đặng Thùy",
            "email": "an@example.org",
            "consent": True,
            "answers": answered(forum),
        },
    )
    certificate = Certificate.objects.create(
        event=forum, kind="attendance", registration=registration, issued_at=timezone.now()
    )
    found = {}
    for locale in ("en-GB", "vi-VN"):
        page = new_page(width=390, locale=locale)
        for name, code in (("real", certificates.code_of(certificate)), ("altered", "A-B")):
            page.goto(f"/verify/{code}")
            assert page.locator("h1").is_visible()
            found[f"{name}-{locale}"] = serious_violations(page)

    assert found == {name: [] for name in found} and len(found) == 4
