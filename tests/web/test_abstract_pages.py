"""Pages of the call for abstracts: submit, the private link, reviewing, the committee board."""

import pytest

from abstracts import actions
from abstracts.models import Abstract, Call, Decision, Review
from events.models import TeamMembership
from tests.abstracts.helpers import assign, decide, member, open_call, review, submit
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def call_event(owner):
    event = EventFactory(owner=owner, slug="forum")
    open_call(event)
    return event


def form(event, **extra) -> dict:
    return {
        "title_en": "Rice husk nanomaterials",
        "text_en": "We turn rice husks into silica nanoparticles.",
        "keywords": "rice, silica",
        "track": str(event.tracks.first().pk),
        "contribution_type": str(event.contribution_types.first().pk),
        "authors.0.name": "Lê Minh",
        "authors.0.email": "le@hcmus.edu.vn",
        "authors.0.affiliation": "Trường Đại học Khoa học Tự nhiên",
        "authors.0.country": "Việt Nam",
        "presenting": "0",
        "consent": "1",
        **extra,
    }


@pytest.mark.parametrize("language", ["en", "vi"])
def test_submit_page_creates_the_abstract_and_opens_the_private_link(client, call_event, language):
    response = client.post(f"/{language}/events/forum/abstracts/submit/", form(call_event))

    abstract = Abstract.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/a/{abstract.token}"
    assert abstract.language == language
    assert abstract.authors.get().country == "VN"
    page = client.get(response["Location"]).content.decode()
    assert "Rice husk nanomaterials" in page


def test_submit_page_keeps_what_was_typed_and_puts_errors_beside_fields(client, call_event):
    data = form(call_event, **{"authors.0.email": "not-an-address", "presenting": ""})

    response = client.post("/en/events/forum/abstracts/submit/", data)

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_authors.0.email-error"' in page
    assert "Mark exactly one author as presenting." in page
    assert "Rice husk nanomaterials" in page and "Trường Đại học Khoa học Tự nhiên" in page
    assert not Abstract.objects.exists()


def test_submit_page_in_vietnamese_speaks_vietnamese(client, call_event):
    page = client.get("/vi/events/forum/abstracts/submit/").content.decode()

    assert "Nộp tóm tắt cho" in page and "Người trình bày" in page


def test_private_link_page_withdraws(client, call_event):
    abstract = submit(call_event)

    client.post(f"/a/{abstract.token}", {"action": "withdraw"})

    abstract.refresh_from_db()
    assert abstract.status == "withdrawn"


def test_private_link_page_edits_and_keeps_the_edit(client, call_event):
    abstract = submit(call_event)
    data = form(call_event, title_en="A better title")

    response = client.post(f"/a/{abstract.token}", data)

    assert response.status_code == 302
    abstract.refresh_from_db()
    assert abstract.title_en == "A better title"


