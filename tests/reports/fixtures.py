"""A hand-built programme whose every published figure is known in advance."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from tests.factories import EventFactory, ProgrammeFactory, RegistrationFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
HELD_START = datetime(2025, 5, 10, 9, 0, tzinfo=HANOI)  # 2025, second quarter
PLANNED_START = datetime(2031, 2, 3, 9, 0, tzinfo=HANOI)  # 2031, first quarter


def at(start: datetime) -> dict:
    return {"start": start, "end": start + timedelta(hours=8)}


def build_programme():
    """Two held events (8 participants: 4 VN, JP, DE, KR, VN; 3 checked in), one cancelled,
    one planned (1 participant), one draft and another programme's event (both ignored)."""
    programme = ProgrammeFactory(code="TEST/CTr")
    forum = EventFactory(
        programme=programme, kind="conference", scope="national", fields=["1.2"], **at(HELD_START)
    )
    workshop = EventFactory(
        programme=programme, kind="workshop", scope="international", fields=["2.1", "2.2"],
        **at(HELD_START + timedelta(days=3)),
    )  # fmt: skip
    EventFactory(programme=programme, status="cancelled", kind="seminar", **at(HELD_START))
    planned = EventFactory(programme=programme, **at(PLANNED_START))
    draft = EventFactory(programme=programme, status="draft", **at(HELD_START))
    elsewhere = EventFactory(programme=ProgrammeFactory(), **at(HELD_START))

    checked_in = HELD_START + timedelta(minutes=30)
    for n, country in enumerate(["VN", "VN", "VN", "VN", "JP", "DE"]):
        RegistrationFactory(
            event=forum, country=country, checked_in_at=checked_in if n < 3 else None
        )
    RegistrationFactory(event=forum, status="cancelled", country="FR")
    RegistrationFactory(event=forum, status="waitlisted", country="US")
    RegistrationFactory(event=workshop, country="KR")
    RegistrationFactory(event=workshop, country="VN")
    RegistrationFactory(event=workshop, status="pending", country="CN")
    RegistrationFactory(event=planned, country="VN")
    for other in (draft, elsewhere):
        RegistrationFactory(event=other, country="TH")
    return programme
