"""Submitting, reviewing and deciding through the pages, in both languages, in a real browser;
every page of the way has no serious accessibility violation (axe)."""

import pytest

from abstracts.models import Abstract, Decision, Review
from events.models import TeamMembership
from tests.abstracts.helpers import decide, open_call, submit
from tests.factories import EventFactory, UserFactory

from .conftest import serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
WORDS = {
    "en": {
        "submit": "Submit the abstract",
        "save": "Save the review",
        "decide": "Decide the selected abstracts",
        "confirm": "I will present it",
    },
    "vi": {
        "submit": "Nộp bản tóm tắt",
        "save": "Lưu phản biện",
        "decide": "Quyết định các bản đã chọn",
        "confirm": "Tôi sẽ trình bày",
    },
}


@pytest.fixture
def call_event():
    owner = UserFactory(username="owner")
    event = EventFactory(slug="forum", title_en="Hanoi Science Forum", owner=owner)
    open_call(event)
    for role in ("reviewer", "committee"):
        user = UserFactory(username=role, email=f"{role}@review.org")
        TeamMembership.objects.create(event=event, user=user, role=role)
    return event


@pytest.mark.parametrize("language", ["en", "vi"])
def test_submit_review_and_decide_through_the_pages(new_page, call_event, language):
    words = WORDS[language]
    found = {}
    author = new_page()
    author.goto(f"/{language}/events/forum/abstracts/submit/")
    author.locator("#id_title_en").fill("Rice husk silica")
    author.locator("#id_text_en").fill("We turn rice husks into silica nanoparticles.")
    author.locator('[name="authors.0.name"]').fill("Lê Minh Châu")
    author.locator('[name="authors.0.email"]').fill("chau@hcmus.edu.vn")
    author.locator('[name="contribution_type"]').select_option(index=1)
    author.locator('[name="track"]').select_option(index=1)
    author.get_by_role("button", name=words["submit"]).click()  # no presenting author yet
    assert author.locator(".error-summary").is_visible()
    assert author.locator('[name="authors.0.name"]').input_value() == "Lê Minh Châu"
    found["submit-errors"] = serious_violations(author)
    author.locator("#id_presenting_0").check()
    author.locator("#id_consent").check()
    author.get_by_role("button", name=words["submit"]).click()
    author.wait_for_url("**/a/*")
    found["private-link"] = serious_violations(author)
    abstract = Abstract.objects.get()
    abstract.assignments.create(reviewer=call_event.team.get(role="reviewer").user)

    reviewer = new_page()
    sign_in(reviewer, "reviewer", language)
    reviewer.goto(f"/{language}/organiser/events/forum/reviews/")
    found["reviews"] = serious_violations(reviewer)
    reviewer.get_by_role("link", name="Rice husk silica").click()
    for select in reviewer.locator('select[name^="scores."]').all():
        select.select_option("4")
    reviewer.locator('[name="recommendation"]').select_option("talk")
    found["review"] = serious_violations(reviewer)
    reviewer.get_by_role("button", name=words["save"]).click()
    reviewer.wait_for_url("**/reviews/")
    assert Review.objects.get().recommendation == "talk"

    committee = new_page()
    sign_in(committee, "committee", language)
    committee.goto(f"/{language}/organiser/events/forum/committee/")
    found["committee"] = serious_violations(committee)
    committee.locator(f"#pick-{abstract.pk}").check()
    committee.locator('[name="outcome"]').select_option("talk")
    committee.get_by_role("button", name=words["decide"]).click()
    committee.locator("[role=status]").wait_for()

    assert Decision.objects.get().outcome == "talk"
    assert call_event.sessions.get().title_en == "Rice husk silica"
    assert found == {name: [] for name in found}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_presenting_author_confirms_on_the_private_link(new_page, call_event, language):
    abstract = submit(call_event, language=language)
    decide(abstract, "talk")
    page = new_page()
    page.goto(f"/a/{abstract.token}")
    found = {"asked": serious_violations(page)}

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=WORDS[language]["confirm"]).click()
    page.locator("#presenting ~ [role=status]").wait_for()
    found["answered"] = serious_violations(page)

    assert Decision.objects.get(pk=abstract.pk).confirmation == "confirmed"
    assert found == {"asked": [], "answered": []}