def test_double_blind_review_page_names_no_author(client, owner):
    event = EventFactory(owner=owner, slug="blind")
    open_call(event, blind=Call.Blind.DOUBLE)
    abstract = submit(event)
    reviewer = member(event, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    client.force_login(reviewer)

    pages = [
        client.get("/en/organiser/events/blind/reviews/").content.decode(),
        client.get(f"/en/organiser/events/blind/reviews/{abstract.pk}/").content.decode(),
    ]

    assert "Graphene membranes" in pages[1]
    assert not any(
        detail in page for page in pages for detail in ("Nguyễn Văn", "uni1.edu.vn", "University 1")
    )


@pytest.mark.parametrize("language", ["en", "vi"])
def test_review_form_saves_the_review(client, call_event, language):
    abstract = submit(call_event)
    reviewer = member(call_event, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    client.force_login(reviewer)
    data = {f"scores.{c.pk}": "4" for c in call_event.review_criteria.all()}
    data.update(recommendation="poster", comment_to_authors="Good.")

    response = client.post(f"/{language}/organiser/events/forum/reviews/{abstract.pk}/", data)

    assert response.status_code == 302
    assert Review.objects.get().recommendation == "poster"


def test_review_form_shows_errors_and_keeps_comments(client, call_event):
    abstract = submit(call_event)
    reviewer = member(call_event, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    client.force_login(reviewer)

    response = client.post(
        f"/en/organiser/events/forum/reviews/{abstract.pk}/", {"comment_to_authors": "Kept."}
    )

    assert response.status_code == 400
    assert "Kept." in response.content.decode()
    assert "Score this criterion." in response.content.decode()


def test_conflicted_reviewer_gets_404_on_the_review_page(client, call_event):
    abstract = submit(call_event)
    reviewer = member(call_event, "reviewer", email="r@review.org")
    assign(abstract, reviewer)
    client.force_login(reviewer)
    client.post(f"/en/organiser/events/forum/reviews/{abstract.pk}/", {"action": "conflict"})

    response = client.get(f"/en/organiser/events/forum/reviews/{abstract.pk}/")

    assert response.status_code == 404
    assert "Graphene" not in client.get("/en/organiser/events/forum/reviews/").content.decode()


def test_committee_board_decides_the_selected_abstracts(client, call_event):
    first, second = submit(call_event), submit(call_event)
    client.force_login(member(call_event, "committee"))

    response = client.post(
        "/en/organiser/events/forum/committee/", {"ids": [first.pk, second.pk], "outcome": "talk"}
    )

    assert response.status_code == 200
    assert Decision.objects.count() == 2
    assert "2 abstracts decided." in response.content.decode()


# --- The presenting author's answer on the private link ----------------------------------------


@pytest.fixture
def accepted(call_event):
    abstract = submit(call_event)
    decide(abstract, "talk")
    return abstract


def test_private_link_page_offers_no_answer_before_a_decision(client, call_event):
    abstract = submit(call_event)

    page = client.get(f"/a/{abstract.token}").content.decode()

    assert 'value="confirm"' not in page and 'value="decline"' not in page


def test_private_link_page_of_an_accepted_abstract_asks_with_a_confirmation(client, accepted):
    page = client.get(f"/a/{accepted.token}").content.decode()

    assert 'name="action" value="confirm" data-confirm=' in page
    assert 'name="action" value="decline" class="danger" data-confirm=' in page


def test_private_link_page_confirms(client, accepted):
    response = client.post(f"/a/{accepted.token}", {"action": "confirm"}, follow=True)

    assert Decision.objects.get(pk=accepted.pk).confirmation == "confirmed"
    assert "that you will present it." in response.content.decode()
    assert 'value="decline"' not in response.content.decode()


def test_private_link_page_declines_and_the_session_leaves(client, accepted):
    client.post(f"/a/{accepted.token}", {"action": "decline"})

    assert Decision.objects.get(pk=accepted.pk).confirmation == "declined"
    assert not accepted.event.sessions.exists()


def test_private_link_page_shows_a_refused_answer(client, accepted):
    actions.confirm(accepted)

    response = client.post(f"/a/{accepted.token}", {"action": "decline"})

    assert response.status_code == 400
    assert "You have answered already" in response.content.decode()
    assert Decision.objects.get(pk=accepted.pk).confirmation == "confirmed"


def test_private_link_page_in_vietnamese_asks_in_vietnamese(client, accepted):
    page = client.get(f"/a/{accepted.token}", HTTP_COOKIE="django_language=vi").content.decode()

    assert "Tôi sẽ trình bày" in page


def test_committee_board_shows_the_presenters_answer(client, call_event, accepted):
    actions.decline(accepted)
    client.force_login(member(call_event, "committee"))

    page = client.get("/en/organiser/events/forum/committee/").content.decode()

    assert "Declined by the presenter" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_review_pages_remember_the_reviewers_language(client, call_event, language):
    reviewer = member(call_event, "reviewer", email="r@review.org")
    client.force_login(reviewer)

    client.get(f"/{language}/organiser/events/forum/reviews/")

    assert TeamMembership.objects.get(event=call_event, user=reviewer).language == language


BOARD = "/en/organiser/events/forum/committee/"


def reviewed(event, reviewer, count: int) -> None:
    for _n in range(count):
        abstract = submit(event)
        assign(abstract, reviewer)
        review(abstract, reviewer, score=3)


def test_committee_board_page_costs_the_same_queries_for_many_abstracts(
    client, call_event, django_assert_num_queries
):
    reviewer = member(call_event, "reviewer", email="r@review.org")
    reviewed(call_event, reviewer, 2)
    client.force_login(member(call_event, "committee"))
    # Session, user, event, roles; the board's count and page; the tracks and types.
    with django_assert_num_queries(8):
        client.get(BOARD)
    reviewed(call_event, reviewer, 8)

    with django_assert_num_queries(8):
        response = client.get(BOARD + "?min_score=1")

    assert "10 abstracts match the filters." in response.content.decode()


def test_committee_board_pages_keep_the_filters(client, call_event):
    for _n in range(51):  # a page and one more
        submit(call_event)
    client.force_login(member(call_event, "committee"))
    track = call_event.tracks.first().pk

    first = client.get(BOARD, {"track": track}).content.decode()
    second = client.get(BOARD, {"track": track, "page": 2}).content.decode()

    assert first.count('name="ids"') == 50 and second.count('name="ids"') == 1
    assert f'href="?track={track}&amp;page=2#id_ids"' in first
    assert "Page 2 of 2" in second


def test_committee_board_shows_a_page_for_a_bad_page_number(client, call_event):
    submit(call_event)
    client.force_login(member(call_event, "committee"))

    response = client.get(BOARD, {"page": "x"})

    assert response.status_code == 200 and response.content.decode().count('name="ids"') == 1
