"""Name badges: names fitted and readable as text, QR codes read back with zbar."""

import shutil
import subprocess

import pytest
from rest_framework.test import APIClient

from events.models import TeamMembership
from registration import badges
from registration.models import Registration
from tests.factories import EventFactory, RegistrationFactory, UserFactory
from tests.zbar import read_pdf_codes

pytestmark = pytest.mark.django_db

# 60+ characters with Vietnamese diacritics, and one far longer than any badge line.
LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Bảo Ngọc Trương Quỳnh Hương Đặng Thùy"
LONGEST_NAME = ("Tôn Nữ Hoàng Thị Khánh Ngọc Diệp " * 6).strip()
TYPES = ["speaker", "delegate", "student", "press", "guest"]
NAMES = [LONG_NAME, "Lê Văn Đức", "Phạm Thị Hồng Nhung", "Trần Quốc Việt", "Đỗ Mỹ Linh"]


def pdf_text(pdf: bytes) -> str:
    tool = shutil.which("pdftotext") or "/usr/bin/pdftotext"
    out = subprocess.run(
        [tool, "-raw", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    # In drawing order (-raw): the lines of one badge stay together on a sheet of four.
    return " ".join(out.stdout.decode().split())  # wrapped lines joined back


@pytest.fixture
def event_and_people():
    event = EventFactory(slug="badges")
    people = [
        RegistrationFactory(
            event=event,
            name=name,
            affiliation="Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
            participant_type=kind,
        )
        for name, kind in zip(NAMES, TYPES, strict=True)
    ]
    return event, people


def client_for(event, role: str) -> APIClient:
    user = UserFactory()
    TeamMembership.objects.create(event=event, user=user, role=role)
    client = APIClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_badges_pdf_shows_every_name_with_its_diacritics(event_and_people, layout):
    event, people = event_and_people
    url = f"/api/v1/events/badges/badges.pdf?layout={layout}"

    response = client_for(event, "organiser").get(url)

    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert [name for name in NAMES if name not in text] == []


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_badges_pdf_qr_codes_are_read_by_zbar_as_the_ticket_codes(event_and_people, layout):
    event, people = event_and_people
    url = f"/api/v1/events/badges/badges.pdf?layout={layout}"

    response = client_for(event, "organiser").get(url)

    codes = read_pdf_codes(response.content)
    assert sorted(codes) == sorted(f"QR-Code:{person.ticket_code}" for person in people)


def test_badges_pdf_prints_four_badges_to_an_a4_page(event_and_people):
    event, people = event_and_people

    pdf = badges.badges_pdf(event, people, layout="a4", organisation=True)

    assert pdf.count(b"/Type /Page\n") == 2  # 5 badges: 4 + 1


def test_badge_name_of_200_characters_fits_the_box_whole():
    pdf = badges.FPDF()
    pdf.add_font("DejaVu", "B", str(badges.FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    name = LONGEST_NAME[:200]

    size, lines = badges.fit(pdf, name, badges.NAME_BOX, bold=True)

    assert len(lines) * size * badges.PT_TO_MM * badges.LINE_HEIGHT <= badges.NAME_BOX.height
    assert all(pdf.get_string_width(line) <= badges.NAME_BOX.width for line in lines)
    assert " ".join(lines) == name


def test_badge_text_too_long_for_its_box_is_cut_never_overflowing():
    pdf = badges.FPDF()
    pdf.add_font("DejaVu", "B", str(badges.FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    box = badges.Box(width=60, height=8, largest=20, smallest=8)

    size, lines = badges.fit(pdf, LONGEST_NAME, box, bold=True)

    assert len(lines) * size * badges.PT_TO_MM * badges.LINE_HEIGHT <= box.height
    assert all(pdf.get_string_width(line) <= box.width for line in lines)
    assert lines[-1].endswith("…")


def test_badge_long_name_shrinks_to_fit_the_box_whole():
    pdf = badges.FPDF()
    pdf.add_font("DejaVu", "B", str(badges.FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_page()

    size, lines = badges.fit(pdf, LONG_NAME, badges.NAME_BOX, bold=True)

    assert size < badges.NAME_BOX.largest
    assert " ".join(lines) == LONG_NAME


def test_badges_pdf_filters_by_participant_type_and_ids(event_and_people):
    event, people = event_and_people
    client = client_for(event, "organiser")

    by_type = client.get("/api/v1/events/badges/badges.pdf?participant_type=speaker,student")
    by_id = client.get(f"/api/v1/events/badges/badges.pdf?ids={people[1].pk}")

    assert sorted(read_pdf_codes(by_type.content)) == sorted(
        f"QR-Code:{p.ticket_code}" for p in (people[0], people[2])
    )
    assert read_pdf_codes(by_id.content) == [f"QR-Code:{people[1].ticket_code}"]


def test_badges_pdf_leaves_out_cancelled_people_by_default(event_and_people):
    event, people = event_and_people
    Registration.objects.filter(pk=people[0].pk).update(status="cancelled")

    response = client_for(event, "organiser").get("/api/v1/events/badges/badges.pdf")

    assert LONG_NAME not in pdf_text(response.content)


def test_badges_pdf_for_check_in_staff_has_no_organisation(event_and_people):
    event, _people = event_and_people

    response = client_for(event, "checkin").get("/api/v1/events/badges/badges.pdf")

    text = pdf_text(response.content)
    assert "Lê Văn Đức" in text
    assert "Viện Hàn lâm" not in text


def test_badges_pdf_for_organisers_has_the_organisation(event_and_people):
    event, _people = event_and_people

    response = client_for(event, "organiser").get("/api/v1/events/badges/badges.pdf")

    assert "Viện Hàn lâm Khoa học và Công nghệ Việt Nam" in pdf_text(response.content)


def test_badges_pdf_matching_nobody_is_a_409(event_and_people):
    event, _people = event_and_people

    response = client_for(event, "organiser").get("/api/v1/events/badges/badges.pdf?ids=999999")

    assert response.status_code == 409
    assert response.json()["code"] == "no_badges"


def test_badges_pdf_unknown_participant_type_is_a_400(event_and_people):
    event, _people = event_and_people

    response = client_for(event, "organiser").get(
        "/api/v1/events/badges/badges.pdf?participant_type=alien"
    )

    assert response.status_code == 400
    assert "participant_type" in response.json()


def test_badges_pdf_past_the_limit_asks_to_print_in_parts(event_and_people, monkeypatch):
    event, _people = event_and_people
    monkeypatch.setattr(badges, "MAX_BADGES", 4)  # five people, one more than the limit

    response = client_for(event, "organiser").get("/api/v1/events/badges/badges.pdf")

    assert response.status_code == 409
    assert response.json()["code"] == "too_many_badges"
