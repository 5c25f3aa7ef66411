"""Unit tests of events.services: the business rules, called directly without HTTP."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from core.exceptions import Conflict
from core.text import fold
from events import services, signals
from events.agenda_models import Session, Speaker
from events.models import AuditLogEntry, Event, FieldOfScience, Organisation, TeamMembership
from tests.factories import (
    EventFactory,
    SessionFactory,
    SpeakerFactory,
    TeamMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SAIGON = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2027, 3, 1, 9, 0, tzinfo=SAIGON)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """UserFactory hashes a password for every user; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user():
    return UserFactory(username="creator")


def new_event_data(**changes):
    return {
        "title_en": "Hanoi Innovation Forum",
        "start": START,
        "end": START + timedelta(hours=8),
        **changes,
    }


def actions(event) -> list[str]:
    return list(
        AuditLogEntry.objects.filter(event=event).order_by("id").values_list("action", flat=True)
    )


class Catch:
    """Collects what a signal sends while connected; a real receiver, not a mock."""

    def __init__(self, signal):
        self.signal = signal
        self.calls: list[dict] = []

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)

    def __enter__(self):
        self.signal.connect(self)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self)


# --- fold -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hà Nội", "ha noi"),
        ("Đà Nẵng", "da nang"),
        ("Thành phố Hồ Chí Minh", "thanh pho ho chi minh"),
        ("ĐẠI HỌC QUỐC GIA", "dai hoc quoc gia"),
        ("Cần Thơ", "can tho"),
        ("Quantum Materials", "quantum materials"),
        ("", ""),
    ],
)
def test_fold_lowercases_and_drops_accents(text, expected):
    assert fold(text) == expected


def test_fold_is_idempotent():
    assert fold(fold("Nghệ An")) == fold("Nghệ An")


# --- create_event ---------------------------------------------------------------------------


def test_create_event_is_a_draft(user):
    event = services.create_event(user=user, data=new_event_data())

    assert event.status == Event.Status.DRAFT


def test_create_event_makes_creator_the_owner(user):
    event = services.create_event(user=user, data=new_event_data())

    assert TeamMembership.objects.get(event=event).user == user
    assert TeamMembership.objects.get(event=event).role == TeamMembership.Role.OWNER


def test_create_event_remembers_creator(user):
    event = services.create_event(user=user, data=new_event_data())

    assert event.created_by == user


def test_create_event_derives_slug_from_accented_title(user):
    event = services.create_event(user=user, data=new_event_data(title_en="Hội thảo Đà Nẵng"))

    assert event.slug == "hoi-thao-da-nang"


def test_create_event_derives_slug_from_vietnamese_title_when_no_english(user):
    data = new_event_data(title_en="", title_vi="Diễn đàn Hà Nội")

    event = services.create_event(user=user, data=data)

    assert event.slug == "dien-dan-ha-noi"


def test_create_event_derived_slug_avoids_taken_ones(user):
    EventFactory(slug="hanoi-innovation-forum")
    EventFactory(slug="hanoi-innovation-forum-2")

    event = services.create_event(user=user, data=new_event_data())

    assert event.slug == "hanoi-innovation-forum-3"


def test_create_event_title_without_letters_gets_generic_slug(user):
    event = services.create_event(user=user, data=new_event_data(title_en="!!!"))

    assert event.slug == "event"


def test_create_event_keeps_given_slug(user):
    event = services.create_event(user=user, data=new_event_data(slug="hif-2027"))

    assert event.slug == "hif-2027"


def test_create_event_given_slug_taken_is_refused(user):
    EventFactory(slug="hif-2027")

    with pytest.raises(ValidationError) as error:
        services.create_event(user=user, data=new_event_data(slug="hif-2027"))

    assert "slug" in error.value.message_dict


def test_create_event_end_before_start_is_refused(user):
    data = new_event_data(end=START - timedelta(hours=1))

    with pytest.raises(ValidationError) as error:
        services.create_event(user=user, data=data)

    assert "end" in error.value.message_dict


def test_create_event_refused_saves_nothing(user):
    with pytest.raises(ValidationError):
        services.create_event(user=user, data=new_event_data(end=START))

    assert not Event.objects.exists()
    assert not AuditLogEntry.objects.exists()


