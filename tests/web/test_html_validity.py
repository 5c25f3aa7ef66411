"""The Nu HTML Checker (vnu) finds no error on the pages people and search engines read.

All pages are rendered once for the module, inside a transaction rolled back afterwards, and
checked by one run of the checker (it takes seconds to start); each test reads its page's errors.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils import timezone

from events import invitations
from events.models import TeamMembership
from notifications.models import Delivery
from registration import certificates, seats
from registration.models import Certificate
from tests.factories import (
    ChoiceFactory,
    EventFactory,
    OrganisationFactory,
    ProgrammeFactory,
    QuestionFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

from ..abstracts.helpers import assign, decide, member, open_call, submit
from . import html_checker

# The mark makes pytest-django create the test database the module fixture writes to.
pytestmark = pytest.mark.django_db

PUBLIC = {
    "home": "/{language}/",
    "home-calendar": "/{language}/?view=calendar",
    "home-bad-filters": "/{language}/?month=someday",
    "event": "/{language}/events/forum/",
    "event-online": "/{language}/events/webinar/",
    "register": "/{language}/events/forum/register/",
    "lost-link": "/{language}/events/forum/lost-link/",
    "participants": "/{language}/events/forum/participants/",
    "programmes": "/{language}/programmes/",
    "programme": "/{language}/programmes/07-ctr-tu/",
    "programme-events": "/{language}/programmes/07-ctr-tu/events/",
    "event-report": "/{language}/events/past/report/",
    "not-found": "/{language}/events/nothing/",
    "sign-in": "/{language}/sign-in/",
    "abstract-submit": "/{language}/events/forum/abstracts/submit/",
}
ORGANISER = {
    "dashboard": "/en/organiser/",
    "event-create": "/en/organiser/events/new/",
    **{
        f"event-{step}": f"/en/organiser/events/forum/{step}/"
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
            "audit",
            "certificates",
            "committee",
            "call-for-abstracts",
            "reviewers",
        )
    },
    "event-walk-in": "/en/organiser/events/forum/check-in/walk-in/",
}
# Pages of the call for abstracts only a reviewer or its submitter opens.
ABSTRACT_PAGES = (
    "my-abstract",
    "my-abstract-accepted",
    "my-abstract-confirmed",
    "abstract-errors",
    "reviews",
    "review",
    "review-errors",
)


def _arrange() -> dict:
    host = OrganisationFactory(name="Vietnam Academy of Science & Technology")
    programme = ProgrammeFactory(code="07-CTr/TU", first_year=2026, last_year=2030)
    held = timezone.now() - timedelta(days=10)
    EventFactory(slug="past", start=held, end=held + timedelta(hours=8), programme=programme)
    forum = EventFactory(
        slug="forum",
        title_en="Hanoi Science Forum",
        summary_vi="Diễn đàn khoa học Hà Nội.",
        description_en="Two days of talks.\nBring questions.",
        capacity=100,
        participant_list_public=True,
        host=host,
        programme=programme,
        fields=["1"],
    )
    EventFactory(slug="webinar", format="online", online_url="https://meet.example/room")
    workshop = QuestionFactory(event=forum, kind="single_choice", label_en="Workshop")
    ChoiceFactory(question=workshop, label_en="Quantum sensors", capacity=30)
    ChoiceFactory(question=workshop, label_en="Battery materials")
    topics = QuestionFactory(event=forum, kind="multiple_choice", label_en="Topics")
    ChoiceFactory(question=topics, label_en="Lasers")
    QuestionFactory(event=forum, kind="short_text", label_en="Dietary needs", required=True)
    speaker = SpeakerFactory(event=forum, name="Dr. Lan", affiliation="VAST")
    SessionFactory(
        event=forum, start=forum.start, end=forum.start + timedelta(hours=1)
    ).speakers.add(speaker)
    registration = seats.register(
        forum,
        {
            "name": "An Nguyễn",
            "email": "an@example.org",
            "consent": True,
            "public_listing": True,
            "answers": {str(q.pk): "None" for q in forum.questions.filter(kind="short_text")},
        },
    )
    organiser = UserFactory(username="org")
    TeamMembership.objects.create(event=forum, user=organiser, role="owner")
    # A pending invitation: the team page lists it, and its link is a page of its own.
    invitations.invite(forum, user=organiser, email="mai@example.org", role="checkin")
    link = Delivery.objects.get(kind="team_invitation").context["invitation_url"]
    certificate = Certificate.objects.create(
        event=forum, kind="attendance", registration=registration, issued_at=timezone.now()
    )
    open_call(forum)
    abstract = submit(forum)
    reviewer = member(forum, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    # Accepted: the presenting author's answer (pending, then given) on the private link.
    accepted, confirmed = submit(forum), submit(forum)
    decide(accepted, "talk")
    decide(confirmed, "poster")
    return {
        "accepted": accepted,
        "confirmed": confirmed,
        "certificate": "/verify/" + certificates.code_of(certificate),
        "abstract": abstract,
        "reviewer": reviewer,
        "manage_token": registration.manage_token,
        "organiser": organiser,
        "invitation": "/invitations/" + link.rsplit("/", 1)[1],
    }


def _render(tmp: Path) -> dict[str, Path]:
    """Every page of the check as a file named after it."""
    arranged = _arrange()
    pages = {
        f"{name}-{language}": path.format(language=language)
        for name, path in PUBLIC.items()
        for language in ("en", "vi")
    }
    pages["manage"] = f"/r/{arranged['manage_token']}"
    visitor, organiser = Client(), Client()
    organiser.force_login(arranged["organiser"])
    files = {}
    for name, path in pages.items():
        files[name] = _save(tmp, name, visitor.get(path))
    files["register-errors-en"] = _save(
        tmp, "register-errors-en", visitor.post("/en/events/forum/register/", {"name": ""})
    )
    for name, path in ORGANISER.items():
        files[name] = _save(tmp, name, organiser.get(path))
    abstract, reviewer = arranged["abstract"], Client()
    reviewer.force_login(arranged["reviewer"])
    files["my-abstract"] = _save(tmp, "my-abstract", visitor.get(f"/a/{abstract.token}"))
    files["my-abstract-accepted"] = _save(
        tmp, "my-abstract-accepted", visitor.get(f"/a/{arranged['accepted'].token}")
    )
    confirmed = f"/a/{arranged['confirmed'].token}"
    visitor.post(confirmed, {"action": "confirm"})
    files["my-abstract-confirmed"] = _save(tmp, "my-abstract-confirmed", visitor.get(confirmed))
    files["abstract-errors"] = _save(
        tmp, "abstract-errors", visitor.post("/en/events/forum/abstracts/submit/", {"title_en": ""})
    )
    files["reviews"] = _save(tmp, "reviews", reviewer.get("/en/organiser/events/forum/reviews/"))
    review_page = f"/en/organiser/events/forum/reviews/{abstract.pk}/"
    files["review"] = _save(tmp, "review", reviewer.get(review_page))
    files["review-errors"] = _save(tmp, "review-errors", reviewer.post(review_page, {}))
    files["call-errors"] = _save(
        tmp,
        "call-errors",
        organiser.post(
            "/en/organiser/events/forum/call-for-abstracts/",
            {"opens_at": "", "tracks.0.id": "", "tracks.0.name_en": "Optics"},
        ),
    )
    files["invitation"] = _save(tmp, "invitation", visitor.get(arranged["invitation"]))
    files["invitation-signed-in"] = _save(
        tmp, "invitation-signed-in", organiser.get(arranged["invitation"])
    )
    organiser.post(arranged["invitation"])  # accepted: the link is spent
    files["invitation-gone"] = _save(tmp, "invitation-gone", visitor.get(arranged["invitation"]))
    for language in ("en", "vi"):
        for name, path in (("verify", arranged["certificate"]), ("verify-gone", "/verify/A-B")):
            answer = visitor.get(path, HTTP_ACCEPT_LANGUAGE=language)
            files[f"{name}-{language}"] = _save(tmp, f"{name}-{language}", answer)
    for name in ("500", "503"):  # rendered by handlers when things go wrong
        files[name] = tmp / f"{name}.html"
        files[name].write_text(render_to_string(f"{name}.html"))
    return files


def _save(tmp: Path, name: str, response) -> Path:
    assert response.status_code in (200, 400, 404, 410), (name, response.status_code)
    path = tmp / f"{name}.html"
    path.write_bytes(response.content)
    return path


@pytest.fixture(scope="module")
def checker() -> None:
    """The checker can run: else the test fails under CI and skips elsewhere."""
    why = html_checker.missing()
    if why:
        if html_checker.required():
            pytest.fail(f"the HTML checker cannot run under CI: {why}")
        pytest.skip(why)


@pytest.fixture(scope="module")
def errors(checker, django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, list[str]]:
    """The checker's errors for every page, by page name."""
    tmp = tmp_path_factory.mktemp("pages")
    with (
        django_db_blocker.unblock(),
        override_settings(RATELIMIT_ENABLED=False),
        transaction.atomic(),
    ):
        files = _render(tmp)
        transaction.set_rollback(True)
    found = html_checker.check(list(files.values()))
    return {name: found[path] for name, path in files.items()}


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("page", list(PUBLIC))
def test_public_page_is_valid_html(errors, page, language):
    assert errors[f"{page}-{language}"] == []


