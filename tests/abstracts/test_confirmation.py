"""The presenting author's answer to an accepted contribution (abstracts/confirmation.py):
one answer, before the event starts; declining takes the contribution out of the programme."""

import csv
import io
import json
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from abstracts import actions
from abstracts.models import Abstract, Decision
from core.exceptions import Conflict
from events.models import AuditLogEntry, Event
from tests.abstracts.helpers import decide, open_call, submit
from tests.abstracts.test_publishing import pdf_text

pytestmark = pytest.mark.django_db
E = "/api/v1/events/{}"
Confirmation = Decision.Confirmation


@pytest.fixture
def accepted(event):
    open_call(event)
    abstract = submit(event)
    decide(abstract, "talk")
    return Abstract.objects.get(pk=abstract.pk)


def test_accepted_contribution_waits_for_its_presenter(accepted):
    assert accepted.decision.confirmation == Confirmation.PENDING
    assert accepted.decision.confirmation_at is None


def test_rejected_contribution_has_nothing_to_answer(event):
    open_call(event)
    abstract = submit(event)

    decision = decide(abstract, "reject")

    assert decision.confirmation == ""


def test_confirm_records_the_answer_and_its_time(accepted):
    decision = actions.confirm(accepted)

    stored = Decision.objects.get(pk=accepted.pk)
    assert stored.confirmation == Confirmation.CONFIRMED
    assert stored.confirmation_at == decision.confirmation_at is not None


def test_confirm_again_changes_nothing(accepted):
    first = actions.confirm(accepted).confirmation_at

    again = actions.confirm(accepted)

    assert again.confirmation == Confirmation.CONFIRMED
    assert again.confirmation_at == first
    assert AuditLogEntry.objects.filter(action="abstract.confirmed").count() == 1


def test_decline_after_confirm_is_refused(accepted):
    actions.confirm(accepted)

    with pytest.raises(Conflict) as refused:
        actions.decline(accepted)

    assert refused.value.code == "already_answered"
    assert Decision.objects.get(pk=accepted.pk).confirmation == Confirmation.CONFIRMED


def test_confirm_after_decline_is_refused(accepted):
    actions.decline(accepted)

    with pytest.raises(Conflict) as refused:
        actions.confirm(accepted)

    assert refused.value.code == "already_answered"


def test_submitted_abstract_cannot_be_confirmed(event):
    open_call(event)
    abstract = submit(event)

    with pytest.raises(Conflict) as refused:
        actions.confirm(abstract)

    assert refused.value.code == "not_accepted"


def test_rejected_abstract_cannot_be_confirmed(event):
    open_call(event)
    abstract = submit(event)
    decide(abstract, "reject")

    with pytest.raises(Conflict) as refused:
        actions.confirm(abstract)

    assert refused.value.code == "not_accepted"


def test_answer_after_the_event_started_is_refused(accepted):
    Event.objects.filter(pk=accepted.event_id).update(
        start=timezone.now() - timedelta(minutes=1), end=timezone.now() + timedelta(hours=5)
    )

    with pytest.raises(Conflict) as refused:
        actions.decline(accepted)

    assert refused.value.code == "event_started"
    assert Decision.objects.get(pk=accepted.pk).confirmation == Confirmation.PENDING


def test_answer_to_a_cancelled_event_is_refused(accepted):
    Event.objects.filter(pk=accepted.event_id).update(status=Event.Status.CANCELLED)

    with pytest.raises(Conflict) as refused:
        actions.confirm(accepted)

    assert refused.value.code == "event_cancelled"


def test_same_answer_after_the_event_started_is_still_no_error(accepted):
    actions.confirm(accepted)
    Event.objects.filter(pk=accepted.event_id).update(
        start=timezone.now() - timedelta(minutes=1), end=timezone.now() + timedelta(hours=5)
    )

    assert actions.confirm(accepted).confirmation == Confirmation.CONFIRMED


def test_answers_are_written_to_the_audit_log(accepted):
    actions.decline(accepted)

    entry = AuditLogEntry.objects.get(action="abstract.declined")
    assert entry.event_id == accepted.event_id and entry.actor is None
    assert entry.changes == {"abstract": accepted.pk}


def test_decline_withdraws_the_agenda_session(accepted):
    session_id = accepted.session_id

    actions.decline(accepted)

    accepted.refresh_from_db()
    assert accepted.session is None and accepted.status == Abstract.Status.ACCEPTED
    assert not accepted.event.sessions.filter(pk=session_id).exists()
    assert AuditLogEntry.objects.filter(action="session.deleted").exists()


def test_confirm_keeps_the_agenda_session(accepted):
    actions.confirm(accepted)

    assert accepted.event.sessions.filter(pk=accepted.session_id).exists()


def test_database_refuses_an_answer_without_its_time(accepted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=accepted.pk).update(confirmation=Confirmation.CONFIRMED)


def test_database_refuses_a_rejection_waiting_for_an_answer(accepted):
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=accepted.pk).update(outcome=Decision.Outcome.REJECT)


# --- Public outputs: a declined contribution is not listed ------------------------------------


@pytest.fixture
def declined(accepted):
    kept = submit(accepted.event, title_en="Solar drying of coffee")
    decide(kept, "poster")
    actions.decline(accepted)
    return accepted


def test_declined_contribution_leaves_the_sessions_api(api, declined):
    titles = [s["title_en"] for s in api.get(E.format(declined.event.slug) + "/sessions/").data]

    assert titles == ["Solar drying of coffee"]


def test_declined_contribution_leaves_the_calendar(api, declined):
    calendar = api.get(E.format(declined.event.slug) + "/calendar.ics").content.decode()

    assert "Solar drying of coffee" in calendar.replace("\r\n ", "")
    assert "Graphene membranes" not in calendar.replace("\r\n ", "")


def test_declined_contribution_leaves_the_event_page(client, declined):
    page = client.get(f"/en/events/{declined.event.slug}/").content.decode()

    assert "Solar drying of coffee" in page
    assert "Graphene membranes" not in page


def test_declined_contribution_leaves_the_book_of_abstracts(api, declined):
    text = pdf_text(api.get(E.format(declined.event.slug) + "/book-of-abstracts.pdf").content)

    assert "Solar drying of coffee" in text
    assert "Graphene membranes" not in text


def test_declined_contribution_leaves_the_open_data(api, declined):
    slug = declined.event.slug
    document = json.loads(api.get(E.format(slug) + "/accepted-abstracts.json").content)
    rows = csv.DictReader(
        io.StringIO(api.get(E.format(slug) + "/accepted-abstracts.csv").content.decode())
    )

    assert [row["title_en"] for row in document["results"]] == ["Solar drying of coffee"]
    assert [row["title_en"] for row in rows] == ["Solar drying of coffee"]


@pytest.mark.django_db(transaction=True)
def test_confirm_and_decline_at_once_end_with_one_answer(owner):
    from tests.factories import EventFactory

    event = EventFactory(owner=owner)
    open_call(event)
    abstract = submit(event)
    decide(abstract, "talk")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(action):
        try:
            barrier.wait()
            action(Abstract.objects.get(pk=abstract.pk))
            outcomes.append("answered")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    both = (actions.confirm, actions.decline)
    threads = [threading.Thread(target=answer, args=(action,)) for action in both]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["answered", "conflict"]
    decision = Decision.objects.get(pk=abstract.pk)
    assert decision.confirmation in (Confirmation.CONFIRMED, Confirmation.DECLINED)
    assert event.sessions.count() == (1 if decision.confirmation == Confirmation.CONFIRMED else 0)
