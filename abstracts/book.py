"""The book of abstracts (PDF) and the open data of accepted abstracts (no addresses).

The PDF uses the DejaVu fonts the tickets use, which carry every Vietnamese diacritic; the
abstracts come in programme order (their sessions' starts), then an index of authors with the
numbers of the abstracts they wrote.
"""

from collections import defaultdict
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from fpdf import FPDF

from events import dates
from events.models import Event
from registration.tickets import FONTS

from .decisions import accepted_in_programme_order
from .models import Abstract

OPEN_COLUMNS = (
    "number",
    "title_en",
    "title_vi",
    "text_en",
    "text_vi",
    "keywords",
    "track",
    "contribution_type",
    "accepted_as",
    "topic",
    "session_start",
    "authors",
    "affiliations",
    "countries",
)


def _pdf(event: Event) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(_("Book of abstracts: %(event)s") % {"event": event.title})
    pdf.set_auto_page_break(auto=True, margin=18)
    return pdf


def _line(pdf: FPDF, text: str, size: float, bold: bool = False, align: str = "L") -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")


def _affiliations(abstract: Abstract) -> tuple[str, list[str]]:
    """ "An¹, Bình¹²" and the numbered affiliations, as printed under a title."""
    places: list[str] = []
    names = []
    for author in abstract.authors.all():
        marks = ""
        if author.affiliation:
            if author.affiliation not in places:
                places.append(author.affiliation)
            marks = str(places.index(author.affiliation) + 1)
        star = "*" if author.presenting else ""
        names.append(f"{author.name}{star} ({marks})" if marks else f"{author.name}{star}")
    return ", ".join(names), [f"({i}) {place}" for i, place in enumerate(places, start=1)]


def book_pdf(event: Event) -> bytes:
    abstracts = list(accepted_in_programme_order(event))
    pdf = _pdf(event)
    pdf.add_page()
    _line(pdf, _("Book of abstracts"), 20, bold=True, align="C")
    _line(pdf, event.title, 16, bold=True, align="C")
    with timezone.override(event.tzinfo):
        _line(pdf, dates.when(event.start, event.timezone), 11, align="C")
    pdf.ln(6)
    index: dict[str, list[int]] = defaultdict(list)
    for number, abstract in enumerate(abstracts, start=1):
        if number > 1:
            pdf.ln(6)
        _line(pdf, f"{number}. {abstract.title}", 13, bold=True)
        names, places = _affiliations(abstract)
        _line(pdf, names, 10)
        for place in places:
            _line(pdf, place, 9)
        kind = abstract.decision.get_outcome_display()
        if abstract.track:
            kind = f"{abstract.track.name} · {kind}"
        _line(pdf, kind, 9)
        pdf.ln(2)
        _line(pdf, abstract.text, 10)
        if abstract.keywords:
            _line(pdf, _("Keywords: %(words)s") % {"words": ", ".join(abstract.keywords)}, 9)
        for author in abstract.authors.all():
            index[author.name].append(number)
    pdf.add_page()
    _line(pdf, _("Index of authors"), 16, bold=True)
    pdf.ln(2)
    for name in sorted(index, key=lambda n: (n.split()[-1].casefold() if n.split() else "", n)):
        _line(pdf, f"{name}: {', '.join(map(str, index[name]))}", 10)
    return bytes(pdf.output())


def open_rows(event: Event, language: str | None = None) -> list[dict[str, Any]]:
    """Accepted abstracts as open data: authors' names, affiliations and countries, never
    their addresses."""
    rows = []
    with translation.override(language or translation.get_language()):
        for number, abstract in enumerate(accepted_in_programme_order(event), start=1):
            authors = list(abstract.authors.all())
            start = abstract.session.start if abstract.session else None
            rows.append(
                {
                    "number": number,
                    "title_en": abstract.title_en,
                    "title_vi": abstract.title_vi,
                    "text_en": abstract.text_en,
                    "text_vi": abstract.text_vi,
                    "keywords": abstract.keywords,
                    "track": abstract.track.name if abstract.track else "",
                    "contribution_type": abstract.contribution_type.name,
                    "accepted_as": abstract.decision.outcome,
                    "topic": abstract.topic.code if abstract.topic else "",
                    "session_start": event.local(start).isoformat() if start else None,
                    "authors": [a.name for a in authors],
                    "affiliations": [a.affiliation for a in authors],
                    "countries": [a.country for a in authors],
                }
            )
    return rows
