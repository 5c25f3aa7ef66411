"""Name badges: one A6 badge per page, or four to an A4 sheet (cut along the halves).

Each badge shows the person's name fitted to its box (the largest size at which it fits on
at most a few lines; never past the box, however long the name), their organisation (for
the owner and organisers only: check-in volunteers print what the door sees), their
participant type as a coloured band with its label (the colour is never the only sign), and
the same standard QR code of the ticket code as the ticket (registration.tickets.ticket_qr).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from fpdf import FPDF

from events.models import Event, ParticipantType

from .models import Registration
from .tickets import FONTS, QUIET_ZONE, ticket_qr

A6 = (105.0, 148.0)  # mm, portrait
A4 = (210.0, 297.0)
LAYOUTS = ("a6", "a4")
MAX_BADGES = 500  # per file, made within a request's time: a big conference prints in parts
MARGIN = 7.0
# Dark enough for white text (contrast of at least 4.5:1), told apart by their labels too.
TYPE_COLOURS = {
    ParticipantType.DELEGATE: (21, 82, 153),
    ParticipantType.SPEAKER: (178, 34, 34),
    ParticipantType.STUDENT: (30, 110, 50),
    ParticipantType.PRESS: (150, 75, 0),
    ParticipantType.GUEST: (100, 50, 130),
}
PT_TO_MM = 25.4 / 72
LINE_HEIGHT = 1.2  # of the font size


@dataclass(frozen=True)
class Box:
    """Where a text goes on the badge: its width and height in mm and its size range."""

    width: float
    height: float
    largest: float
    smallest: float


NAME_BOX = Box(width=A6[0] - 2 * MARGIN, height=34.0, largest=26.0, smallest=8.0)
AFFILIATION_BOX = Box(width=A6[0] - 2 * MARGIN, height=14.0, largest=13.0, smallest=6.5)


def people_for_badges(
    event: Event,
    *,
    statuses: Iterable[str] = (Registration.Status.CONFIRMED,),
    participant_types: Iterable[str] = (),
    ids: Iterable[int] = (),
) -> QuerySet[Registration]:
    """The event's people to print, by name: erased people never get a badge."""
    people = Registration.objects.filter(
        event=event, status__in=list(statuses), erased_at__isnull=True
    )
    if participant_types:
        people = people.filter(participant_type__in=list(participant_types))
    if ids:
        people = people.filter(pk__in=list(ids))
    return people.only("name", "affiliation", "participant_type", "ticket_code").order_by(
        "name", "id"
    )


def _lines(pdf: FPDF, text: str, box: Box, style: str, size: float) -> list[str]:
    pdf.set_font("DejaVu", style, size)
    return pdf.multi_cell(box.width, size * PT_TO_MM, text, dry_run=True, output="LINES")


def _fits(lines: list[str], size: float, box: Box) -> bool:
    return len(lines) * size * PT_TO_MM * LINE_HEIGHT <= box.height


