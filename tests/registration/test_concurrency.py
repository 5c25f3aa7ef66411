"""The seat guarantees under real parallel connections. PostgreSQL only: SQLite serialises
every write transaction, so parallel threads prove nothing there."""

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from core.exceptions import Conflict
from registration import checkin, questions
from registration import seats as registration_seats
from registration.models import Choice, Registration, Seats
from tests.factories import ChoiceFactory, EventFactory, UserFactory

from .helpers import person

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's parallel connections"
    ),
]
Status = Registration.Status
THREADS = 40  # below PostgreSQL's default max_connections of 100
ROUNDS = range(3)  # each guarantee is checked several times


def in_parallel(jobs: list[Callable[[], object]]) -> list[object]:
    """Run every job on its own connection, all released at once by a barrier."""
    start = threading.Barrier(min(len(jobs), THREADS))

    def run(job):
        try:
            if threading.current_thread().name not in started:
                started.add(threading.current_thread().name)
                start.wait(timeout=30)
            try:
                return job()
            except Conflict as exc:
                return exc.code
        finally:
            connections.close_all()

    started: set[str] = set()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(run, jobs))


def kept_copy(event):
    """The event as a web process keeps it, shared by the threads (gthread workers share it)."""
    from registration import eligibility

    eligibility._event_cache.clear()
    return eligibility.event_for_registration(event.slug)


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_registrations_never_overbook(round_):
    event = EventFactory(capacity=20, waitlist_enabled=True)

    results = in_parallel(
        [lambda n=n: registration_seats.register(event, person(n)) for n in range(200)]
    )

    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses == {Status.CONFIRMED: 20, Status.WAITLISTED: 180}
    seats = Seats.objects.get(pk=event.pk)
    assert (seats.taken, seats.waitlisted) == (20, 180)
    # Positions told at joining are 1..180, each once: the line has no gaps or ties.
    assert sorted(r.position for r in results if r.status == Status.WAITLISTED) == list(
        range(1, 181)
    )
    assert all(isinstance(result, Registration) for result in results)


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_registrations_without_waitlist_turn_away_the_rest(round_):
    event = EventFactory(capacity=20, waitlist_enabled=False)

    results = in_parallel(
        [lambda n=n: registration_seats.register(event, person(n)) for n in range(200)]
    )

    assert Counter(r if isinstance(r, str) else r.status for r in results) == {
        Status.CONFIRMED: 20,
        "event_full": 180,
    }
    assert Registration.objects.filter(event=event).count() == 20


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_registrations_never_overbook_a_limited_choice(round_):
    event = EventFactory(capacity=None)
    tour = ChoiceFactory(question__event=event, capacity=20)
    answers = {str(tour.question_id): tour.pk}

    results = in_parallel(
        [
            lambda n=n: registration_seats.register(event, person(n, answers=answers))
            for n in range(200)
        ]
    )

    assert Counter(r if isinstance(r, str) else r.status for r in results) == {
        Status.CONFIRMED: 20,
        "choice_full": 180,
    }
    assert Choice.objects.get(pk=tour.pk).taken == 20


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_cancellations_promote_exactly_as_many(round_):
    event = EventFactory(capacity=20, waitlist_enabled=True)
    everyone = [registration_seats.register(event, person(n)) for n in range(50)]
    confirmed, waiting = everyone[:20], everyone[20:]

    in_parallel([lambda r=r: registration_seats.cancel(r) for r in confirmed[:10]])

    statuses = {r.pk: r.status for r in Registration.objects.filter(event=event)}
    assert Counter(statuses.values()) == {
        Status.CONFIRMED: 20,
        Status.CANCELLED: 10,
        Status.WAITLISTED: 20,
    }
    # First come, first served: exactly the ten who waited longest were promoted.
    assert [statuses[r.pk] for r in waiting[:10]] == [Status.CONFIRMED] * 10
    assert Seats.objects.get(pk=event.pk).taken == 20


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_scans_of_one_ticket_check_in_once(round_):
    event = EventFactory()
    ticket = registration_seats.register(event, person(1)).ticket_code
    staff = UserFactory()

    results = in_parallel([lambda: checkin.check_in(event, ticket, actor=staff) for _ in range(2)])

    assert sorted(admission.first_time for admission in results) == [False, True]
    entries = event.audit_log.filter(action="registration.checked_in").count()
    assert entries == 1


