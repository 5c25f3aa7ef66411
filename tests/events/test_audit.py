"""The audit log read as sentences with names, in both languages."""

import pytest
from django.utils import translation

from events import audit
from events.models import AuditLogEntry
from registration import personal_data as registration_personal_data
from tests.factories import AuditLogEntryFactory, RegistrationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mai():
    return UserFactory(username="mai", first_name="Mai", last_name="Tran")


def sentence_of(entry: AuditLogEntry, language: str = "en") -> str:
    with translation.override(language):
        return audit.sentences([entry])[0]


def test_sentence_names_the_actor_and_the_registrant(event, mai):
    registration = RegistrationFactory(event=event, name="Nguyễn Văn An")
    entry = AuditLogEntryFactory(
        event=event,
        actor=mai,
        action="registration.approved",
        changes={"registration": registration.pk},
    )

    assert sentence_of(entry) == "Mai Tran approved Nguyễn Văn An."


def test_sentence_in_vietnamese(event, mai):
    registration = RegistrationFactory(event=event, name="Nguyễn Văn An")
    entry = AuditLogEntryFactory(
        event=event,
        actor=mai,
        action="registration.approved",
        changes={"registration": registration.pk},
    )

    assert sentence_of(entry, "vi") == "Mai Tran đã duyệt Nguyễn Văn An."


@pytest.mark.parametrize(
    "language, expected",
    [("en", "an erased registrant"), ("vi", "một người đăng ký đã bị xóa dữ liệu")],
)
def test_sentence_of_an_erased_registrant_hides_them(event, mai, language, expected):
    registration = RegistrationFactory(event=event, name="Nguyễn Văn An")
    registration_personal_data.erase_personal_data(registration)
    entry = AuditLogEntryFactory(
        event=event,
        actor=mai,
        action="registration.checked_in",
        changes={"registration": registration.pk},
    )

    text = sentence_of(entry, language)

    assert expected in text and "Nguyễn" not in text and str(registration.pk) not in text


def test_sentence_names_a_team_member_by_full_name(event, mai):
    UserFactory(username="binh", first_name="Bình", last_name="Lê")
    entry = AuditLogEntryFactory(
        event=event, actor=mai, action="team.added", changes={"member": "binh", "role": "checkin"}
    )

    assert sentence_of(entry) == "Mai Tran added Bình Lê to the team as Check-in staff."


def test_sentence_of_a_registrant_cancelling_themselves(event):
    registration = RegistrationFactory(event=event, name="Phạm Thị Hoa")
    entry = AuditLogEntryFactory(
        event=event, action="registration.cancelled", changes={"registration": registration.pk}
    )

    assert sentence_of(entry) == "Phạm Thị Hoa cancelled their registration."


def test_sentence_of_an_unknown_action_keeps_its_code(event, mai):
    entry = AuditLogEntryFactory(event=event, actor=mai, action="something.new")

    assert sentence_of(entry) == "Mai Tran: something.new"


def test_sentences_of_a_page_take_a_fixed_number_of_queries(event, mai, django_assert_num_queries):
    entries = [
        AuditLogEntryFactory(
            event=event,
            actor=mai,
            action="registration.approved",
            changes={"registration": RegistrationFactory(event=event).pk},
        )
        for _ in range(5)
    ]
    entries = list(
        AuditLogEntry.objects.filter(pk__in=[e.pk for e in entries]).select_related("actor")
    )

    with django_assert_num_queries(1), translation.override("en"):
        texts = audit.sentences(entries)

    assert len(texts) == 5 and all("approved Attendee" in text for text in texts)


def test_api_audit_entries_carry_a_sentence(owner_api, event, owner):
    registration = RegistrationFactory(event=event, name="Nguyễn Văn An")
    AuditLogEntryFactory(
        event=event,
        actor=owner,
        action="registration.rejected",
        changes={"registration": registration.pk},
    )

    response = owner_api.get(f"/api/v1/events/{event.slug}/audit-log/", HTTP_ACCEPT_LANGUAGE="vi")

    entry = response.json()["results"][0]
    assert entry["action"] == "registration.rejected"
    assert entry["changes"] == {"registration": registration.pk}
    assert entry["sentence"].endswith("đã từ chối Nguyễn Văn An.")


def test_sentence_of_a_presenter_declining_names_the_abstract(event):
    entry = AuditLogEntryFactory(
        event=event, actor=None, action="abstract.declined", changes={"abstract": 12}
    )

    assert sentence_of(entry) == (
        "The presenting author declined abstract 12: it left the programme."
    )
