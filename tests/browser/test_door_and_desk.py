"""The door on a phone and a desktop, bulk decisions that ask first, and lists on paper."""

import shutil
import subprocess
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from registration import checkin, seats
from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.registration.helpers import person

from .conftest import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = [(390, 844), (1280, 900)]
LANGUAGES = ["en", "vi"]
WORDS = {
    "en": {
        "code": "Ticket code",
        "check_in": "Check in",
        "repeat": "Already checked in today at",
        "ok": "Checked in on day 2",
        "find": "Name or ticket code",
        "apply": "Apply to selected",
        "question": "Reject 2 registrations?",
        "yes": "Yes, reject 2 registrations",
    },
    "vi": {
        "code": "Mã vé",
        "check_in": "Check-in",
        "repeat": "Đã điểm danh hôm nay lúc",
        "ok": "Đã điểm danh ngày 2",
        "find": "Tên hoặc mã vé",
        "apply": None,
        "question": "Từ chối 2 đăng ký?",
        "yes": "Đồng ý từ chối 2 đăng ký",
    },
}


def signed_in(page, user, live_server) -> None:
    """The browser carries a session of `user`, as after signing in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


@pytest.fixture
def owner():
    return UserFactory(username="door-owner")


@pytest.fixture
def running(owner):
    """A three-day conference on its second day."""
    start = timezone.now() - timedelta(days=1)
    return EventFactory(owner=owner, start=start, end=start + timedelta(days=2))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_door_checks_in_again_on_day_two_answer_in_view(
    new_page, live_server, owner, running, width, height, language
):
    words = WORDS[language]
    mai = seats.register(running, person(1, name="Trần Thị Mai"))
    checkin.check_in(running, mai.ticket_code, actor=None, at=timezone.now() - timedelta(days=1))
    page = new_page(width=width, height=height)
    signed_in(page, owner, live_server)
    page.goto(f"/{language}/organiser/events/{running.slug}/check-in/")

    code = mai.ticket_code
    page.locator("#id_code").fill(f"{code[:4]}-{code[4:8]} {code[8:]}".lower())
    page.locator("#id_code").press("Enter")

    result = page.locator("#scan-result")
    expect(result).to_contain_text(words["ok"])
    expect(result).to_contain_text("Trần Thị Mai")
    expect(result).to_have_class("scan-result scan-ok")
    assert in_viewport(page, "#scan-result")

    page.locator("#id_code").fill(code)
    page.locator("#id_code").press("Enter")
    expect(result).to_contain_text(words["repeat"])
    expect(result).to_have_class("scan-result scan-bad")
    assert in_viewport(page, "#scan-result")
    assert mai.check_ins.count() == 2
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_door_finds_person_by_name_and_checks_in(
    new_page, live_server, owner, running, width, height, language
):
    words = WORDS[language]
    mai = seats.register(running, person(1, name="Trần Thị Mai"))
    page = new_page(width=width, height=height)
    signed_in(page, owner, live_server)
    page.goto(f"/{language}/organiser/events/{running.slug}/check-in/")

    page.get_by_label(words["find"]).fill("tran thi mai")
    page.locator("form.door-search button[type=submit]").click()
    page.locator("#door-matches button").click()

    expect(page.locator("#scan-result")).to_have_class("scan-result scan-ok")
    assert in_viewport(page, "#scan-result")
    assert mai.check_ins.count() == 1
    assert serious_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SIZES)
def test_bulk_reject_asks_how_many_first(new_page, live_server, owner, width, height, language):
    words = WORDS[language]
    event = EventFactory(owner=owner, requires_approval=True)
    people = [seats.register(event, person(n)) for n in range(3)]
    page = new_page(width=width, height=height)
    signed_in(page, owner, live_server)
    page.goto(f"/{language}/organiser/events/{event.slug}/registrations/")

    for chosen in people[:2]:
        page.locator(f"input.row-check[value='{chosen.pk}']").check()
    page.locator("#id_bulk_action").select_option("reject")
    page.locator("#bulk button[type=submit]").click()

    expect(page.get_by_role("heading", name=words["question"])).to_be_visible()
    assert set(Registration.objects.values_list("status", flat=True)) == {"pending"}
    assert serious_violations(page) == []
    page.get_by_role("button", name=words["yes"]).click()

    expect(page.locator("tbody .badge-rejected")).to_have_count(2)
    statuses = sorted(Registration.objects.values_list("status", flat=True))
    assert statuses == ["pending", "rejected", "rejected"]


def test_bulk_cancel_asks_first_without_javascript(browser, live_server, owner):
    event = EventFactory(owner=owner)
    people = [seats.register(event, person(n)) for n in range(2)]
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    signed_in(page, owner, live_server)
    page.goto(f"/en/organiser/events/{event.slug}/registrations/")

    for chosen in people:
        page.locator(f"input.row-check[value='{chosen.pk}']").check()
    page.locator("#id_bulk_action").select_option("cancel")
    page.locator("#bulk button[type=submit]").click()
    expect(page.get_by_role("heading", name="Cancel 2 registrations?")).to_be_visible()
    page.get_by_role("button", name="Yes, cancel 2 registrations").click()

    expect(page.locator("tbody .badge-cancelled")).to_have_count(2)
    context.close()


# --- On paper ---------------------------------------------------------------------------------

A4_POINTS = (595.92, 842.88)
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"
PEOPLE = [
    ("Trần Thị Mai", "Viện Hàn lâm Khoa học và Công nghệ Việt Nam"),
    ("Nguyễn Văn An", "Đại học Quốc gia Hà Nội"),
    ("Anna Müller", "Friedrich-Schiller-Universität Jena"),
    ("Kenji Watanabe", "National Institute for Environmental Studies"),
]


def pdf_text(page, tmp_path, name: str) -> tuple[str, str]:
    path = tmp_path / f"{name}.pdf"
    page.pdf(path=str(path), format="A4")
    words = subprocess.run(  # noqa: S603
        [PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(  # noqa: S603
        [PDFINFO, str(path)], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(words.split()), info


def page_size(info: str) -> tuple[float, float]:
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _x, height = line.split()[2:5]
    return float(width), float(height)


@pytest.fixture
def printed_event(owner):
    event = EventFactory(owner=owner)
    for n, (name, affiliation) in enumerate(PEOPLE):
        RegistrationFactory(
            event=event,
            name=name,
            affiliation=affiliation,
            email=f"a.very.long.address.for.person.{n}@institute.example.org",
        )
    return event


def test_attendee_list_prints_on_a4_with_every_column(
    new_page, live_server, owner, printed_event, tmp_path
):
    page = new_page()
    signed_in(page, owner, live_server)
    page.goto(f"/en/organiser/events/{printed_event.slug}/attendees/print/")

    text, info = pdf_text(page, tmp_path, "attendees")

    assert page_size(info) == pytest.approx(A4_POINTS, abs=1)
    for header in ("Name", "Organisation", "Participant type", "Signature"):
        assert header in text
    for name, _affiliation in PEOPLE:
        assert name in text


def test_registrations_table_prints_without_cutting_columns(
    new_page, live_server, owner, printed_event, tmp_path
):
    page = new_page()
    signed_in(page, owner, live_server)
    page.goto(f"/en/organiser/events/{printed_event.slug}/registrations/")

    text, info = pdf_text(page, tmp_path, "registrations")

    assert page_size(info) == pytest.approx(A4_POINTS, abs=1)
    for header in ("Name", "Email", "Affiliation", "Country", "Status", "Registered", "Checked in"):
        assert header in text
    for name, _affiliation in PEOPLE:
        assert name in text
    assert "Apply to selected" not in text  # controls are not printed