def test_register_page_with_errors_is_valid_html(errors):
    assert errors["register-errors-en"] == []


@pytest.mark.parametrize("page", ["500", "503"])
def test_error_page_is_valid_html(errors, page):
    assert errors[page] == []


@pytest.mark.parametrize("page", ["invitation", "invitation-signed-in", "invitation-gone"])
def test_invitation_page_is_valid_html(errors, page):
    assert errors[page] == []


@pytest.mark.parametrize("page", ["verify-en", "verify-vi", "verify-gone-en", "verify-gone-vi"])
def test_certificate_check_page_is_valid_html(errors, page):
    assert errors[page] == []


@pytest.mark.parametrize("page", ABSTRACT_PAGES)
def test_abstract_page_is_valid_html(errors, page):
    assert errors[page] == []


def test_call_setup_page_with_errors_is_valid_html(errors):
    assert errors["call-errors"] == []


def test_manage_page_is_valid_html(errors):
    assert errors["manage"] == []


@pytest.mark.parametrize("page", list(ORGANISER))
def test_organiser_page_is_valid_html(errors, page):
    assert errors[page] == []


def test_html_checker_reports_an_error(checker, tmp_path):
    """The check can fail: a paragraph around a div is an error."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!doctype html><html lang='en'><head><title>x</title></head>"
        "<body><p><div></div></p></body></html>"
    )

    assert any("“p” element" in line for line in html_checker.check([page])[page])