@pytest.mark.parametrize("round_", ROUNDS)
@pytest.mark.parametrize("copy", ["read", "kept"])
def test_parallel_joins_and_cancellations_leave_no_seat_idle(round_, copy):
    event = EventFactory(capacity=20, waitlist_enabled=True)
    holders = [registration_seats.register(event, person(n)) for n in range(20)]
    if copy == "kept":  # as a web process keeps it, read with its counter full
        event = kept_copy(event)

    jobs = [lambda r=r: registration_seats.cancel(r) for r in holders[:10]]
    jobs += [lambda n=n: registration_seats.register(event, person(100 + n)) for n in range(30)]
    in_parallel(jobs)

    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    # Ten seats were freed while thirty people arrived: every freed seat found someone.
    assert statuses[Status.CONFIRMED] == 20
    assert statuses[Status.WAITLISTED] == 20
    seats = Seats.objects.get(pk=event.pk)
    assert (seats.taken, seats.waitlisted) == (20, 20)


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_approve_and_reject_of_one_registration_let_one_win(round_):
    event = EventFactory(requires_approval=True)
    pending = registration_seats.register(event, person(1))
    staff = UserFactory()
    # Both read the registration as pending before either decides, as two organisers would.
    read_twice = [Registration.objects.get(pk=pending.pk) for _ in range(2)]

    results = in_parallel(
        [
            lambda: registration_seats.approve(read_twice[0], actor=staff),
            lambda: registration_seats.reject(read_twice[1], actor=staff),
        ]
    )

    outcome = [r if isinstance(r, str) else r.status for r in results]
    assert outcome in ([Status.CONFIRMED, "not_pending"], ["not_pending", Status.REJECTED])
    final = Registration.objects.get(pk=pending.pk).status
    assert final == (Status.CONFIRMED if outcome[0] == Status.CONFIRMED else Status.REJECTED)
    assert Seats.objects.get(pk=event.pk).taken == (1 if final == Status.CONFIRMED else 0)


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def test_check_in_blocked_by_a_cancellation_is_refused_once_it_commits():
    """The door reads the ticket as confirmed while a cancellation holds its row; the check-in
    UPDATE waits for it and, re-checking the status, admits nobody."""
    event = EventFactory()
    registration = registration_seats.register(event, person(1))
    staff = UserFactory()
    cancelling = connections.create_connection("default")
    cancelling.set_autocommit(False)
    with cancelling.cursor() as cursor:
        cursor.execute(
            "UPDATE registration_registration SET status = 'cancelled' WHERE id = %s",
            [registration.pk],
        )
    door: dict[str, object] = {}

    def scan():
        try:
            connection.ensure_connection()
            door["pid"] = connection.connection.info.backend_pid
            door["result"] = checkin.check_in(event, registration.ticket_code, actor=staff)
        except Conflict as exc:
            door["result"] = exc.code
        finally:
            connections.close_all()

    thread = threading.Thread(target=scan)
    thread.start()
    try:
        for _ in range(300):  # until the door's UPDATE waits on the cancellation's row lock
            if door.get("pid") and _waiting_for_a_lock(door["pid"]):
                break
            threading.Event().wait(0.02)
        else:
            pytest.fail("the check-in never waited for the cancellation's lock")
    finally:
        cancelling.commit()
        cancelling.close()
        thread.join(timeout=30)

    assert door["result"] == "ticket_cancelled"
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None


@pytest.mark.parametrize("round_", ROUNDS)
def test_capacity_put_on_a_choice_while_people_pick_it_is_never_overbooked(round_):
    event = EventFactory(capacity=None)
    tour = ChoiceFactory(question__event=event, capacity=None, label_en="Lab tour")
    answers = {str(tour.question_id): tour.pk}
    organiser = UserFactory()
    limit = {"choices": [{"id": tour.pk, "label_en": "Lab tour", "capacity": 10}]}

    def put_capacity():
        try:
            return questions.save_question(event, limit, actor=organiser, question=tour.question)
        except ValidationError:
            return "refused"  # more than ten held it already: the capacity is not put

    jobs = [
        lambda n=n: registration_seats.register(event, person(n, answers=answers))
        for n in range(30)
    ]
    jobs.insert(5, put_capacity)
    in_parallel(jobs)

    tour.refresh_from_db()
    holders = Registration.objects.filter(event=event, held_choices__contains=[tour.pk]).count()
    assert tour.taken == holders
    if tour.capacity is not None:
        assert tour.taken <= tour.capacity == 10
    else:
        assert holders == 30


@pytest.mark.parametrize("round_", ROUNDS)
def test_parallel_joins_from_a_kept_copy_while_the_capacity_grows_count_every_seat(round_):
    from events.models import Event

    event = EventFactory(capacity=10, waitlist_enabled=True)
    kept = kept_copy(event)

    def grow():
        fresh = Event.objects.get(pk=event.pk)
        fresh.capacity = 30
        fresh.save()

    jobs = [lambda n=n: registration_seats.register(kept, person(n)) for n in range(40)]
    jobs.insert(20, grow)
    results = in_parallel(jobs)

    assert sum(isinstance(result, Registration) for result in results) == 40  # none refused
    statuses = Counter(Registration.objects.filter(event=event).values_list("status", flat=True))
    assert statuses[Status.CONFIRMED] == 30
    assert statuses[Status.WAITLISTED] == 10
    seats = Seats.objects.get(pk=event.pk)
    assert (seats.taken, seats.waitlisted, seats.capacity) == (30, 10, 30)
