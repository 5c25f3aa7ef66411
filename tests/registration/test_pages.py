import pytest

from registration.models import Registration
from tests.factories import EventFactory

from .helpers import register

pytestmark = pytest.mark.django_db


def test_manage_page_shows_status_and_ticket(client):
    registration = register(EventFactory(title_en="Hanoi Forum"), 1)

    response = client.get(f"/r/{registration.manage_token}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Hanoi Forum" in page and registration.ticket_code in page


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