def test_create_event_records_audit_entry(user):
    event = services.create_event(user=user, data=new_event_data())

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.actor, entry.changes) == (
        "event.created",
        user,
        {"slug": "hanoi-innovation-forum"},
    )


def test_create_event_indexes_folded_text_for_search(user):
    data = new_event_data(title_en="", title_vi="Hội thảo", venue_city="Đà Nẵng")

    event = services.create_event(user=user, data=data)

    assert "hoi thao" in event.search_text
    assert "da nang" in event.search_text


def test_create_event_host_name_becomes_organisation(user):
    event = services.create_event(user=user, data=new_event_data(host="  VNU Hanoi  "))

    assert event.host == Organisation.objects.get(name="VNU Hanoi")


def test_create_event_host_reuses_existing_organisation(user):
    existing = Organisation.objects.create(name="VNU Hanoi")

    event = services.create_event(user=user, data=new_event_data(host="VNU Hanoi"))

    assert event.host == existing
    assert Organisation.objects.count() == 1


def test_create_event_sets_partners_by_name_skipping_blanks(user):
    event = services.create_event(user=user, data=new_event_data(partners=["VNU", " ", "HUST"]))

    assert sorted(event.partners.values_list("name", flat=True)) == ["HUST", "VNU"]


def test_create_event_sets_fields_of_science(user):
    fields = list(FieldOfScience.objects.filter(code__in=["1.2", "2.2"]))

    event = services.create_event(user=user, data=new_event_data(fields=fields))

    assert sorted(event.fields.values_list("code", flat=True)) == ["1.2", "2.2"]


# --- update_event ---------------------------------------------------------------------------


def test_update_event_records_changed_field_as_old_and_new(event, owner):
    services.update_event(event, user=owner, data={"capacity": 50})

    entry = AuditLogEntry.objects.get(event=event, action="event.updated")
    assert entry.changes == {"capacity": [None, 50]}
    assert entry.actor == owner


def test_update_event_records_only_fields_that_changed(event, owner):
    services.update_event(event, user=owner, data={"capacity": 50, "kind": event.kind})

    entry = AuditLogEntry.objects.get(event=event, action="event.updated")
    assert set(entry.changes) == {"capacity"}


def test_update_event_with_nothing_changed_records_nothing(event, owner):
    services.update_event(event, user=owner, data={"title_en": event.title_en})

    assert not AuditLogEntry.objects.filter(event=event).exists()


def test_update_event_records_times_as_iso_text(event, owner):
    new_start = event.start + timedelta(days=1)
    new_end = event.end + timedelta(days=1)

    services.update_event(event, user=owner, data={"start": new_start, "end": new_end})

    changes = AuditLogEntry.objects.get(event=event).changes
    assert changes["start"] == [event.start.isoformat(), new_start.isoformat()]


def test_update_event_records_host_change_by_name(event, owner):
    services.update_event(event, user=owner, data={"host": "HUST"})

    assert AuditLogEntry.objects.get(event=event).changes == {"host": [None, "HUST"]}


def test_update_event_records_fields_change_as_codes(event, owner):
    fields = list(FieldOfScience.objects.filter(code__in=["2.2", "1.2"]))

    services.update_event(event, user=owner, data={"fields": fields})

    assert AuditLogEntry.objects.get(event=event).changes == {"fields": [[], ["1.2", "2.2"]]}


def test_update_event_records_partner_change_as_names(event, owner):
    services.update_event(event, user=owner, data={"partners": ["VNU"]})

    assert AuditLogEntry.objects.get(event=event).changes == {"partners": [[], ["VNU"]]}


def test_update_event_saves_the_change(event, owner):
    services.update_event(event, user=owner, data={"capacity": 50})

    assert Event.objects.get(pk=event.pk).capacity == 50


def test_update_event_reindexes_search_text(event, owner):
    services.update_event(event, user=owner, data={"title_en": "Quỹ Đổi mới"})

    assert "quy doi moi" in Event.objects.get(pk=event.pk).search_text


