"""An organiser sets up the call for abstracts through its page and gives a reviewer a track,
in both languages, in a real browser; the submission page then offers what they entered. Every
page of the way has no serious accessibility violation (axe)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from abstracts.models import Call, ReviewerScope
from events.models import TeamMembership
from tests.factories import EventFactory, UserFactory

from .conftest import serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = {
    "en": {
        "save": "Save the call",
        "saved": "The call for abstracts is saved.",
        "reviewers": "Reviewers and their tracks",
        "scope_saved": "The reviewer's tracks are saved.",
    },
    "vi": {
        "save": "Lưu lời kêu gọi",
        "saved": "Đã lưu lời kêu gọi nộp tóm tắt.",
        "reviewers": "Người phản biện và tiểu ban của họ",
        "scope_saved": "Đã lưu tiểu ban của người phản biện.",
    },
}


@pytest.fixture
def forum():
    event = EventFactory(
        slug="forum", title_en="Hanoi Science Forum", owner=UserFactory(username="owner")
    )
    reviewer = UserFactory(username="hoa", first_name="Hoa", last_name="Trần")
    TeamMembership.objects.create(event=event, user=reviewer, role="reviewer")
    return event


@pytest.mark.parametrize("language", ["en", "vi"])
def test_organiser_sets_up_the_call_and_submitters_see_it(new_page, forum, language):
    words, found = WORDS[language], {}
    now = timezone.localtime(timezone.now(), forum.tzinfo)
    organiser = new_page()
    sign_in(organiser, "owner", language)
    organiser.goto(f"/{language}/organiser/events/forum/questions/")
    organiser.locator("a[href$='/call-for-abstracts/']").first.click()  # the set-up step
    found["new"] = serious_violations(organiser)
    organiser.locator("#id_opens_at").fill((now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    organiser.locator("#id_closes_at").fill((now - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"))
    organiser.locator('[name="tracks.0.name_en"]').fill("Quantum materials")
    organiser.locator('[name="tracks.0.name_vi"]').fill("Vật liệu lượng tử")
    organiser.locator('[name="contribution_types.0.name_en"]').fill("Oral talk")
    organiser.locator('[name="contribution_types.0.name_vi"]').fill("Báo cáo miệng")
    organiser.locator('[name="contribution_types.2.name_en"]').fill("Flash talk")
    organiser.locator('[name="contribution_types.2.name_vi"]').fill("Báo cáo nhanh")
    organiser.locator('[name="contribution_types.2.minutes"]').fill("5")
    organiser.locator('[name="criteria.0.max_score"]').fill("10")
    organiser.locator('[name="questions.0.label_en"]').fill("Funding source")
    organiser.locator('[name="questions.0.label_vi"]').fill("Nguồn kinh phí")
    organiser.locator("#id_blind").select_option("double")
    organiser.get_by_role("button", name=words["save"]).click()  # closes before it opens

    assert organiser.locator(".error-summary").is_visible()
    assert organiser.locator("#id_closes_at-error").is_visible()
    assert organiser.locator('[name="tracks.0.name_vi"]').input_value() == "Vật liệu lượng tử"
    assert organiser.locator('[name="contribution_types.2.minutes"]').input_value() == "5"
    found["errors"] = serious_violations(organiser)
    organiser.locator("#id_closes_at").fill((now + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    organiser.get_by_role("button", name=words["save"]).click()
    organiser.locator("[role=status]").wait_for()

    assert words["saved"] in organiser.locator("[role=status]").inner_text()
    found["saved"] = serious_violations(organiser)
    call = Call.objects.get(event=forum)
    assert call.blind == "double"
    assert forum.review_criteria.first().max_score == 10

    organiser.get_by_role("link", name=words["reviewers"]).click()
    reviewer = forum.team.get(role="reviewer").user
    track = forum.tracks.get()
    organiser.locator(f'[name="reviewers.{reviewer.pk}.affiliation"]').fill("Viện Vật lý")
    organiser.locator(f"[id='id_reviewers.{reviewer.pk}.tracks.{track.pk}']").check()
    found["reviewers"] = serious_violations(organiser)
    organiser.get_by_role("button", name=reviewer.get_full_name()).click()
    organiser.locator("[role=status]").wait_for()

    assert words["scope_saved"] in organiser.locator("[role=status]").inner_text()
    scope = ReviewerScope.objects.get(user=reviewer)
    assert scope.affiliation == "Viện Vật lý" and list(scope.tracks.all()) == [track]

    author = new_page()
    author.goto(f"/{language}/events/forum/abstracts/submit/")
    tracks = author.locator('[name="track"] option').all_inner_texts()
    types = author.locator('[name="contribution_type"] option').all_inner_texts()
    expected_track = {"en": "Quantum materials", "vi": "Vật liệu lượng tử"}[language]
    expected_types = {
        "en": ["Oral talk", "Poster", "Flash talk"],
        "vi": ["Báo cáo miệng", "Áp phích", "Báo cáo nhanh"],
    }[language]
    assert expected_track in tracks
    assert [t for t in types if t in expected_types] == expected_types
    assert author.get_by_text({"en": "Funding source", "vi": "Nguồn kinh phí"}[language]).count()
    assert found == {name: [] for name in found}
