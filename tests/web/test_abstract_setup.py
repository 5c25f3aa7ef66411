"""The organisers' set-up pages of the call for abstracts and of its reviewers
(web/views/abstract_setup.py)."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from abstracts import reviewing
from abstracts.models import (
    AbstractQuestion,
    Call,
    ContributionType,
    Criterion,
    ReviewerScope,
    Track,
)
from events.models import AuditLogEntry, TeamMembership
from tests.abstracts.helpers import member, open_call, submit
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
PAGE = "/{language}/organiser/events/forum/call-for-abstracts/"


@pytest.fixture
def forum(owner):
    return EventFactory(owner=owner, slug="forum", timezone="Asia/Ho_Chi_Minh")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def page(language: str = "en") -> str:
    return PAGE.format(language=language)


def new_call_form(**changes) -> dict[str, str]:
    """The form of a new call as an organiser fills it in: the page's default types and
    criteria (rows 0 and 1, 0 to 2), one track, one question; changes replace fields."""
    form = {
        "opens_at": "2030-03-01T08:00",
        "closes_at": "2030-04-01T17:00",
        "review_deadline": "2030-04-20T17:00",
        "word_limit": "250",
        "reviewers_per_abstract": "3",
        "blind": "double",
        "remind_hours_before": "24",
        "tracks.0.id": "",
        "tracks.0.name_en": "Materials",
        "tracks.0.name_vi": "Vật liệu",
        "tracks.1.id": "",
        "contribution_types.0.id": "",
        "contribution_types.0.name_en": "Talk",
        "contribution_types.0.name_vi": "Báo cáo",
        "contribution_types.0.minutes": "20",
        "contribution_types.1.id": "",
        "contribution_types.1.name_en": "Poster",
        "contribution_types.1.name_vi": "Áp phích",
        "contribution_types.1.minutes": "60",
        "contribution_types.1.is_poster": "1",
        "contribution_types.2.id": "",
        "contribution_types.2.minutes": "15",
        "criteria.0.id": "",
        "criteria.0.name_en": "Relevance",
        "criteria.0.name_vi": "Mức độ phù hợp",
        "criteria.0.max_score": "5",
        "criteria.1.id": "",
        "criteria.1.max_score": "5",
        "questions.0.id": "",
        "questions.0.label_en": "Funding source",
        "questions.0.label_vi": "Nguồn kinh phí",
        "questions.0.kind": "short_text",
        "questions.0.required": "1",
        "questions.1.id": "",
        "questions.1.kind": "short_text",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def saved_call_form(event, **changes) -> dict[str, str]:
    """The form of a saved call as the page shows it, every item in its row."""
    call = event.call
    local = {name: event.local(getattr(call, name)) for name in ("opens_at", "closes_at")}
    form = {name: moment.strftime("%Y-%m-%dT%H:%M") for name, moment in local.items()}
    form.update(word_limit="300", reviewers_per_abstract="2", blind="single")
    form["remind_hours_before"] = "48"
    for index, track in enumerate(Track.objects.filter(event=event)):
        form.update({f"tracks.{index}.id": str(track.pk), f"tracks.{index}.name_en": track.name_en})
        form[f"tracks.{index}.name_vi"] = track.name_vi
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


# --- Who opens it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("owner", 200), ("organiser", 200), ("committee", 403), ("reviewer", 403), ("checkin", 403)],
)
def test_call_page_opens_for_those_who_set_up_the_event(client, forum, role, status):
    user = forum.team.get(role="owner").user if role == "owner" else UserFactory()
    if role != "owner":
        TeamMembership.objects.create(event=forum, user=user, role=role)
    client.force_login(user)

    assert client.get(page()).status_code == status


def test_call_page_is_not_found_by_someone_off_the_team(client, forum):
    client.force_login(UserFactory())

    assert client.get(page()).status_code == 404


def test_call_page_without_sign_in_redirects_to_sign_in(client, forum):
    response = client.get(page())

    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_call_post_by_the_committee_is_refused_and_changes_nothing(client, forum):
    user = UserFactory()
    TeamMembership.objects.create(event=forum, user=user, role="committee")
    client.force_login(user)

    assert client.post(page(), new_call_form()).status_code == 403
    assert not Call.objects.exists()


# --- Reading ----------------------------------------------------------------------------------


def test_call_page_before_any_call_offers_a_talk_a_poster_and_three_criteria(owner_client, forum):
    html = owner_client.get(page()).content.decode()

    assert 'value="Talk"' in html and 'value="Áp phích"' in html
    assert 'value="Relevance"' in html and 'value="Tính rõ ràng"' in html
    assert 'name="opens_at" value=""' in html


def test_call_page_shows_the_saved_times_on_the_event_clock(owner_client, forum, owner):
    opens = datetime.fromisoformat("2030-03-01T01:00:00+00:00")  # 08:00 in Saigon
    open_call(forum, opens_at=opens, closes_at=opens + timedelta(days=30), review_deadline=None)

    html = owner_client.get(page()).content.decode()

    assert 'value="2030-03-01T08:00"' in html
    assert 'name="tracks.0.name_vi" value="Vật liệu"' in html


def test_call_page_is_in_vietnamese(owner_client, forum):
    html = owner_client.get(page("vi")).content.decode()

    assert "Kêu gọi tóm tắt" in html and "Tiểu ban" in html
    assert "Mở nhận bài" in html


def test_set_up_steps_link_to_the_call_page(owner_client, forum):
    html = owner_client.get("/en/organiser/events/forum/questions/").content.decode()

    assert f'href="{page()}"' in html


def test_call_page_reads_in_the_same_number_of_queries_for_more_items(owner_client, forum):
    open_call(forum)
    submit(forum)
    with CaptureQueriesContext(connection) as few:
        owner_client.get(page())
    for number in range(8):
        Track.objects.create(event=forum, name_en=f"Track {number}", position=10 + number)
        AbstractQuestion.objects.create(event=forum, kind="short_text", label_en=f"Q{number}")

    with CaptureQueriesContext(connection) as many:
        owner_client.get(page())

    assert len(many) == len(few)


# --- Saving -----------------------------------------------------------------------------------


def test_saving_a_new_call_sets_it_up_through_the_api_rules(owner_client, forum):
    response = owner_client.post(page(), new_call_form())

    call = Call.objects.get(event=forum)
    assert response.status_code == 302 and response["Location"] == page()
    assert call.opens_at == datetime.fromisoformat("2030-03-01T01:00:00+00:00")
    assert call.review_deadline == datetime.fromisoformat("2030-04-20T10:00:00+00:00")
    assert (call.word_limit, call.reviewers_per_abstract, call.blind) == (250, 3, "double")
    assert call.remind_hours_before == 24
    assert list(forum.tracks.values_list("name_en", "name_vi")) == [("Materials", "Vật liệu")]
    assert list(forum.contribution_types.values_list("name_vi", "minutes", "is_poster")) == [
        ("Báo cáo", 20, False),
        ("Áp phích", 60, True),
    ]
    assert list(forum.review_criteria.values_list("name_en", "max_score")) == [("Relevance", 5)]
    assert forum.abstract_questions.get().required is True
    assert AuditLogEntry.objects.filter(event=forum, action="call.created").exists()


def test_saving_says_so(owner_client, forum):
    response = owner_client.post(page(), new_call_form(), follow=True)

    assert "The call for abstracts is saved." in response.content.decode()


def test_emptied_review_deadline_is_cleared(owner_client, forum):
    open_call(forum)

    owner_client.post(page(), saved_call_form(forum, review_deadline=""))

    assert Call.objects.get(event=forum).review_deadline is None


def test_renamed_track_keeps_its_row_and_its_abstracts(owner_client, forum):
    open_call(forum)
    abstract = submit(forum)
    track = abstract.track

    owner_client.post(page(), saved_call_form(forum, **{"tracks.0.name_en": "New materials"}))

    track.refresh_from_db()
    assert track.name_en == "New materials"
    assert forum.abstracts.get().track == track


def test_removing_an_unused_track_deletes_it(owner_client, forum):
    open_call(forum)
    energy = Track.objects.get(event=forum, name_en="Energy")

    response = owner_client.post(page(), saved_call_form(forum, **{"tracks.1.remove": "1"}))

    assert response.status_code == 302
    assert not Track.objects.filter(pk=energy.pk).exists()
    assert forum.tracks.count() == 1


def test_track_in_use_offers_no_remove_box_and_says_how_many_use_it(owner_client, forum):
    open_call(forum)
    submit(forum)  # in the first track

    html = owner_client.get(page()).content.decode()

    assert 'name="tracks.0.remove"' not in html and 'name="tracks.1.remove"' in html
    assert "used by 1 abstract" in html


def test_removing_a_track_in_use_is_refused_and_keeps_what_was_typed(owner_client, forum):
    open_call(forum)
    submit(forum)
    form = saved_call_form(forum, **{"tracks.0.remove": "1", "tracks.1.name_en": "Clean energy"})

    response = owner_client.post(page(), form)

    html = response.content.decode()
    assert response.status_code == 400
    assert "Abstracts use an item you removed" in html
    assert 'value="Clean energy"' in html
    assert list(forum.tracks.values_list("name_en", flat=True)) == ["Materials", "Energy"]


def test_empty_rows_add_nothing(owner_client, forum):
    open_call(forum)
    form = saved_call_form(forum, **{"tracks.2.id": "", "tracks.2.name_en": ""})

    owner_client.post(page(), form)

    assert forum.tracks.count() == 2


def test_clearing_the_names_of_an_offered_type_leaves_it_out(owner_client, forum):
    # The page offers a poster row on a new call; without its names it is not added, even
    # though its length and poster box still hold what the page filled in.
    form = new_call_form(**{"contribution_types.1.name_en": "", "contribution_types.1.name_vi": ""})

    response = owner_client.post(page(), form)

    assert response.status_code == 302
    assert list(forum.contribution_types.values_list("name_en", flat=True)) == ["Talk"]


def test_a_track_of_another_event_cannot_be_renamed_through_this_form(owner_client, forum):
    open_call(forum)
    other = EventFactory()
    foreign = Track.objects.create(event=other, name_en="Theirs")
    form = saved_call_form(forum, **{"tracks.0.id": str(foreign.pk)})

    response = owner_client.post(page(), form)

    assert response.status_code == 400
    assert 'id="id_tracks-error"' in response.content.decode()
    assert Track.objects.get(pk=foreign.pk).name_en == "Theirs"


# --- Errors -----------------------------------------------------------------------------------


def test_closing_before_opening_is_refused_beside_the_closing_time(owner_client, forum):
    response = owner_client.post(page(), new_call_form(closes_at="2030-02-01T17:00"))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_closes_at-error"' in html and "The call must close after it opens." in html
    assert 'value="2030-02-01T17:00"' in html and 'value="Nguồn kinh phí"' in html
    assert not Call.objects.exists()


def test_missing_opening_is_refused_beside_it(owner_client, forum):
    response = owner_client.post(page(), new_call_form(opens_at=""))

    assert response.status_code == 400
    assert 'id="id_opens_at-error"' in response.content.decode()


def test_bad_value_in_a_row_is_shown_beside_that_row(owner_client, forum):
    form = new_call_form(**{"criteria.1.name_en": "Clarity", "criteria.1.max_score": "1"})

    response = owner_client.post(page(), form)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_criteria.1.max_score-error"' in html
    assert 'href="#id_criteria.1.max_score">Criterion 2: Highest score' in html
    assert 'name="criteria.1.name_en" value="Clarity"' in html
    assert not Criterion.objects.exists()


def test_row_after_an_emptied_one_gets_its_own_error(owner_client, forum):
    # Type row 0 is emptied (not sent), so the poster of row 1 is the first item sent: its
    # error comes back as item 0 and must land on row 1.
    emptied = {"contribution_types.0.name_en": "", "contribution_types.0.name_vi": ""}
    form = new_call_form(**emptied, **{"contribution_types.0.minutes": "15"})
    form["contribution_types.1.minutes"] = "0"

    response = owner_client.post(page(), form)

    assert 'id="id_contribution_types.1.minutes-error"' in response.content.decode()
    assert not ContributionType.objects.exists()


def test_saved_item_emptied_of_both_names_is_refused_beside_its_list(owner_client, forum):
    open_call(forum)
    form = saved_call_form(forum, **{"tracks.1.name_en": "", "tracks.1.name_vi": ""})

    response = owner_client.post(page(), form)

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_tracks-error"' in html
    assert "Give each item a name in English or Vietnamese." in html


def test_errors_are_in_vietnamese_on_the_vietnamese_page(owner_client, forum):
    response = owner_client.post(page("vi"), new_call_form(closes_at="2030-02-01T17:00"))

    assert "Vui lòng sửa" in response.content.decode()


# --- What submitters see ----------------------------------------------------------------------


def test_submit_page_offers_the_tracks_and_types_saved_on_this_page(owner_client, client, forum):
    now = timezone.localtime(timezone.now(), forum.tzinfo)
    form = new_call_form(
        opens_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        closes_at=(now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        review_deadline="",
    )
    owner_client.post(page(), form)

    html = client.get("/vi/events/forum/abstracts/submit/").content.decode()

    assert "Vật liệu" in html and "Báo cáo" in html and "Áp phích" in html
    assert "Nguồn kinh phí" in html


# --- Reviewers --------------------------------------------------------------------------------

REVIEWERS = "/{language}/organiser/events/forum/reviewers/"


def reviewers_page(language: str = "en") -> str:
    return REVIEWERS.format(language=language)


def test_reviewers_page_gives_a_reviewer_tracks_and_an_affiliation(owner_client, forum):
    open_call(forum)
    reviewer = member(forum, "reviewer", first_name="Hoa", last_name="Trần")
    energy = forum.tracks.get(name_en="Energy")
    field = f"reviewers.{reviewer.pk}."

    response = owner_client.post(
        reviewers_page(),
        {"reviewer": reviewer.pk, field + "affiliation": "VAST", field + "tracks": [energy.pk]},
    )

    scope = ReviewerScope.objects.get(event=forum, user=reviewer)
    assert response.status_code == 302 and response["Location"] == reviewers_page()
    assert scope.affiliation == "VAST" and list(scope.tracks.all()) == [energy]
    assert AuditLogEntry.objects.filter(event=forum, action="reviewer.scope").exists()


def test_reviewers_page_shows_saved_tracks_in_vietnamese(owner_client, forum, owner):
    open_call(forum)
    reviewer = member(forum, "reviewer", first_name="Hoa", last_name="Trần")
    energy = forum.tracks.get(name_en="Energy")
    reviewing.set_scope(forum, reviewer, actor=owner, affiliation="VAST", track_ids=[energy.pk])

    html = owner_client.get(reviewers_page("vi")).content.decode()

    assert "Người phản biện" in html and "Năng lượng" in html
    assert f'value="{energy.pk}" checked' in html and 'value="VAST"' in html


def test_reviewers_page_keeps_what_was_typed_beside_a_too_long_affiliation(owner_client, forum):
    open_call(forum)
    reviewer = member(forum, "reviewer")
    field = f"reviewers.{reviewer.pk}."

    response = owner_client.post(
        reviewers_page(), {"reviewer": reviewer.pk, field + "affiliation": "x" * 301}
    )

    assert response.status_code == 400
    assert f'id="id_{field}affiliation-error"' in response.content.decode()
    assert not ReviewerScope.objects.exists()


def test_reviewers_page_refuses_someone_not_reviewing_with_404(owner_client, forum):
    committee = member(forum, "committee")

    response = owner_client.post(reviewers_page(), {"reviewer": committee.pk})

    assert response.status_code == 404
    assert not ReviewerScope.objects.exists()


def test_reviewers_page_is_refused_to_the_committee(client, forum):
    client.force_login(member(forum, "committee"))

    assert client.get(reviewers_page()).status_code == 403


def test_call_page_links_to_the_reviewers_page(owner_client, forum):
    open_call(forum)

    assert f'href="{reviewers_page()}"' in owner_client.get(page()).content.decode()
