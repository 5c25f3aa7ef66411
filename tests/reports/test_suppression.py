"""Secondary suppression against an onlooker, on generated programmes (no database)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.people import METRICS, EventPeople, protect_all
from reports.suppression import Cell, protect

from .attacker import Onlooker

THRESHOLD = 5
COUNTRIES = ("VN", "JP", "DE", "KR")
TYPES = ("delegate", "student")

person = st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(TYPES), st.booleans())
event = st.tuples(
    st.integers(1, 4),  # quarter
    st.booleans(),  # over (held) or still to come
    st.lists(person, max_size=16),
    st.integers(0, 3),  # cancelled or waiting registrations
)


def people_of(quarter: int, over: bool, crowd: list, others: int) -> EventPeople:
    event = EventPeople(1, 2025, quarter, over)
    for country, kind, came in crowd:
        event.participants += 1
        event.check_ins += came
        event.international_participants += country != "VN"
        event.by_country[country] += 1
        event.by_type[kind] += 1
    event.registrations = event.participants + others
    return event


def onlooker_of(events: dict[int, EventPeople], withheld: dict) -> Onlooker:
    """What the statistics rows and the event reports publish, and the sums between them."""
    onlooker = Onlooker(THRESHOLD)

    def see(key, value, listed=False):
        onlooker.see(key, withheld.get(key, value), listed=listed)

    quarters = sorted({e.quarter for e in events.values()})
    onlooker.within(("year", 1, 2025))
    for q in quarters:
        onlooker.within(("quarter", 1, 2025, q))
    for metric in METRICS:
        year = ("year", 1, 2025, metric)
        see(year, sum(getattr(e, metric) for e in events.values()))
        onlooker.sum(year, [("quarter", 1, 2025, q, metric) for q in quarters])
        for q in quarters:
            members = [pk for pk, e in events.items() if e.quarter == q]
            quarter = ("quarter", 1, 2025, q, metric)
            see(quarter, sum(getattr(events[pk], metric) for pk in members))
            parts = [("event", pk, metric) for pk in members if events[pk].held]
            upcoming = sum(getattr(events[pk], metric) for pk in members if not events[pk].held)
            onlooker.see(("upcoming", q, metric), upcoming)  # the strongest onlooker knows
            onlooker.sum(quarter, [*parts, ("upcoming", q, metric)])
    for pk, e in events.items():
        if not e.held:
            continue
        for name in (*METRICS, "registrations"):
            see(("event", pk, name), getattr(e, name))
        onlooker.within(("event", pk))
        countries = [("country", pk, code) for code in e.by_country]
        types = [("type", pk, code) for code in e.by_type]
        for key in countries:
            see(key, e.by_country[key[2]], listed=True)
        for key in types:
            see(key, e.by_type[key[2]], listed=True)
        total = ("event", pk, "participants")
        onlooker.sum(total, countries)
        onlooker.sum(
            ("event", pk, "international_participants"), [c for c in countries if c[2] != "VN"]
        )
        onlooker.sum(total, types)
        onlooker.sum(("event", pk, "local"), [c for c in countries if c[2] == "VN"])
        onlooker.unknown(("others", pk))
        onlooker.sum(("event", pk, "registrations"), [total, ("others", pk)])
    return onlooker


def everything_withheld(events: dict[int, EventPeople]) -> dict:
    """Every count withheld: what the onlooker still tells is told by the rows listed."""
    return {
        key: f"<{THRESHOLD}" if value < THRESHOLD else f"≥{THRESHOLD}"
        for key, value in onlooker_of(events, {}).known.items()
        if key[0] != "upcoming"
    }


@settings(max_examples=150, deadline=None)
@given(st.lists(event, min_size=1, max_size=5))
def test_no_generated_programme_gives_a_small_count_away(drawn):
    events = {pk: people_of(*spec) for pk, spec in enumerate(drawn, start=1)}

    leaks = onlooker_of(events, protect_all(events, THRESHOLD)).leaks()

    # Only what the listing of rows alone tells may come out (four countries listed under
    # an international total "<5" make it 4): no withholding of numbers could hide that.
    assert set(leaks) <= set(onlooker_of(events, everything_withheld(events)).leaks())


def test_protect_hides_the_second_smallest_of_a_sum():
    cells = {"total": Cell(13), "VN": Cell(12, floor=1), "JP": Cell(1, floor=1)}

    assert protect(cells, [("total", ["VN", "JP"])], THRESHOLD) == {
        "JP": "primary",
        "VN": "secondary",
    }


def test_protect_breaks_a_sum_pinned_by_its_bounds():
    cells = {"total": Cell(13), "VN": Cell(5, floor=1), "JP": Cell(4, floor=1)}
    cells["DE"] = Cell(4, floor=1)

    hidden = protect(cells, [("total", ["VN", "JP", "DE"])], THRESHOLD)

    assert hidden["VN"] == "secondary"  # else 13 - 5 = 8 = 4 + 4, both at their most


def test_protect_leaves_zero_alone():
    cells = {"total": Cell(12), "VN": Cell(12, floor=1), "JP": Cell(0)}

    assert protect(cells, [("total", ["VN", "JP"])], THRESHOLD) == {"JP": "primary"}


def test_protect_withholds_a_year_rather_than_a_quarter_that_is_a_total_too():
    cells = {"year": Cell(9, cost=2), "q2": Cell(3, cost=2), "q3": Cell(6, cost=2)}
    cells["event"] = Cell(6)

    hidden = protect(cells, [("year", ["q2", "q3"]), ("q3", ["event"])], THRESHOLD)

    assert hidden == {"q2": "primary", "year": "secondary"}