def test_update_event_end_before_start_is_refused(event, owner):
    with pytest.raises(ValidationError) as error:
        services.update_event(event, user=owner, data={"end": event.start})

    assert "end" in error.value.message_dict


def test_update_event_refused_change_is_not_saved(event, owner):
    with pytest.raises(ValidationError):
        services.update_event(event, user=owner, data={"end": event.start})

    assert Event.objects.get(pk=event.pk).end == event.end


def test_update_published_event_slug_is_refused(event, owner):
    with pytest.raises(ValidationError) as error:
        services.update_event(event, user=owner, data={"slug": "new-address"})

    assert "slug" in error.value.message_dict


def test_update_draft_slug_is_allowed(draft, owner):
    services.update_event(draft, user=owner, data={"slug": "new-address"})

    assert Event.objects.get(pk=draft.pk).slug == "new-address"


def test_update_draft_slug_to_taken_one_is_refused(draft, owner):
    EventFactory(slug="taken")

    with pytest.raises(ValidationError) as error:
        services.update_event(draft, user=owner, data={"slug": "taken"})

    assert "slug" in error.value.message_dict


# --- event_rescheduled ----------------------------------------------------------------------


def test_rescheduling_published_event_sends_event_rescheduled(event, owner):
    new_start = event.start + timedelta(hours=1)

    with Catch(signals.event_rescheduled) as caught:
        services.update_event(event, user=owner, data={"start": new_start})

    assert len(caught.calls) == 1
    call = caught.calls[0]
    assert call["event"].pk == event.pk
    assert call["actor"] == owner
    assert call["changes"] == {"start": [event.start.isoformat(), new_start.isoformat()]}


def test_moving_published_event_venue_sends_event_rescheduled(event, owner):
    with Catch(signals.event_rescheduled) as caught:
        services.update_event(event, user=owner, data={"venue_city": "Huế"})

    assert caught.calls[0]["changes"] == {"venue_city": ["Hà Nội", "Huế"]}


def test_rescheduling_draft_sends_nothing(draft, owner):
    with Catch(signals.event_rescheduled) as caught:
        services.update_event(draft, user=owner, data={"start": draft.start + timedelta(hours=1)})

    assert caught.calls == []


def test_non_schedule_change_of_published_event_sends_nothing(event, owner):
    with Catch(signals.event_rescheduled) as caught:
        services.update_event(event, user=owner, data={"capacity": 10})

    assert caught.calls == []


def test_rescheduled_signal_lists_only_schedule_fields(event, owner):
    new_end = event.end + timedelta(hours=1)

    with Catch(signals.event_rescheduled) as caught:
        services.update_event(event, user=owner, data={"end": new_end, "capacity": 10})

    assert set(caught.calls[0]["changes"]) == {"end"}


def test_setting_same_start_sends_nothing(event, owner):
    with Catch(signals.event_rescheduled) as caught:
        services.update_event(event, user=owner, data={"start": event.start})

    assert caught.calls == []


# --- publish_event --------------------------------------------------------------------------


def test_publish_draft_publishes_it(draft, owner):
    services.publish_event(draft, user=owner)

    assert Event.objects.get(pk=draft.pk).status == Event.Status.PUBLISHED


def test_publish_draft_records_audit_entry(draft, owner):
    services.publish_event(draft, user=owner)

    assert actions(draft) == ["event.published"]


def test_publish_draft_sends_event_published(draft, owner):
    with Catch(signals.event_published) as caught:
        services.publish_event(draft, user=owner)

    assert [call["event"].pk for call in caught.calls] == [draft.pk]


def test_publish_published_event_changes_nothing(event, owner):
    with Catch(signals.event_published) as caught:
        result = services.publish_event(event, user=owner)

    assert result.status == Event.Status.PUBLISHED
    assert caught.calls == []
    assert actions(event) == []


def test_publish_twice_records_once(draft, owner):
    services.publish_event(draft, user=owner)
    services.publish_event(draft, user=owner)

    assert actions(draft) == ["event.published"]


def test_publish_cancelled_event_is_conflict(event, owner):
    services.cancel_event(event, user=owner)

    with pytest.raises(Conflict) as error:
        services.publish_event(event, user=owner)

    assert error.value.code == "event_cancelled"


