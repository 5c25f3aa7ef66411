"""Ticket images: one standard QR code everywhere, read back with zbar as door scanners do."""

import pytest

from registration import tickets
from tests.factories import EventFactory
from tests.registration.helpers import register
from tests.zbar import quiet_zone_modules, read_codes, read_pdf_codes

pytestmark = pytest.mark.django_db


def test_ticket_qr_is_a_regular_qr_code_with_error_correction_m():
    qr = tickets.ticket_qr("ABCDEFGHJKLM")  # short enough that segno would pick Micro QR

    assert not qr.is_micro
    assert (qr.version, qr.error) == (1, "M")


def test_ticket_png_is_read_by_zbar_as_the_ticket_code():
    registration = register(EventFactory(), 1)

    assert read_codes(tickets.qr_png(registration)) == [f"QR-Code:{registration.ticket_code}"]


def test_ticket_png_has_a_four_module_quiet_zone():
    registration = register(EventFactory(), 1)

    assert quiet_zone_modules(tickets.qr_png(registration, scale=8), scale=8) >= 4


def test_ticket_pdf_is_read_by_zbar_as_the_ticket_code():
    event = EventFactory(title_vi="Hội thảo Vật liệu Lượng tử và Ứng dụng trong Công nghệ " * 3)
    registration = register(event, 1, affiliation="Viện Hàn lâm Khoa học và Công nghệ Việt Nam")

    codes = read_pdf_codes(tickets.ticket_pdf(registration))

    assert codes == [f"QR-Code:{registration.ticket_code}"]
