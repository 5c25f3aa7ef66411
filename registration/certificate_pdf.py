"""The certificate as a one-page A4 (landscape) PDF, in the holder's language.

Its QR code is the same standard QR as the tickets' (tickets.ticket_qr), of the verification
address; the short code is printed under it for people who type it.
"""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from events import dates

from . import certificates
from .badges import Box, fitted_text
from .models import Certificate
from .tickets import FONTS, QUIET_ZONE, ticket_qr

WIDTH, HEIGHT = 297.0, 210.0
MARGIN = 20.0


def _qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    ticket_qr(text).save(buffer, kind="png", scale=8, border=QUIET_ZONE)
    return buffer.getvalue()


def language_of(certificate: Certificate, fallback: str) -> str:
    """The attendee's language; a speaker's certificate is in the language it is asked in."""
    if certificate.registration_id:
        return certificate.registration.language
    return fallback


def period(certificate: Certificate) -> str:
    """The event's dates, in its own timezone: one day, or first to last day."""
    event = certificate.event
    first, last = dates.day(event.start, event.timezone), dates.day(event.end, event.timezone)
    return first if first == last else f"{first} – {last}"


def certificate_pdf(certificate: Certificate, language: str) -> bytes:
    event = certificate.event
    with translation.override(language_of(certificate, language)):
        pdf = FPDF(orientation="L", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_title(str(certificate.get_kind_display()))
        pdf.add_page()
        pdf.set_draw_color(21, 82, 153)
        pdf.set_line_width(1.2)
        pdf.rect(8, 8, WIDTH - 16, HEIGHT - 16)
        inner = WIDTH - 2 * MARGIN
        fitted_text(
            pdf, MARGIN, 20, Box(inner, 16, 28, 14), str(certificate.get_kind_display()), True
        )
        fitted_text(pdf, MARGIN, 40, Box(inner, 8, 13, 9), _("This is to certify that"), False)
        fitted_text(
            pdf, MARGIN, 50, Box(inner, 22, 30, 12), certificates.holder_name(certificate), True
        )
        if certificate.kind == Certificate.Kind.ATTENDANCE:
            said = _("attended")
        else:
            said = _("presented at")
        fitted_text(pdf, MARGIN, 74, Box(inner, 8, 13, 9), said, False)
        fitted_text(pdf, MARGIN, 83, Box(inner, 20, 20, 10), event.title, True)
        place = ", ".join(p for p in (event.venue_name, event.venue_city) if p)
        when = period(certificate) + (f" · {place}" if place else "")
        fitted_text(pdf, MARGIN, 104, Box(inner, 8, 12, 8), when, False)
        if certificate.kind == Certificate.Kind.ATTENDANCE:
            detail = _("Hours attended: %(hours)s") % {"hours": certificates.hours(certificate)}
        else:
            titles = "; ".join(s.title for s in certificates.presented(certificate))
            detail = titles or ""
        if detail:
            fitted_text(pdf, MARGIN, 114, Box(inner, 12, 12, 7), detail, False)
        if event.host_id:
            host = _("Host: %(host)s") % {"host": event.host.name}
            fitted_text(pdf, MARGIN, 128, Box(inner, 8, 12, 8), host, False)
        issued = _("Issued on %(date)s") % {
            "date": dates.day(certificate.issued_at, event.timezone)
        }
        fitted_text(pdf, MARGIN, 138, Box(inner, 7, 10, 7), issued, False)
        url = certificates.verify_url(certificate)
        side = 34.0
        pdf.image(io.BytesIO(_qr_png(url)), x=WIDTH - MARGIN - side, y=HEIGHT - 20 - side, w=side)
        code = certificates.code_of(certificate)
        check = Box(WIDTH - 2 * MARGIN - side - 10, 14, 10, 7)
        fitted_text(pdf, MARGIN, HEIGHT - 40, check, _("Verify this certificate at"), False)
        fitted_text(pdf, MARGIN, HEIGHT - 32, check, url, False)
        fitted_text(pdf, MARGIN, HEIGHT - 24, check, _("Code: %(code)s") % {"code": code}, True)
    return bytes(pdf.output())