def test_publish_online_event_without_link_is_refused(owner):
    draft = EventFactory(owner=owner, status="draft", format="online", online_url="")

    with pytest.raises(ValidationError) as error:
        services.publish_event(draft, user=owner)

    assert "online_url" in error.value.message_dict
    assert Event.objects.get(pk=draft.pk).status == Event.Status.DRAFT


def test_publish_online_event_with_link_publishes_it(owner):
    draft = EventFactory(
        owner=owner, status="draft", format="hybrid", online_url="https://meet.example.org/x"
    )

    services.publish_event(draft, user=owner)

    assert Event.objects.get(pk=draft.pk).status == Event.Status.PUBLISHED


# --- cancel_event ---------------------------------------------------------------------------


def test_cancel_published_event_cancels_it(event, owner):
    services.cancel_event(event, user=owner, reason="Typhoon")

    assert Event.objects.get(pk=event.pk).status == Event.Status.CANCELLED


def test_cancel_records_reason(event, owner):
    services.cancel_event(event, user=owner, reason="Typhoon")

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.changes) == ("event.cancelled", {"reason": "Typhoon"})


def test_cancel_published_event_sends_event_cancelled(event, owner):
    with Catch(signals.event_cancelled) as caught:
        services.cancel_event(event, user=owner)

    assert [call["event"].pk for call in caught.calls] == [event.pk]


def test_cancel_draft_sends_nothing(draft, owner):
    with Catch(signals.event_cancelled) as caught:
        services.cancel_event(draft, user=owner)

    assert caught.calls == []
    assert Event.objects.get(pk=draft.pk).status == Event.Status.CANCELLED


def test_cancel_twice_records_and_sends_once(event, owner):
    with Catch(signals.event_cancelled) as caught:
        services.cancel_event(event, user=owner, reason="first")
        services.cancel_event(event, user=owner, reason="second")

    assert len(caught.calls) == 1
    assert actions(event) == ["event.cancelled"]
    assert AuditLogEntry.objects.get(event=event).changes == {"reason": "first"}


# --- delete_event ---------------------------------------------------------------------------


def test_delete_draft_removes_it(draft, owner):
    services.delete_event(draft, user=owner)

    assert not Event.objects.filter(pk=draft.pk).exists()


def test_delete_draft_keeps_audit_entry_by_slug(draft, owner):
    services.delete_event(draft, user=owner)

    entry = AuditLogEntry.objects.get(event_slug=draft.slug, action="event.deleted")
    assert entry.event is None
    assert entry.changes == {"slug": draft.slug, "title": draft.title}


def test_delete_published_event_is_conflict(event, owner):
    with pytest.raises(Conflict) as error:
        services.delete_event(event, user=owner)

    assert error.value.code == "event_not_draft"
    assert Event.objects.filter(pk=event.pk).exists()


def test_delete_cancelled_event_is_conflict(event, owner):
    services.cancel_event(event, user=owner)

    with pytest.raises(Conflict):
        services.delete_event(event, user=owner)

    assert Event.objects.filter(pk=event.pk).exists()


# --- Team -----------------------------------------------------------------------------------


def test_add_team_member_adds_them_with_role(event, owner):
    member = UserFactory()

    services.add_team_member(event, user=owner, member=member, role="checkin")

    assert TeamMembership.objects.get(event=event, user=member).role == "checkin"


def test_add_team_member_records_audit_entry(event, owner):
    member = UserFactory(username="lan")

    services.add_team_member(event, user=owner, member=member, role="organiser")

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.changes) == ("team.added", {"member": "lan", "role": "organiser"})


def test_add_team_member_as_owner_is_refused(event, owner):
    with pytest.raises(ValidationError) as error:
        services.add_team_member(event, user=owner, member=UserFactory(), role="owner")

    assert "role" in error.value.message_dict


def test_add_team_member_already_on_team_is_conflict(event, owner):
    member = TeamMembershipFactory(event=event, role="checkin").user

    with pytest.raises(Conflict) as error:
        services.add_team_member(event, user=owner, member=member, role="organiser")

    assert error.value.code == "already_on_team"


def test_add_owner_again_is_conflict(event, owner):
    with pytest.raises(Conflict):
        services.add_team_member(event, user=owner, member=owner, role="organiser")


