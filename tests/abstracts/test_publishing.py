"""The book of abstracts, the open data of accepted abstracts and the figures."""

import csv
import io
import json
import shutil
import subprocess
import unicodedata

import pytest

from tests.abstracts.helpers import author, decide, open_call, submit

pytestmark = pytest.mark.django_db
E = "/api/v1/events/{}"
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


@pytest.fixture
def accepted(event):
    open_call(event)
    first = submit(
        event,
        title_en="",
        title_vi="Vật liệu nano từ vỏ trấu",
        authors=[author(1, presenting=True, name="Trần Thị Ánh", affiliation="Đại học Cần Thơ")],
    )
    second = submit(event, title_en="Solar drying of coffee")
    rejected = submit(event, title_en="A rejected idea")
    decide(first, "talk")
    decide(second, "poster")
    decide(rejected, "reject")
    return [first, second]


def pdf_text(body: bytes) -> str:
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()
    return unicodedata.normalize("NFC", " ".join(text.split()))


def test_book_has_every_accepted_title_with_diacritics(api, event, accepted):
    response = api.get(E.format(event.slug) + "/book-of-abstracts.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Vật liệu nano từ vỏ trấu" in text
    assert "Solar drying of coffee" in text
    assert "A rejected idea" not in text


def test_book_lists_affiliations_and_an_index_of_authors(api, event, accepted):
    text = pdf_text(api.get(E.format(event.slug) + "/book-of-abstracts.pdf").content)

    assert "(1) Đại học Cần Thơ" in text
    index = text[text.index("Index of authors") :]
    assert "Trần Thị Ánh: 1" in index


def test_book_keeps_programme_order(api, event, accepted):
    text = pdf_text(api.get(E.format(event.slug) + "/book-of-abstracts.pdf").content)

    assert text.index("1. Vật liệu nano") < text.index("2. Solar drying")


def test_open_data_json_has_accepted_abstracts_and_no_emails(api, event, accepted):
    response = api.get(E.format(event.slug) + "/accepted-abstracts.json")

    document = json.loads(response.content)
    assert [row["accepted_as"] for row in document["results"]] == ["talk", "poster"]
    assert document["results"][0]["authors"] == ["Trần Thị Ánh"]
    assert "@" not in response.content.decode()


def test_open_data_csv_has_a_header_and_no_emails(api, event, accepted):
    response = api.get(E.format(event.slug) + "/accepted-abstracts.csv")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [row["title_vi"] for row in rows][0] == "Vật liệu nano từ vỏ trấu"
    assert "@" not in response.content.decode()


def test_open_data_of_a_draft_event_is_404(api, draft):
    assert api.get(E.format(draft.slug) + "/accepted-abstracts.json").status_code == 404


def test_event_report_shows_acceptance_per_track_and_authors_countries(client, accepted):
    from django.utils import timezone

    event = accepted[0].event
    event.start = timezone.now() - timezone.timedelta(days=2)
    event.end = timezone.now() - timezone.timedelta(days=1)
    event.save()

    page = client.get(f"/en/events/{event.slug}/report/").content.decode()

    assert "Acceptance by track" in page
    assert "67 %" in page  # two of three accepted


def test_programme_page_suppresses_small_abstract_counts(client, accepted):
    from reports.abstract_figures import programme_figures
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory()
    event = accepted[0].event
    event.programme = programme
    event.save()

    figures = programme_figures(programme)

    assert figures["submitted"] == "<5" and figures["acceptance_rate"] is None
    assert figures["countries"] == [("VN", "<5")]
    page = client.get(f"/en/programmes/{programme.slug}/").content.decode()
    assert "Authors by country" in page and "&lt;5" in page
