from datetime import timedelta

import pytest
from django.core.cache import cache

from registration import checkin
from registration.models import Registration
from reports import services
from tests.factories import EventFactory, ProgrammeTargetFactory, RegistrationFactory

from .fixtures import HELD_START, at, build_programme

pytestmark = pytest.mark.django_db


def row(rows, year, quarter=None, dimension="total", category=""):
    found = [
        r
        for r in rows
        if (r["year"], r["quarter"], r["dimension"], r["category"])
        == (year, quarter, dimension, category)
    ]
    assert len(found) == 1, (year, quarter, dimension, category)
    return found[0]


@pytest.fixture
def programme():
    return build_programme()


@pytest.fixture
def figures(programme):
    return services.statistics(programme)


def test_statistics_count_events_by_state(figures):
    quarter = row(figures, 2025, 2)

    assert (quarter["events_planned"], quarter["events_held"], quarter["events_cancelled"]) == (
        0,
        2,
        1,
    )
    assert row(figures, 2031, 1)["events_planned"] == 1


def test_statistics_count_confirmed_participants_of_published_events_only(programme, settings):
    settings.OPEN_DATA_MIN_COUNT = 1  # nothing withheld: the counting itself

    figures = services.statistics(programme)

    assert row(figures, 2025, 2)["participants"] == 8
    assert row(figures, 2025)["participants"] == 8


def test_statistics_suppress_small_counts_of_people(figures):
    quarter = row(figures, 2025, 2)

    assert quarter["check_ins"] == "<5"  # 3
    assert quarter["international_participants"] == "<5"  # JP, DE, KR
    assert quarter["countries"] == "<5"  # VN, JP, DE, KR
    assert row(figures, 2031, 1)["participants"] == "<5"  # 1


def test_statistics_suppress_zero_too(programme):
    EventFactory(programme=programme, **at(HELD_START.replace(year=2026)))

    assert row(services.statistics(programme), 2026)["participants"] == "<5"


def test_statistics_threshold_is_configurable(programme, settings):
    settings.OPEN_DATA_MIN_COUNT = 3

    quarter = row(services.statistics(programme), 2025, 2)

    assert quarter["countries"] == 4  # "<5" at 5
    assert row(services.statistics(programme), 2031, 1)["participants"] == "<3"


def test_statistics_publish_shares_of_published_counts(programme, settings):
    settings.OPEN_DATA_MIN_COUNT = 1

    quarter = row(services.statistics(programme), 2025, 2)

    assert quarter["show_up_rate"] == 37.5
    assert quarter["international_share"] == 37.5


def test_statistics_withhold_shares_of_suppressed_counts(figures):
    assert row(figures, 2025, 2)["show_up_rate"] is None
    assert row(figures, 2025, 2)["international_share"] is None


def test_statistics_break_down_held_events_by_scope_field_and_kind(figures):
    assert row(figures, 2025, dimension="scope", category="national")["events_held"] == 1
    assert row(figures, 2025, dimension="scope", category="international")["events_held"] == 1
    assert row(figures, 2025, dimension="field", category="1")["events_held"] == 1
    # Two subfields of one major field count the event once.
    assert row(figures, 2025, dimension="field", category="2")["events_held"] == 1
    assert row(figures, 2025, dimension="kind", category="seminar")["events_cancelled"] == 1


def test_statistics_show_targets_beside_the_year(programme):
    ProgrammeTargetFactory(programme=programme, year=2025, value=3)
    ProgrammeTargetFactory(programme=programme, year=2025, scope="international", value=2)
    ProgrammeTargetFactory(programme=programme, year=2025, metric="participants", value=500)

    figures = services.statistics(programme)

    assert row(figures, 2025)["target_events"] == 3
    assert row(figures, 2025)["target_participants"] == 500
    assert row(figures, 2025, dimension="scope", category="international")["target_events"] == 2
    assert row(figures, 2025, 2)["target_events"] is None  # targets are yearly


def test_statistics_show_a_target_for_a_year_with_no_events_yet(programme):
    ProgrammeTargetFactory(programme=programme, year=2027, value=12)

    assert row(services.statistics(programme), 2027)["target_events"] == 12


def test_statistics_ignore_drafts_and_other_programmes(programme):
    figures = services.statistics(programme)

    assert {r["programme"] for r in figures} == {"TEST/CTr"}
    assert sum(r["events_held"] for r in figures if r["dimension"] == "total" and r["quarter"]) == 2