def test_add_team_member_already_on_team_keeps_their_role(event, owner):
    membership = TeamMembershipFactory(event=event, role="checkin")

    with pytest.raises(Conflict):
        services.add_team_member(event, user=owner, member=membership.user, role="organiser")

    assert TeamMembership.objects.get(pk=membership.pk).role == "checkin"


def test_change_team_role_changes_it(event, owner):
    membership = TeamMembershipFactory(event=event, role="checkin")

    services.change_team_role(membership, user=owner, role="organiser")

    assert TeamMembership.objects.get(pk=membership.pk).role == "organiser"


def test_change_team_role_records_old_and_new(event, owner):
    membership = TeamMembershipFactory(
        event=event, role="checkin", user=UserFactory(username="lan")
    )

    services.change_team_role(membership, user=owner, role="organiser")

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.changes) == (
        "team.role_changed",
        {"member": "lan", "role": ["checkin", "organiser"]},
    )


def test_change_owner_role_is_refused(event, owner):
    membership = event.team.get(role="owner")

    with pytest.raises(ValidationError):
        services.change_team_role(membership, user=owner, role="organiser")

    assert TeamMembership.objects.get(pk=membership.pk).role == "owner"


def test_change_team_role_to_owner_is_refused(event, owner):
    membership = TeamMembershipFactory(event=event, role="organiser")

    with pytest.raises(ValidationError):
        services.change_team_role(membership, user=owner, role="owner")

    assert TeamMembership.objects.get(pk=membership.pk).role == "organiser"


def test_remove_team_member_removes_them(event, owner):
    membership = TeamMembershipFactory(event=event, role="checkin")

    services.remove_team_member(membership, user=owner)

    assert not TeamMembership.objects.filter(pk=membership.pk).exists()


def test_remove_team_member_records_audit_entry(event, owner):
    membership = TeamMembershipFactory(event=event, user=UserFactory(username="lan"))

    services.remove_team_member(membership, user=owner)

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.changes) == ("team.removed", {"member": "lan"})


def test_remove_owner_is_conflict(event, owner):
    membership = event.team.get(role="owner")

    with pytest.raises(Conflict) as error:
        services.remove_team_member(membership, user=owner)

    assert error.value.code == "owner_cannot_leave"
    assert TeamMembership.objects.filter(pk=membership.pk).exists()


# --- Sessions -------------------------------------------------------------------------------


def session_data(event, **changes):
    return {
        "title_en": "Keynote",
        "start": event.start,
        "end": event.start + timedelta(hours=1),
        **changes,
    }


def test_save_session_creates_it(event, owner):
    session = services.save_session(event, user=owner, data=session_data(event))

    assert Session.objects.get(pk=session.pk).event == event


def test_save_session_records_creation(event, owner):
    services.save_session(event, user=owner, data=session_data(event))

    entry = AuditLogEntry.objects.get(event=event)
    assert entry.action == "session.created"
    assert entry.changes["session"] == "Keynote"


def test_save_session_creates_speakers(event, owner):
    people = [{"name": "Dr Lan", "affiliation": "VAST", "bio": "Physicist."}]

    session = services.save_session(event, user=owner, data=session_data(event, speakers=people))

    speaker = session.speakers.get()
    assert (speaker.name, speaker.affiliation, speaker.bio) == ("Dr Lan", "VAST", "Physicist.")


def test_save_session_reuses_speaker_with_same_name_and_affiliation(event, owner):
    people = [{"name": "Dr Lan", "affiliation": "VAST"}]
    first = services.save_session(event, user=owner, data=session_data(event, speakers=people))

    second = services.save_session(
        event, user=owner, data=session_data(event, title_en="Panel", speakers=people)
    )

    assert Speaker.objects.filter(event=event).count() == 1
    assert first.speakers.get() == second.speakers.get()


def test_save_session_reuses_speaker_despite_surrounding_spaces(event, owner):
    existing = SpeakerFactory(event=event, name="Dr Lan", affiliation="VAST")

    session = services.save_session(
        event,
        user=owner,
        data=session_data(event, speakers=[{"name": "  Dr Lan ", "affiliation": " VAST"}]),
    )

    assert session.speakers.get() == existing


