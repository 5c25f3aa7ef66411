"""What search engines and link previews read: meta description, canonical and hreflang links,
Open Graph and the schema.org Event of event pages."""

import json
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import EventFactory, OrganisationFactory, UserFactory
from tests.registration.helpers import register

pytestmark = pytest.mark.django_db

SITE = "https://events.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD elements of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "meta" and (key := attrs.get("name") or attrs.get("property")):
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def one(self, key: str) -> str:
        assert len(self.meta.get(key, [])) == 1, f"{key}: {self.meta.get(key)}"
        return self.meta[key][0]

    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    def alternates(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"] for link in self.links if link.get("rel") == "alternate"
        }

    def event(self) -> dict:
        assert len(self.json_ld) == 1
        return json.loads(self.json_ld[0])


def head(client, url: str, status: int = 200) -> Head:
    response = client.get(url)
    assert response.status_code == status
    return Head(response.content.decode())


# --- Meta description -----------------------------------------------------------------------


def test_event_page_description_is_the_summary_in_the_page_language(client):
    EventFactory(slug="forum", summary_en="Physics in Hanoi.", summary_vi="Vật lý ở Hà Nội.")

    assert head(client, "/en/events/forum/").one("description") == "Physics in Hanoi."
    assert head(client, "/vi/events/forum/").one("description") == "Vật lý ở Hà Nội."


def test_event_page_description_without_summary_gives_title_date_and_city(client):
    start = datetime(2031, 3, 14, 2, 0, tzinfo=UTC)
    EventFactory(
        slug="forum", title_en="Pi Day", summary_en="", start=start, end=start + timedelta(hours=3)
    )

    text = head(client, "/en/events/forum/").one("description")

    assert text.startswith("Pi Day · Conference · ") and "2031" in text and "Hà Nội" in text


def test_event_page_description_of_a_long_summary_is_cut_to_160_characters(client):
    EventFactory(slug="forum", summary_en="Quantum materials and their uses. " * 20)

    text = head(client, "/en/events/forum/").one("description")

    assert len(text) <= 160 and text.endswith("…") and text.startswith("Quantum materials")


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_page_has_a_short_description_in_its_language(client, language):
    EventFactory(slug="forum", participant_list_public=True)
    client.force_login(UserFactory())
    urls = [
        "/",
        "/events/forum/",
        "/events/forum/register/",
        "/events/forum/lost-link/",
        "/events/forum/participants/",
        "/programmes/",
        "/organiser/",
        "/organiser/events/new/",
    ]
    descriptions = {url: head(client, f"/{language}{url}").one("description") for url in urls} | {
        "404": head(client, f"/{language}/events/nothing/", 404).one("description")
    }

    assert all(0 < len(text) <= 160 for text in descriptions.values()), descriptions
    home = descriptions["/"]
    assert home.startswith("Upcoming science" if language == "en" else "Các sự kiện khoa học")


# --- Canonical and hreflang -----------------------------------------------------------------


def test_event_page_links_its_alternates_in_both_languages(client):
    EventFactory(slug="forum")

    page = head(client, "/vi/events/forum/")

    assert page.alternates() == {
        "en": f"{SITE}/en/events/forum/",
        "vi": f"{SITE}/vi/events/forum/",
        "x-default": f"{SITE}/en/events/forum/",
    }
    assert page.canonical() == [f"{SITE}/vi/events/forum/"]


def test_canonical_keeps_filters_and_drops_tracking_empty_and_default_values(client):
    page = head(
        client,
        "/en/?utm_source=mail&fbclid=abc&q=&city=Hu%E1%BA%BF&page=1&view=list&kind=workshop",
    )

    assert page.canonical() == [f"{SITE}/en/?city=Hu%E1%BA%BF&kind=workshop"]
    assert page.alternates()["vi"] == f"{SITE}/vi/?city=Hu%E1%BA%BF&kind=workshop"


def test_canonical_keeps_the_page_number_and_calendar_view(client):
    page = head(client, "/en/?page=2&view=calendar&month=2031-03")

    assert page.canonical() == [f"{SITE}/en/?month=2031-03&page=2&view=calendar"]


def test_manage_page_is_kept_out_of_search_results_and_its_token_out_of_links(client):
    event = EventFactory()
    registration = register(event, 1)
    url = f"/r/{registration.manage_token}"

    response = client.get(url)
    page = Head(response.content.decode())

    assert page.one("robots") == "noindex" and page.one("description")
    assert page.canonical() == [] and page.alternates() == {} and "og:url" not in page.meta
    assert registration.manage_token not in "".join(link["href"] for link in page.links)


def test_not_found_page_is_not_indexed(client):
    page = head(client, "/en/events/nothing/", 404)

    assert page.one("robots") == "noindex" and page.canonical() == []


# --- Open Graph -----------------------------------------------------------------------------


def test_event_page_has_open_graph_basics_in_the_page_language(client):
    EventFactory(slug="forum", title_vi="Diễn đàn", summary_vi="Vật lý ở Hà Nội.")

    page = head(client, "/vi/events/forum/")

    assert page.one("og:title") == "Diễn đàn"
    assert page.one("og:description") == "Vật lý ở Hà Nội."
    assert page.one("og:url") == f"{SITE}/vi/events/forum/"
    assert page.one("og:type") == "website"
    assert page.one("og:locale") == "vi_VN" and page.one("og:locale:alternate") == "en_GB"


# --- schema.org Event -----------------------------------------------------------------------


