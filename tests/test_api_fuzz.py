"""Schemathesis against the whole API, in process, on the throwaway test database.

Every operation of /api/schema/ is called with generated input (valid and invalid), signed in
as the owner of a published event that has questions, choices, registrations, a session, a
broadcast and deliveries, so that paths with {event_slug}, {slug}, {id}, {token} and {code}
reach real objects as well as missing ones. Each answer must be no 5xx, match its documented
schema and use a documented status code.

The normal run is small and derandomised (stable in CI): explicit examples and EXAMPLES
generated cases per operation. `FUZZ_EXAMPLES=300` (`make fuzz`) runs that many, plus
Schemathesis' coverage phase (every boundary value the schema allows: thousands of calls).
"""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from core.tokens import issue_token
from events.models import Programme, TeamMembership
from notifications import broadcasts
from notifications.models import Delivery
from registration import checkin, eligibility
from registration import questions as registration_questions
from registration import seats as registration_seats
from registration.models import Question
from tests.factories import (
    ChoiceFactory,
    EventFactory,
    ProgrammeFactory,
    QuestionFactory,
    SessionFactory,
    UserFactory,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))  # CI keeps the suite under 25 minutes
LONG_RUN = "FUZZ_EXAMPLES" in os.environ
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]
TOKEN: list[str] = []  # the owner's API token, issued by the fixture below
SLUG = "fuzz-event"

config = SchemathesisConfig.from_dict(
    {"seed": 20240601, "phases": {"coverage": {"enabled": LONG_RUN}}}
)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=config)

# Real objects of the current test, by kind: the hooks below draw path parameters from them.
world: dict[str, list] = {}


@pytest.fixture
def fuzz_world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.RATELIMIT_ENABLED = False  # hundreds of requests from one address, on purpose
    owner = UserFactory(username="fuzz-owner")
    TOKEN[:] = [issue_token(owner)[0]]
    programme = ProgrammeFactory(code="07-CTr/TU")
    event = EventFactory(
        slug=SLUG,
        owner=owner,
        capacity=3,
        waitlist_enabled=True,
        requires_approval=True,
        programme=programme,
        start=timezone.now() + timedelta(days=30),
    )
    draft = EventFactory(slug="fuzz-draft", owner=owner, status="draft")
    question = QuestionFactory(event=event, kind=Question.Kind.SINGLE_CHOICE, required=False)
    tour = ChoiceFactory(question=question, capacity=5)
    ChoiceFactory(question=question)
    QuestionFactory(event=event, kind=Question.Kind.SHORT_TEXT)
    session = SessionFactory(event=event)
    people = [
        registration_seats.register(
            event,
            {
                "name": f"Fuzz {n}",
                "email": f"fuzz{n}@example.org",
                "consent": True,
                "answers": {str(question.pk): tour.pk} if n == 0 else {},
            },
        )
        for n in range(5)  # three seats (pending approval), two people on the waiting list
    ]
    # Every status a registration can have: confirmed (one checked in), cancelled, pending
    # (the first in line, promoted) and waitlisted.
    for registration in people[:2]:
        registration_seats.approve(registration, actor=owner)
    registration_seats.cancel(people[2], actor=owner)
    checkin.check_in(event, people[1].ticket_code, actor=owner)
    colleague = TeamMembership.objects.create(
        event=event, user=UserFactory(username="fuzz-checkin"), role="checkin"
    )
    message = broadcasts.broadcast(
        event, actor=owner, data={"subject_en": "Hello", "body_en": "Welcome."}
    )
    Delivery.objects.filter(pk=Delivery.objects.filter(event=event).first().pk).update(
        state=Delivery.State.SENT, sent_at=timezone.now()
    )
    world.clear()
    world.update(
        {
            "slug": [SLUG, draft.slug],
            "registrations": [r.pk for r in people],
            "questions": list(event.questions.values_list("pk", flat=True)),
            "sessions": [session.pk],
            "team": [colleague.pk, *event.team.values_list("pk", flat=True)],
            "reminders": list(event.reminder_rules.values_list("pk", flat=True)),
            "messages": [message.pk],
            "deliveries": list(Delivery.objects.filter(event=event).values_list("pk", flat=True)),
            "token": [r.manage_token for r in people],
            "code": [r.ticket_code for r in people],
            "programme": [p.code for p in Programme.objects.all()],
            "field": ["1", "1.2"],
        }
    )
    yield world
    world.clear()


def known_ids(path: str) -> list:
    """Ids of the real objects an {id} in this path names."""
    for kind in ("registrations", "questions", "sessions", "team", "reminders", "messages"):
        if f"/{kind}/" in path:
            return world.get(kind, [])
    if "/deliveries/" in path:
        return world.get("deliveries", [])
    return []


def candidates(path: str, name: str) -> list:
    """Real values for one path parameter of one operation."""
    if name in ("event_slug", "slug"):
        return world.get("slug", [])
    if name == "id":
        return known_ids(path)
    if name == "token":
        return world.get("token", [])
    if name == "code" and "/programmes/" in path:
        return world.get("programme", [])
    if name == "code" and "/fields/" in path:
        return world.get("field", [])
    if name == "code":
        return world.get("code", [])
    return []


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Point path parameters at real objects of the test's world, or keep the generated ones.

    Real objects come first, so that is where Hypothesis starts and shrinks to.
    """
    if not path_parameters:
        return st.just(path_parameters)
    path = context.operation.path
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([*candidates(path, name), value])
            for name, value in path_parameters.items()
        }
    )


@contextmanager
def rolled_back():
    """Each example starts from the same world: whatever the request changed is undone."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)
    eligibility._event_cache.clear()
    registration_questions._question_cache.clear()


@pytest.fixture
def in_process_requests():
    """Keep the test's transaction open across requests, like Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation_answers_as_documented(case, fuzz_world, in_process_requests):
    # Signed in as the owner, so that team-only operations run rather than stop at 401/403.
    with rolled_back():
        # identity: the in-process client does not undo the gzip a real client would.
        headers = {"Authorization": f"Token {TOKEN[0]}", "Accept-Encoding": "identity"}
        case.call_and_validate(headers=headers, checks=CHECKS)