def test_save_session_same_name_other_affiliation_is_another_speaker(event, owner):
    SpeakerFactory(event=event, name="Dr Lan", affiliation="VAST")

    services.save_session(
        event,
        user=owner,
        data=session_data(event, speakers=[{"name": "Dr Lan", "affiliation": "VNU"}]),
    )

    assert Speaker.objects.filter(event=event, name="Dr Lan").count() == 2


def test_save_session_does_not_reuse_speaker_of_another_event(event, owner):
    SpeakerFactory(event=EventFactory(), name="Dr Lan", affiliation="")

    session = services.save_session(
        event, user=owner, data=session_data(event, speakers=[{"name": "Dr Lan"}])
    )

    assert session.speakers.get().event == event


def test_save_session_updates_bio_of_reused_speaker(event, owner):
    speaker = SpeakerFactory(event=event, name="Dr Lan", affiliation="", bio="Old bio.")

    services.save_session(
        event, user=owner, data=session_data(event, speakers=[{"name": "Dr Lan", "bio": "New."}])
    )

    assert Speaker.objects.get(pk=speaker.pk).bio == "New."


def test_save_session_without_bio_keeps_speaker_bio(event, owner):
    speaker = SpeakerFactory(event=event, name="Dr Lan", affiliation="", bio="Old bio.")

    services.save_session(
        event, user=owner, data=session_data(event, speakers=[{"name": "Dr Lan"}])
    )

    assert Speaker.objects.get(pk=speaker.pk).bio == "Old bio."


def test_save_session_replaces_speakers_when_given(event, owner):
    session = SessionFactory(event=event)
    session.speakers.set([SpeakerFactory(event=event, name="Dr Old")])

    services.save_session(
        event, user=owner, session=session, data={"speakers": [{"name": "Dr New"}]}
    )

    assert list(session.speakers.values_list("name", flat=True)) == ["Dr New"]


def test_save_session_without_speakers_keeps_them(event, owner):
    session = SessionFactory(event=event)
    session.speakers.set([SpeakerFactory(event=event, name="Dr Lan")])

    services.save_session(event, user=owner, session=session, data={"room": "Hall B"})

    assert list(session.speakers.values_list("name", flat=True)) == ["Dr Lan"]


def test_save_session_update_records_changes(event, owner):
    session = SessionFactory(event=event, room="Hall A")

    services.save_session(event, user=owner, session=session, data={"room": "Hall B"})

    entry = AuditLogEntry.objects.get(event=event)
    assert entry.action == "session.updated"
    assert entry.changes["room"] == ["Hall A", "Hall B"]


def test_save_session_end_before_start_is_refused(event, owner):
    data = session_data(event, end=event.start - timedelta(minutes=1))

    with pytest.raises(ValidationError) as error:
        services.save_session(event, user=owner, data=data)

    assert "end" in error.value.message_dict
    assert not Session.objects.exists()


def test_save_session_without_title_is_refused(event, owner):
    with pytest.raises(ValidationError) as error:
        services.save_session(event, user=owner, data=session_data(event, title_en=""))

    assert "title" in error.value.message_dict


def test_save_session_with_vietnamese_title_only_is_accepted(event, owner):
    session = services.save_session(
        event, user=owner, data=session_data(event, title_en="", title_vi="Khai mạc")
    )

    assert session.title == "Khai mạc"


def test_delete_session_removes_it(event, owner):
    session = SessionFactory(event=event)

    services.delete_session(session, user=owner)

    assert not Session.objects.filter(pk=session.pk).exists()


def test_delete_session_records_audit_entry(event, owner):
    session = SessionFactory(event=event, title_en="Keynote")

    services.delete_session(session, user=owner)

    entry = AuditLogEntry.objects.get(event=event)
    assert (entry.action, entry.changes) == ("session.deleted", {"session": "Keynote"})


# --- record ---------------------------------------------------------------------------------


def test_record_without_signed_in_actor_stores_no_actor(event):
    services.record(event, AnonymousUser(), "event.viewed")

    assert AuditLogEntry.objects.get(event=event).actor is None
