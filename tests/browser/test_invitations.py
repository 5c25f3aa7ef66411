"""The owner invites someone by email on the team step; the invited person opens the emailed
link in their own browser, creates an account and lands on the event's door. In both
languages, with axe checking the invitation page."""

import re

import pytest
from playwright.sync_api import expect

from events.models import TeamMembership
from notifications.models import Delivery
from tests.factories import EventFactory, UserFactory

from .conftest import serious_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "en": {
        "locale": "en-GB",
        "add": "Add to the team",
        "invited": "Invitation to the team",
        "create": "Create the account and join",
    },
    "vi": {
        "locale": "vi-VN",
        "add": "Thêm vào nhóm",
        "invited": "Lời mời vào nhóm",
        "create": "Tạo tài khoản và tham gia",
    },
}


@pytest.mark.parametrize("language", ["en", "vi"])
def test_invitation_is_sent_from_the_team_step_and_accepted_with_a_new_account(new_page, language):
    texts = TEXTS[language]
    event = EventFactory(owner=UserFactory(username="owner"), title_en="Photonics Forum")

    owner = new_page(locale=texts["locale"])
    sign_in(owner, "owner", language)
    owner.goto(f"/{language}/organiser/events/{event.slug}/team/")
    owner.locator("#id_user").fill("lan@example.org")
    owner.locator("#id_role").select_option("checkin")
    owner.get_by_role("button", name=texts["add"]).click()
    expect(owner.get_by_text("lan@example.org").first).to_be_visible()

    delivery = Delivery.objects.get(kind="team_invitation", to_email="lan@example.org")
    link = "/invitations/" + delivery.context["invitation_url"].rsplit("/", 1)[1]

    invited = new_page(width=390, height=844, locale=texts["locale"])
    invited.goto(link)
    expect(invited.get_by_role("heading", level=1)).to_have_text(texts["invited"])
    assert serious_violations(invited) == []
    invited.locator("#id_username").fill("lan")
    invited.locator("#id_password").fill("a long pass phrase 7")
    invited.get_by_role("button", name=texts["create"]).click()

    expect(invited).to_have_url(
        re.compile(rf"/{language}/organiser/events/{event.slug}/check-in/$")
    )
    membership = TeamMembership.objects.get(event=event, user__username="lan")
    assert membership.role == "checkin"
    assert membership.user.email == "lan@example.org"
