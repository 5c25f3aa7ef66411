"""Tickets: the QR code of the ticket code, as a PNG or a one-page PDF.

Every ticket image (the page, the PNG download, the PDF, the email attachment) comes from
`ticket_qr`, so all of them are the same standard QR code that door scanners read: never Micro
QR (which segno would pick for a 12-character code, and which zbar, OpenCV and the browser's
BarcodeDetector cannot read), error correction M, and the 4-module quiet zone the standard
asks for around the symbol.
"""

import io
from pathlib import Path

import segno
from django.utils.translation import gettext as _
from fpdf import FPDF

from events import dates

from .models import Registration

FONTS = Path(__file__).resolve().parent / "fonts"
QUIET_ZONE = 4  # modules of white around the symbol (ISO/IEC 18004)


def ticket_qr(code: str) -> segno.QRCode:
    """The one QR code of a ticket code: regular QR, error correction M exactly."""
    return segno.make_qr(code, error="m", boost_error=False)


def qr_png(registration: Registration, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    ticket_qr(registration.ticket_code).save(buffer, kind="png", scale=scale, border=QUIET_ZONE)
    return buffer.getvalue()


def _line(pdf: FPDF, text: str, size: int, bold: bool = False, align: str = "L") -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.55, text, align=align, new_x="LMARGIN", new_y="NEXT")


def ticket_pdf(registration: Registration) -> bytes:
    event = registration.event
    pdf = FPDF(format=(148, 210))  # A5, in mm
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(f"{event.title} - {registration.name}")
    pdf.add_page()
    _line(pdf, event.title, 16, bold=True)
    start = dates.when(event.start, event.timezone)
    _line(pdf, f"{start}, {dates.zone_words(event.timezone, event.start)}", 11)
    place = ", ".join(p for p in (event.venue_name, event.venue_city) if p)
    if place:
        _line(pdf, place, 11)
    pdf.ln(4)
    _line(pdf, registration.name, 14, bold=True)
    if registration.affiliation:
        _line(pdf, registration.affiliation, 11)
    _line(pdf, str(registration.get_participant_type_display()), 11)
    pdf.image(io.BytesIO(qr_png(registration)), x=(pdf.w - 60) / 2, w=60)
    _line(pdf, registration.ticket_code, 14, bold=True, align="C")
    _line(pdf, _("Show this code at the entrance."), 9, align="C")
    return bytes(pdf.output())