def berlin_event(**fields):
    return EventFactory(
        **{
            "slug": "berlin",
            "title_en": "Berlin Photonics Days",
            "title_vi": "",
            "summary_en": "Lasers & light <in> Berlin.",
            "summary_vi": "Quang tử ở Berlin.",
            "venue_name": "Urania",
            "venue_address": "An der Urania 17",
            "venue_city": "Berlin",
            "venue_country": "DE",
            "timezone": "Europe/Berlin",
            "host": OrganisationFactory(
                name="Photonics Society", website="https://photonics.example"
            ),
        }
        | fields
    )


def test_event_json_ld_has_name_description_url_and_language(client):
    berlin_event()

    data = head(client, "/vi/events/berlin/").event()

    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["name"] == "Berlin Photonics Days"  # no Vietnamese title: the English one
    assert data["description"] == "Quang tử ở Berlin."
    assert data["url"] == f"{SITE}/vi/events/berlin/"
    assert data["inLanguage"] == "vi"


def test_event_json_ld_dates_carry_the_berlin_offset_in_winter_and_summer(client):
    start = datetime(2031, 1, 10, 8, 0, tzinfo=UTC)  # CET, +01:00
    end = datetime(2031, 7, 10, 15, 30, tzinfo=UTC)  # CEST, +02:00
    berlin_event(start=start, end=end)

    data = head(client, "/vi/events/berlin/").event()

    assert data["startDate"] == "2031-01-10T09:00:00+01:00"
    assert data["endDate"] == "2031-07-10T17:30:00+02:00"


def test_event_json_ld_dates_carry_the_hanoi_offset(client):
    start = datetime(2031, 1, 10, 2, 0, tzinfo=UTC)
    EventFactory(slug="hanoi", start=start, end=start + timedelta(hours=8))

    data = head(client, "/en/events/hanoi/").event()

    assert data["startDate"] == "2031-01-10T09:00:00+07:00"
    assert data["endDate"] == "2031-01-10T17:00:00+07:00"


def test_event_json_ld_in_person_is_a_place_with_its_address(client):
    berlin_event()

    data = head(client, "/en/events/berlin/").event()

    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"] == {
        "@type": "Place",
        "name": "Urania",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "An der Urania 17",
            "addressLocality": "Berlin",
            "addressCountry": "DE",
        },
    }


def test_event_json_ld_online_is_a_virtual_location_without_the_join_link(client):
    EventFactory(slug="webinar", format="online", online_url="https://meet.example/secret-room")

    response = client.get("/en/events/webinar/")
    data = Head(response.content.decode()).event()

    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": f"{SITE}/en/events/webinar/"}
    assert "secret-room" not in response.content.decode()


def test_event_json_ld_hybrid_has_both_locations(client):
    berlin_event(format="hybrid", online_url="https://meet.example/room")

    data = head(client, "/en/events/berlin/").event()

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [place["@type"] for place in data["location"]] == ["Place", "VirtualLocation"]


def test_event_json_ld_organizer_is_the_host(client):
    berlin_event()

    data = head(client, "/en/events/berlin/").event()

    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Photonics Society",
        "url": "https://photonics.example",
    }


def test_event_json_ld_scheduled_event_offers_open_registration(client):
    berlin_event(capacity=50)

    data = head(client, "/en/events/berlin/").event()

    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["offers"] == {
        "@type": "Offer",
        "url": f"{SITE}/en/events/berlin/register/",
        "availability": "https://schema.org/InStock",
    }


def test_event_json_ld_full_event_is_sold_out(client):
    event = berlin_event(capacity=1)
    register(event, 1)

    data = head(client, "/en/events/berlin/").event()

    assert data["offers"]["availability"] == "https://schema.org/SoldOut"


def test_event_json_ld_cancelled_event_is_event_cancelled_without_offer(client):
    berlin_event(status="cancelled")

    data = head(client, "/en/events/berlin/").event()

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert "offers" not in data


def test_event_json_ld_registration_not_open_yet_offers_from_its_opening(client):
    opens = timezone.now() + timedelta(days=3)
    berlin_event(registration_opens=opens)

    data = head(client, "/en/events/berlin/").event()

    assert data["offers"]["validFrom"] == opens.astimezone(ZoneInfo("Europe/Berlin")).isoformat()
    assert "availability" not in data["offers"]


def test_event_json_ld_escapes_markup_so_the_script_cannot_be_closed(client):
    berlin_event(title_en="Light </script><script>alert(1)</script> & more")

    html = client.get("/en/events/berlin/").content.decode()
    data = Head(html).event()

    assert data["name"] == "Light </script><script>alert(1)</script> & more"
    assert data["description"] == "Lasers & light <in> Berlin."
    assert "\\u003C/script\\u003E" in html and "<script>alert(1)" not in html


def test_event_json_ld_is_not_localised(client):
    start = datetime(2031, 1, 10, 2, 0, tzinfo=UTC)
    EventFactory(slug="hanoi", start=start, end=start + timedelta(hours=8), capacity=1000)

    english = head(client, "/en/events/hanoi/").event()
    vietnamese = head(client, "/vi/events/hanoi/").event()

    assert english["startDate"] == vietnamese["startDate"] == "2031-01-10T09:00:00+07:00"


def test_only_event_pages_carry_json_ld(client):
    EventFactory(slug="forum")

    assert head(client, "/en/").json_ld == []
    assert len(head(client, "/en/events/forum/").json_ld) == 1
