"""The pages issue 13 changed, at a phone's (390 px) and a desktop's (1280 px) width in both
languages (home, event, register, the details, team, registrations, door, email, attendee
list, audit log and duplicate pages, a programme's requests): each loads, axe finds nothing
serious, and nothing but a wide table's scroller runs off the side of the screen. With
SAVE_SCREENSHOTS=1 the tour makes docs/screenshots/<page>-<language>-<width>.png.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from events import invitations
from events.models import ProgrammeRequest, ProgrammeStaff, TeamMembership
from registration import checkin
from registration import seats as registration_seats
from tests.factories import EventFactory, ProgrammeFactory, UserFactory
from tests.registration.helpers import person

from .conftest import screenshot, serious_violations
from .test_door_and_desk import signed_in

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    ("Trần Thị Mai", "VN", "Viện Vật lý"),
    ("Nguyễn Văn An", "VN", "Đại học Bách khoa Hà Nội"),
    ("Kim Min-jun", "KR", "KAIST"),
    ("Sato Yuki", "JP", "University of Tokyo"),
    ("Anna Schmidt", "DE", "Max-Planck-Institut"),
]
OFF_SCREEN = """() => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('.table-wrap') && e.getClientRects().length)
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))"""
CHECKED_IN = {"en": "Checked in on day 2", "vi": "Đã điểm danh ngày 2"}
REGISTERED = {"en": "Registered", "vi": "Đã đăng ký"}


@pytest.fixture
def conference():
    """A three-day conference on its second day, with people from four countries; its owner
    also works for a programme that has an event's request waiting."""
    owner = UserFactory(username="tour-owner")
    start = timezone.now() - timedelta(days=1)
    event = EventFactory(
        owner=owner,
        slug="mekong-forum",
        title_en="Mekong Water Forum",
        title_vi="Diễn đàn Nước Mê Kông",
        start=start,
        end=start + timedelta(days=2),
        registration_closes=start + timedelta(days=2),
        capacity=120,
    )
    people = [
        registration_seats.register(event, person(n, name=name, country=country, affiliation=place))
        for n, (name, country, place) in enumerate(PEOPLE, start=1)
    ]
    for someone in people[1:4]:
        checkin.check_in(event, someone.ticket_code, actor=None, at=start)
    programme = ProgrammeFactory(code="NT/01", title_en="Nanotechnology")
    ProgrammeStaff.objects.create(programme=programme, user=owner)
    title = "Quantum Materials Workshop"
    asking = EventFactory(status="draft", title_en=title, title_vi=title)
    ProgrammeRequest.objects.create(event=asking, programme=programme, requested_by=owner)
    invitations.invite(
        event, user=owner, email="door.volunteer@example.org", role=TeamMembership.Role.CHECKIN
    )
    return event, owner, people, programme


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_pages_of_the_issue_read_well_at_both_widths(
    new_page, live_server, conference, width, height, language
):
    event, owner, people, programme = conference
    page = new_page(width=width, height=height, locale="vi-VN" if language == "vi" else "en-GB")
    organiser = f"/{language}/organiser/events/{event.slug}"
    found = {}

    def visit(name: str, path: str | None = None, then=None) -> None:
        if path:
            assert page.goto(path).ok, path
        if then:
            then()
        found[name] = serious_violations(page) + page.evaluate(OFF_SCREEN)
        screenshot(page, f"{name}-{language}-{width}")

    visit("home", f"/{language}/")
    visit("event", f"/{language}/events/{event.slug}/")

    def choose_country() -> None:
        page.locator("#id_country").fill("Hàn Quốc" if language == "vi" else "South Korea")

    visit("register", f"/{language}/events/{event.slug}/register/", choose_country)
    signed_in(page, owner, live_server)
    visit("organiser-details", f"{organiser}/edit/")
    visit("organiser-registrations", f"{organiser}/registrations/")
    korea = "Hàn Quốc" if language == "vi" else "South Korea"
    expect(page.locator("tbody").last).to_contain_text(korea)

    def check_in() -> None:
        page.locator("#id_code").fill(people[1].ticket_code)
        page.locator("#id_code").press("Enter")
        expect(page.locator("#scan-result")).to_contain_text(CHECKED_IN[language])

    visit("organiser-check-in", f"{organiser}/check-in/", check_in)
    visit("organiser-email", f"{organiser}/email/")
    visit("organiser-attendee-list", f"{organiser}/attendees/print/")
    visit("organiser-team", f"{organiser}/team/")
    expect(page.locator("main")).to_contain_text("door.volunteer@example.org")
    visit("organiser-audit", f"{organiser}/audit/")
    visit("organiser-duplicate", f"{organiser}/duplicate/")
    visit("programme-requests", f"/{language}/programmes/{programme.slug}/")
    expect(page.locator(".request-list")).to_contain_text("Quantum Materials Workshop")

    assert found == {name: [] for name in found}
