"""An organiser asks for an event to count for a programme; the programme's staff accept it.
At a phone's and a desktop's width, in both languages, with axe checking each page state."""

import re

import pytest
from playwright.sync_api import expect

from events.programme_models import ProgrammeRequest, ProgrammeStaff
from tests.factories import EventFactory, ProgrammeFactory, UserFactory

from .conftest import screenshot, serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "en": {
        "pending": "Waiting for the programme",
        "ask": "Ask the programme",
        "accept": "Accept",
        "accepted": "now counts for this programme",
        "counts": "This event counts for NT/01",
    },
    "vi": {
        "pending": "Đang chờ chương trình trả lời",
        "ask": "Gửi yêu cầu tới chương trình",
        "accept": "Chấp nhận",
        "accepted": "nay được tính cho chương trình này",
        "counts": "Sự kiện này được tính cho NT/01",
    },
}


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width", [390, 1280])
def test_programme_request_is_asked_on_the_details_step_and_accepted_by_staff(
    new_page, width, language
):
    texts = TEXTS[language]
    programme = ProgrammeFactory(code="NT/01", title_en="Nanotechnology", title_vi="Công nghệ nano")
    ProgrammeStaff.objects.create(programme=programme, user=UserFactory(username="officer"))
    event = EventFactory(
        owner=UserFactory(username="organiser"),
        status="draft",
        title_en="Quantum Materials Workshop",
        title_vi="Hội thảo Vật liệu lượng tử",
    )
    details = f"/{language}/organiser/events/{event.slug}/edit/"
    height = 844 if width == 390 else 900

    organiser = new_page(width=width, height=height)
    sign_in(organiser, "organiser", language)
    organiser.goto(details)
    organiser.locator("#id_programme").select_option(value=str(programme.pk))
    organiser.get_by_role("button", name=texts["ask"]).click()
    state = organiser.locator(".request-state")
    expect(state).to_contain_text(texts["pending"])
    state.scroll_into_view_if_needed()
    assert state.bounding_box()["width"] <= width  # readable without sideways scrolling
    assert serious_violations(organiser) == []
    if language == "en":
        screenshot(organiser, f"organiser-programme-request-{width}")

    staff = new_page(width=width, height=height)
    sign_in(staff, "officer", language)
    # Programme staff land on their programme's page, where the request waits.
    expect(staff).to_have_url(re.compile(rf"/{language}/programmes/nt-01/$"))
    title = event.title_en if language == "en" else event.title_vi
    request_row = staff.locator(".request-list li", has_text=title)
    expect(request_row).to_be_visible()
    assert serious_violations(staff) == []
    if language == "en":
        screenshot(staff, f"programme-requests-{width}")
    request_row.get_by_role("button", name=texts["accept"]).click()
    expect(staff.locator(".messages")).to_contain_text(texts["accepted"])

    event.refresh_from_db()
    assert event.programme == programme
    assert ProgrammeRequest.objects.get(event=event).state == "accepted"
    organiser.goto(details)
    expect(organiser.locator(".programme-request")).to_contain_text(texts["counts"])
