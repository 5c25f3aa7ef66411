import re

import pytest

from registration.models import Registration
from tests.factories import EventFactory
from tests.registration.helpers import register
from tests.zbar import read_codes

pytestmark = pytest.mark.django_db


def test_manage_page_shows_status_and_ticket(client):
    registration = register(EventFactory(title_en="Hanoi Forum"), 1)

    response = client.get(f"/r/{registration.manage_token}")

    page = response.content.decode()
    assert response.status_code == 200
    assert registration.ticket_code in page
    assert '<html lang="vi">' in page  # the attendee registered in Vietnamese


def test_manage_page_in_vietnamese(client):
    registration = register(EventFactory(), 1)

    page = client.get(f"/r/{registration.manage_token}", HTTP_ACCEPT_LANGUAGE="vi").content

    assert "Hủy đăng ký".encode() in page or "hủy".encode() in page


def test_manage_page_unknown_token_is_404(client):
    assert client.get("/r/" + "x" * 43).status_code == 404


def test_manage_page_cancel_button_cancels(client):
    registration = register(EventFactory(), 1)

    response = client.post(f"/r/{registration.manage_token}", {"action": "cancel"})

    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_manage_page_erase_button_erases(client):
    registration = register(EventFactory(), 1)

    response = client.post(f"/r/{registration.manage_token}", {"action": "erase"})

    assert response.status_code == 200
    assert Registration.objects.get(pk=registration.pk).erased_at is not None


def test_manage_page_welcome_tells_the_waitlist_position_once(client):
    event = EventFactory(slug="full", capacity=1, waitlist_enabled=True)
    register(event, 1)
    data = {"name": "Hoa", "email": "hoa@example.org", "consent": "1"}

    response = client.post("/en/events/full/register/", data, follow=True)
    again = client.get(response.redirect_chain[-1][0])

    assert "You are number 1 on the waiting list." in response.content.decode()
    assert "outcome-heading" not in again.content.decode()


def test_manage_page_edit_saves_details(client):
    registration = register(EventFactory(), 1)
    data = {
        "action": "edit",
        "name": "Nguyễn Hoa",
        "email": registration.email,
        "affiliation": "VAST",
        "country": "jp",
        "language": "en",
    }

    response = client.post(f"/r/{registration.manage_token}", data)

    registration.refresh_from_db()
    assert response.status_code == 302
    assert (registration.name, registration.affiliation, registration.country) == (
        "Nguyễn Hoa",
        "VAST",
        "JP",
    )


def test_manage_page_new_email_waits_for_confirmation_whether_or_not_taken(client):
    from notifications.models import Delivery

    event = EventFactory()
    registration, other = register(event, 1), register(event, 2)
    data = {"action": "edit", "name": "Hoa", "affiliation": "", "country": "", "language": "en"}
    url = f"/r/{registration.manage_token}"
    client.cookies["django_language"] = "en"  # the page otherwise speaks the person's (vi)

    taken = client.post(url, {**data, "email": other.email}, follow=True)
    free = client.post(url, {**data, "email": "free@example.org"}, follow=True)

    registration.refresh_from_db()
    assert registration.email == "person1@example.org"
    for page in (taken, free):
        assert page.status_code == 200
        assert "the change is made when it is opened" in page.content.decode()
    sent_to = set(Delivery.objects.filter(kind="email_change").values_list("to_email", flat=True))
    assert sent_to == {other.email, "free@example.org"}


def test_manage_page_edit_with_bad_country_is_400_and_keeps_input(client):
    registration = register(EventFactory(), 1)
    data = {
        "action": "edit",
        "name": "Typed name",
        "email": registration.email,
        "affiliation": "",
        "country": "XX",
        "language": "en",
    }

    response = client.post(f"/r/{registration.manage_token}", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_country-error"' in page and 'value="Typed name"' in page
    assert Registration.objects.get(pk=registration.pk).name != "Typed name"


def test_manage_page_unsubscribe_stops_reminders(client):
    from notifications.models import OptOut

    registration = register(EventFactory(), 1, language="en")

    client.post(f"/r/{registration.manage_token}", {"action": "unsubscribe"})

    assert OptOut.objects.filter(registration=registration).exists()
    page = client.get(f"/r/{registration.manage_token}").content.decode()
    assert "You get no reminders" in page


def test_manage_page_unknown_action_changes_nothing(client):
    registration = register(EventFactory(), 1)

    response = client.post(f"/r/{registration.manage_token}", {"action": "explode"})

    assert response.status_code == 302
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"


def test_manage_page_cancel_twice_says_why(client):
    registration = register(EventFactory(), 1)
    client.post(f"/r/{registration.manage_token}", {"action": "cancel"})

    response = client.post(f"/r/{registration.manage_token}", {"action": "cancel"})

    assert response.status_code in (302, 400)
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_manage_page_shows_seats_left_of_limited_choices(client):
    from tests.factories import ChoiceFactory, QuestionFactory

    event = EventFactory()
    tour = QuestionFactory(event=event, kind="single_choice", label_en="Tour")
    lab = ChoiceFactory(question=tour, label_en="Lab", capacity=5)
    registration = register(event, 1, answers={str(tour.pk): lab.pk}, language="en")

    response = client.get(f"/r/{registration.manage_token}")

    assert response.status_code == 200
    assert "4 seats left" in response.content.decode()


def test_manage_page_ticket_image_is_read_by_zbar_as_the_ticket_code(client):
    registration = register(EventFactory(), 1)
    page = client.get(f"/r/{registration.manage_token}").content.decode()

    [source] = re.findall(r'<img src="([^"]+)" alt="[^"]*QR', page)
    image = client.get(source)

    assert image["Content-Type"] == "image/png"
    assert read_codes(image.content) == [f"QR-Code:{registration.ticket_code}"]