def fit(pdf: FPDF, text: str, box: Box, bold: bool) -> tuple[float, list[str]]:
    """The largest font size (in steps of half a point) at which `text` fits the box, and its
    lines. At the smallest size, lines past the box's height are cut with an ellipsis: a name
    of 200 characters still fits, but nothing ever runs over the QR code or off the badge.

    Sizes are searched by halving (text fits at every size below one where it fits), and a
    text fitted once is not fitted again in the same file (the event's title, the labels)."""
    style = "B" if bold else ""
    memo = pdf.__dict__.setdefault("_fitted", {})
    key = (text, box, style)
    if key in memo:
        return memo[key]
    steps = int((box.largest - box.smallest) * 2)  # half points above the smallest size
    low, high = 0, steps  # the answer is the largest step that fits, or step 0
    if _fits(_lines(pdf, text, box, style, box.largest), box.largest, box):
        low = steps
    while low < high:
        middle = (low + high + 1) // 2
        size = box.smallest + middle / 2
        if _fits(_lines(pdf, text, box, style, size), size, box):
            low = middle
        else:
            high = middle - 1
    size = box.smallest + low / 2
    lines = _lines(pdf, text, box, style, size)
    room = max(1, int(box.height // (size * PT_TO_MM * LINE_HEIGHT)))
    if len(lines) > room:
        lines = lines[:room]
        last = lines[-1]
        while last and pdf.get_string_width(last + "…") > box.width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    memo[key] = (size, lines)
    return size, lines


def fitted_text(pdf: FPDF, x: float, y: float, box: Box, text: str, bold: bool) -> None:
    """The fitted text, centred in the box horizontally and vertically."""
    size, lines = fit(pdf, text, box, bold)
    step = size * PT_TO_MM * LINE_HEIGHT
    top = y + (box.height - step * len(lines)) / 2
    for n, line in enumerate(lines):
        pdf.set_xy(x, top + n * step)
        pdf.cell(box.width, step, line, align="C")


def draw_qr(pdf: FPDF, code: str, x: float, y: float, side: float) -> None:
    """The ticket's QR code (tickets.ticket_qr) drawn as vector squares, `side` mm wide with
    its quiet zone: sharp at any printer resolution, and no image to encode per badge."""
    qr = ticket_qr(code)
    width, _height = qr.symbol_size(scale=1, border=QUIET_ZONE)
    module = side / width
    pdf.set_fill_color(0, 0, 0)
    for row, modules in enumerate(qr.matrix):
        top = y + (row + QUIET_ZONE) * module
        column = 0
        while column < len(modules):
            if not modules[column] & 1:
                column += 1
                continue
            start = column
            while column < len(modules) and modules[column] & 1:
                column += 1
            # One rectangle per run of dark modules, a hair taller so rows never show a seam.
            left = x + (start + QUIET_ZONE) * module
            pdf.rect(left, top, (column - start) * module, module * 1.02, style="F")


def _badge(
    pdf: FPDF, x: float, y: float, event: Event, person: Registration, organisation: bool
) -> None:
    """One badge with its top left corner at (x, y), A6 sized."""
    width, height = A6
    colour = TYPE_COLOURS.get(person.participant_type, TYPE_COLOURS[ParticipantType.GUEST])
    pdf.set_draw_color(190, 190, 190)
    pdf.rect(x, y, width, height)  # the cutting line, on A4
    pdf.set_text_color(60, 60, 60)
    fitted_text(pdf, x + MARGIN, y + 5, Box(width - 2 * MARGIN, 12, 11, 6), event.title, bold=False)
    pdf.set_text_color(0, 0, 0)
    fitted_text(pdf, x + MARGIN, y + 19, NAME_BOX, person.name, bold=True)
    if organisation and person.affiliation:
        pdf.set_text_color(40, 40, 40)
        fitted_text(pdf, x + MARGIN, y + 54, AFFILIATION_BOX, person.affiliation, bold=False)
    side = 42.0
    draw_qr(pdf, person.ticket_code, x + (width - side) / 2, y + 70, side)
    pdf.set_font("DejaVu", "", 9)
    pdf.set_xy(x, y + 70 + side)
    pdf.cell(width, 5, person.ticket_code, align="C")
    pdf.set_fill_color(*colour)
    pdf.rect(x, y + height - 22, width, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    band = Box(width - 2 * MARGIN, 16, 20, 9)
    fitted_text(pdf, x + MARGIN, y + height - 19, band, person.get_participant_type_display(), True)
    pdf.set_text_color(0, 0, 0)


def badges_pdf(
    event: Event, people: Iterable[Registration], *, layout: str = "a6", organisation: bool
) -> bytes:
    """The badges of these people: one A6 page each, or four to an A4 page."""
    sheet = A6 if layout == "a6" else A4
    pdf = FPDF(format=sheet)
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Badges: %(event)s") % {"event": event.title})
    corners = [(0.0, 0.0)] if layout == "a6" else [(0, 0), (105, 0), (0, 148.5), (105, 148.5)]
    for n, person in enumerate(people):
        slot = n % len(corners)
        if slot == 0:
            pdf.add_page()
        _badge(pdf, *corners[slot], event, person, organisation)
    return bytes(pdf.output())
