"""Days of attendance against the onlooker, on generated programmes (no database).

The onlooker knows more than the protection models: who came on which days, as the counts of
every combination of days (came on day 1 only, on days 1 and 3...), none of them published.
"""

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.people import EventPeople, protect_all

from .test_suppression import THRESHOLD, onlooker_of

COUNTRIES = ("VN", "JP", "KR")
DAYS = ("2025-02-03", "2025-02-04", "2025-02-05")

# A person: country, and the days (by number) they came on; none: did not come.
person = st.tuples(st.sampled_from(COUNTRIES), st.sets(st.integers(0, 2), max_size=3))
event = st.tuples(
    st.integers(1, 2),  # quarter
    st.booleans(),  # over (held) or still to come
    st.integers(1, 3),  # days the event lasts
    st.lists(person, max_size=14),
)


def people_of(quarter: int, over: bool, length: int, crowd: list) -> tuple[EventPeople, list]:
    event = EventPeople(1, 2025, quarter, over)
    visits = []
    for country, days in crowd:
        came = frozenset(DAYS[d] for d in days if d < length)
        visits.append(came)
        event.participants += 1
        event.check_ins += bool(came)
        event.international_participants += country != "VN"
        event.by_country[country] += 1
        event.by_type["delegate"] += 1
        for day in sorted(came):
            event.by_day[day] = event.by_day.get(day, 0) + 1
    event.by_day = dict(sorted(event.by_day.items()))
    event.registrations = event.participants
    return event, visits


def onlooker_with_days(events: dict, withheld: dict):
    onlooker = onlooker_of(events, withheld)
    for pk, e in events.items():
        if not e.held or not e.by_day:
            continue
        listed = sorted(e.by_day)
        groups = [
            frozenset(group)
            for size in range(1, len(listed) + 1)
            for group in combinations(listed, size)
        ]
        for group in groups:
            onlooker.unknown(("came on", pk, group))
        onlooker.sum(("event", pk, "check_ins"), [("came on", pk, g) for g in groups])
        for day in listed:
            key = ("day", pk, day)
            onlooker.see(key, withheld.get(key, e.by_day[day]), listed=True)
            onlooker.sum(key, [("came on", pk, g) for g in groups if day in g])
    return onlooker


def everything_withheld(events: dict) -> dict:
    known = onlooker_with_days(events, {}).known
    return {
        key: f"<{THRESHOLD}" if value < THRESHOLD else f"≥{THRESHOLD}"
        for key, value in known.items()
        if key[0] != "upcoming"
    }


@settings(max_examples=60, deadline=None)
@given(st.lists(event, min_size=1, max_size=4))
def test_no_generated_day_of_attendance_gives_a_small_count_away(drawn):
    events = {pk: people_of(*spec)[0] for pk, spec in enumerate(drawn, start=1)}

    leaks = onlooker_with_days(events, protect_all(events, THRESHOLD)).leaks()

    # Only what the listing of rows alone tells may come out: no withholding could hide that.
    assert set(leaks) <= set(onlooker_with_days(events, everything_withheld(events)).leaks())


def test_protect_hides_check_ins_that_would_pin_two_small_days():
    event, _visits = people_of(1, True, 2, [("VN", {0})] * 4 + [("VN", {1})] * 4 + [("VN", set())])

    withheld = protect_all({1: event}, THRESHOLD)

    assert withheld[("day", 1, DAYS[0])] == withheld[("day", 1, DAYS[1])] == "<5"
    assert withheld[("event", 1, "check_ins")] == "≥5"


def test_protect_hides_the_one_day_of_a_one_day_event_with_its_check_ins():
    event, _visits = people_of(1, True, 1, [("VN", {0})] * 3 + [("VN", set())] * 6)

    withheld = protect_all({1: event}, THRESHOLD)

    assert withheld[("event", 1, "check_ins")] == withheld[("day", 1, DAYS[0])] == "<5"


def test_protect_keeps_days_that_give_nothing_away():
    event, _visits = people_of(1, True, 2, [("VN", {0, 1})] * 6 + [("VN", {0})] * 5)

    assert not {key for key in protect_all({1: event}, THRESHOLD) if key[0] == "day"}