def test_statistics_query_count_does_not_grow_with_events(programme, django_assert_max_num_queries):
    for _ in range(20):
        event = EventFactory(programme=programme, fields=["3.1"], **at(HELD_START))
        RegistrationFactory(event=event)
    services.figures_changed()

    with django_assert_max_num_queries(10):
        services.statistics(programme)


def test_statistics_are_cached_until_figures_change(programme, settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = EventFactory(programme=programme, **at(HELD_START))
    RegistrationFactory.create_batch(3, event=event, status=Registration.Status.CANCELLED)
    services.statistics(programme)
    # Changed directly: no signal, and no new row (a new row's id is part of the key).
    Registration.objects.filter(event=event).update(status=Registration.Status.CONFIRMED)

    stale = row(services.statistics(programme), 2025, 2)["participants"]
    services.figures_changed()
    fresh = row(services.statistics(programme), 2025, 2)["participants"]

    assert (stale, fresh) == (8, 11)


def test_statistics_go_stale_when_someone_registers(programme, figures):
    from registration import seats as registration_seats

    event = EventFactory(programme=programme)
    for n in range(5):
        registration_seats.register(
            event, {"name": f"P{n}", "email": f"p{n}@example.org", "consent": True}
        )

    assert any(r["participants"] == 5 for r in services.statistics(programme))


def test_event_report_figures(programme):
    forum = programme.events.get(fields__code="1.2")

    report = services.event_report(forum)

    # 6, but the quarter's 8 minus 6 would give away the workshop's 2; and 8 registrations
    # minus 6 the 2 who did not come. Withheld rows are listed alphabetically, not by size.
    assert report["participants"] == "≥5"
    assert report["registrations"] == "≥5"
    assert report["check_ins"] == "<5"
    assert report["show_up_rate"] is None
    assert report["by_country"] == [("DE", "<5"), ("JP", "<5"), ("VN", "<5")]
    assert report["by_participant_type"] == [("delegate", "≥5")]


def test_event_report_publishes_what_gives_nothing_away(programme):
    workshop = programme.events.get(fields__code="2.1")
    event = EventFactory(programme=programme, **at(HELD_START.replace(month=9)))
    RegistrationFactory.create_batch(7, event=event, country="VN")
    RegistrationFactory.create_batch(6, event=event, country="JP")

    report = services.event_report(event)

    assert (report["participants"], report["international_participants"]) == (13, 6)
    assert report["by_country"] == [("VN", 7), ("JP", 6)]
    assert services.event_report(workshop)["participants"] == "<5"


def test_event_report_show_up_rate_when_counts_are_large_enough(settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = EventFactory(**at(HELD_START))
    RegistrationFactory.create_batch(3, event=event, checked_in_at=HELD_START)
    RegistrationFactory(event=event)

    assert services.event_report(event)["show_up_rate"] == 75.0


def _two_day_event_with_check_ins(day_one: int, day_two: int):
    """A held two-day event: `day_one` people checked in on day 1, `day_two` of them on day 2."""
    event = EventFactory(start=HELD_START, end=HELD_START + timedelta(days=1, hours=8))
    people = RegistrationFactory.create_batch(day_one, event=event)
    for person in people:
        checkin.check_in(event, person.ticket_code, actor=None, at=HELD_START)
    for person in people[:day_two]:
        checkin.check_in(event, person.ticket_code, actor=None, at=HELD_START + timedelta(days=1))
    return event


def test_event_report_counts_attendance_per_day(settings):
    settings.OPEN_DATA_MIN_COUNT = 1
    event = _two_day_event_with_check_ins(3, 2)

    report = services.event_report(event)

    day_one = event.local(HELD_START).date()
    assert report["check_ins"] == 3  # people checked in at least once
    assert [n for _day, n in report["attendance_by_day"]] == [3, 2]
    assert report["attendance_by_day"][0][0] == day_one.isoformat()


def test_event_report_suppresses_small_daily_attendance():
    event = _two_day_event_with_check_ins(6, 2)

    report = services.event_report(event)

    assert [n for _day, n in report["attendance_by_day"]] == [6, "<5"]


def test_new_registration_leaves_the_figures_version_alone(programme, figures):
    from registration import seats as registration_seats

    event = EventFactory(programme=programme)
    version = cache.get(services.VERSION_KEY)
    registration_seats.register(event, {"name": "P", "email": "p@example.org", "consent": True})

    assert cache.get(services.VERSION_KEY) == version  # no cache write on the hot path
