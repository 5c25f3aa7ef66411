"""Who may call what: every address of the site and the API, for every kind of caller.

`ACCESS` must name every URL pattern (the admin excepted, which is Django's own): the first
test fails when an endpoint is added without saying here who may use it. The matrix then
calls each endpoint as each role and checks it is let in exactly when the table says so.
Let in: any answer but 401/403/404 or a redirect to sign-in (400 and 409 mean the body or
the state was refused, after the permission check). Never a 5xx.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from events.models import ProgrammeStaff, TeamMembership
from notifications import services as notification_services
from notifications.models import Delivery, ReminderRule
from registration import services as registration_services
from tests.factories import (
    EventFactory,
    ProgrammeFactory,
    QuestionFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "stranger", "programme", "checkin", "organiser", "owner")
ANYONE = set(ROLES)
SIGNED_IN = ANYONE - {"anonymous"}
TEAM = {"checkin", "organiser", "owner"}
CHANGE = {"organiser", "owner"}
OWNER = {"owner"}
PROGRAMME_STAFF = {"programme"}


@dataclass
class Call:
    name: str
    method: str
    path: Callable[[dict], str]
    allowed: set[str]
    body: dict | None = None


E = "/api/v1/events/{event}"
R = "/api/v1/registrations/{token}"
P = "/en/organiser/events/{event}"


def at(template: str) -> Callable[[dict], str]:
    return lambda ctx: template.format(**ctx)


ACCESS = [
    # Site furniture and documents
    Call("set_language", "post", at("/i18n/setlang/"), ANYONE, {"language": "vi"}),
    Call("schema", "get", at("/api/schema/"), ANYONE),
    Call("api-docs", "get", at("/api/docs/"), ANYONE),
    Call("api-token", "post", at("/api/v1/auth/token/"), ANYONE, {"username": "x"}),
    Call("api-token-revoke", "post", at("/api/v1/auth/token/revoke/"), SIGNED_IN),
    Call("api-token-revoke-all", "post", at("/api/v1/auth/token/revoke-all/"), SIGNED_IN),
    # Emailed links: whoever holds the token
    Call("manage-registration", "get", at("/r/{token}"), ANYONE),
    Call("unsubscribe", "get", at("/u/{unsubscribe}"), ANYONE),
    Call("confirm-email", "get", at("/e/{email_change}"), ANYONE),
    Call("manage-registration-detail", "get", at(R + "/"), ANYONE),
    Call("manage-registration-cancel", "post", at(R + "/cancel/"), ANYONE),
    Call("manage-registration-data", "get", at(R + "/data/"), ANYONE),
    Call("ticket-png", "get", at(R + "/ticket.png"), ANYONE),
    Call("ticket-pdf", "get", at(R + "/ticket.pdf"), ANYONE),
    Call("registration-ics", "get", at(R + "/calendar.ics"), ANYONE),
    # Events
    Call("event-list", "get", at("/api/v1/events/"), ANYONE),
    Call("event-list", "post", at("/api/v1/events/"), SIGNED_IN, {"title_en": "New"}),
    Call("event-detail", "get", at(E + "/"), ANYONE),
    Call("event-detail", "patch", at(E + "/"), CHANGE, {"summary_en": "Changed"}),
    Call("event-detail", "delete", at(E + "/"), OWNER),
    Call("event-publish", "post", at(E + "/publish/"), CHANGE),
    Call("event-cancel", "post", at(E + "/cancel/"), CHANGE),
    Call("event-feed", "get", at("/api/v1/events/calendar.ics"), ANYONE),
    Call("event-calendar", "get", at(E + "/calendar.ics"), ANYONE),
    Call("event-privacy-notice", "get", at(E + "/privacy-notice/"), ANYONE),
    Call("event-sessions", "get", at(E + "/sessions/"), ANYONE),
    Call("event-sessions", "post", at(E + "/sessions/"), CHANGE, {"title_en": "S"}),
    Call("event-session", "get", at(E + "/sessions/{session}/"), ANYONE),
    Call("event-session", "patch", at(E + "/sessions/{session}/"), CHANGE, {"room": "B"}),
    Call("event-session", "delete", at(E + "/sessions/{session}/"), CHANGE),
    Call("event-team", "get", at(E + "/team/"), TEAM),
    Call("event-team", "post", at(E + "/team/"), OWNER, {"user": "nobody", "role": "checkin"}),
    Call("event-team-member", "get", at(E + "/team/{member}/"), TEAM),
    Call("event-team-member", "patch", at(E + "/team/{member}/"), OWNER, {"role": "organiser"}),
    Call("event-team-member", "delete", at(E + "/team/{member}/"), OWNER),
    Call("event-audit-log", "get", at(E + "/audit-log/"), TEAM),
    Call("field-list", "get", at("/api/v1/fields/"), ANYONE),
    Call("field-detail", "get", at("/api/v1/fields/1/"), ANYONE),
    Call("programme-list", "get", at("/api/v1/programmes/"), ANYONE),
    Call("programme-detail", "get", at("/api/v1/programmes/{programme_code}/"), ANYONE),
    # Registration
    Call("registration-list", "get", at(E + "/registrations/"), TEAM),
    Call("registration-list", "post", at(E + "/registrations/"), ANYONE, {"name": "N"}),
    Call("registration-resend-link", "post", at(E + "/registrations/resend-link/"), ANYONE,
         {"email": "a@example.org"}),
    Call("registration-stats", "get", at(E + "/registrations/stats/"), TEAM),
    Call("registration-bulk-approve", "post", at(E + "/registrations/bulk-approve/"), CHANGE,
         {"ids": []}),
    Call("registration-detail", "get", at(E + "/registrations/{registration}/"), TEAM),
    Call("registration-detail", "patch", at(E + "/registrations/{registration}/"), CHANGE,
         {"affiliation": "VAST"}),
    Call("registration-approve", "post", at(E + "/registrations/{pending}/approve/"), CHANGE),
    Call("registration-reject", "post", at(E + "/registrations/{pending}/reject/"), CHANGE),
    Call("registration-cancel", "post", at(E + "/registrations/{registration}/cancel/"), CHANGE),
    Call("registration-revoke-link", "post", at(E + "/registrations/{registration}/revoke-link/"),
         CHANGE),
    Call("registrations-csv", "get", at(E + "/registrations/export.csv"), TEAM),
    Call("registrations-xlsx", "get", at(E + "/registrations/export.xlsx"), TEAM),
    Call("event-availability", "get", at(E + "/availability/"), ANYONE),
    Call("event-check-ins", "post", at(E + "/check-ins/"), TEAM, {"code": "{code}"}),
    Call("event-check-ins", "get", at(E + "/check-ins/?q=a"), TEAM),
    Call("event-check-in", "delete", at(E + "/check-ins/{code}/"), TEAM),
    Call("question-list", "get", at(E + "/questions/"), ANYONE),
    Call("question-list", "post", at(E + "/questions/"), CHANGE, {"kind": "short_text"}),
    Call("question-detail", "get", at(E + "/questions/{question}/"), ANYONE),
    Call("question-detail", "patch", at(E + "/questions/{question}/"), CHANGE, {"required": True}),
    Call("question-detail", "delete", at(E + "/questions/{question}/"), CHANGE),
    # Notifications
    Call("reminder-list", "get", at(E + "/reminders/"), TEAM),
    Call("reminder-list", "post", at(E + "/reminders/"), CHANGE, {"minutes_before_start": 60}),
    Call("reminder-detail", "get", at(E + "/reminders/{rule}/"), TEAM),
    Call("reminder-detail", "patch", at(E + "/reminders/{rule}/"), CHANGE, {"enabled": False}),
    Call("reminder-detail", "delete", at(E + "/reminders/{rule}/"), CHANGE),
    Call("message-list", "get", at(E + "/messages/"), TEAM),
    Call("message-list", "post", at(E + "/messages/"), CHANGE, {"body_en": "Hello"}),
    Call("message-detail", "get", at(E + "/messages/{message}/"), TEAM),
    Call("delivery-list", "get", at(E + "/deliveries/"), TEAM),
    Call("delivery-counts", "get", at(E + "/deliveries/counts/"), TEAM),
    Call("delivery-detail", "get", at(E + "/deliveries/{delivery}/"), TEAM),
    Call("delivery-resend", "post", at(E + "/deliveries/{delivery}/resend/"), CHANGE),
    Call("delivery-bounced", "post", at(E + "/deliveries/{delivery}/bounced/"), CHANGE, {}),
    # Open data
    Call("open-data-events-json", "get", at("/api/v1/open-data/events.json"), ANYONE),
    Call("open-data-events-csv", "get", at("/api/v1/open-data/events.csv"), ANYONE),
    Call("open-data-statistics-json", "get", at("/api/v1/open-data/statistics.json"), ANYONE),
    Call("open-data-statistics-csv", "get", at("/api/v1/open-data/statistics.csv"), ANYONE),
    # Public pages
    Call("web:home", "get", at("/en/"), ANYONE),
    Call("web:event", "get", at("/en/events/{event}/"), ANYONE),
    Call("web:register", "get", at("/en/events/{event}/register/"), ANYONE),
    Call("web:participants", "get", at("/en/events/{event}/participants/"), ANYONE),
    Call("web:lost-link", "get", at("/en/events/{event}/lost-link/"), ANYONE),
    Call("web:event-report", "get", at("/en/events/{past}/report/"), ANYONE),
    Call("web:event-report-csv", "get", at("/en/events/{past}/report.csv"), ANYONE),
    Call("web:programmes", "get", at("/en/programmes/"), ANYONE),
    Call("web:programme", "get", at("/en/programmes/{programme}/"), ANYONE),
    Call("web:programme-events", "get", at("/en/programmes/{programme}/events/"), ANYONE),
    Call("web:programme-targets", "get", at("/en/programmes/{programme}/targets/"),
         PROGRAMME_STAFF),
    Call("web:login", "get", at("/en/sign-in/"), ANYONE),
    Call("web:logout", "post", at("/en/sign-out/"), ANYONE),
    # Organiser area
    Call("web:dashboard", "get", at("/en/organiser/"), SIGNED_IN),
    Call("web:event-create", "get", at("/en/organiser/events/new/"), SIGNED_IN),
    Call("web:event-edit", "get", at(P + "/edit/"), CHANGE),
    Call("web:event-questions", "get", at(P + "/questions/"), CHANGE),
    Call("web:event-agenda", "get", at(P + "/agenda/"), CHANGE),
    Call("web:event-team", "get", at(P + "/team/"), CHANGE),
    Call("web:event-team", "post", at(P + "/team/"), OWNER, {"user": "nobody", "role": "checkin"}),
    Call("web:event-reminders", "get", at(P + "/reminders/"), CHANGE),
    Call("web:event-preview", "get", at(P + "/preview/"), CHANGE),
    Call("web:event-registrations", "get", at(P + "/registrations/"), TEAM),
    Call("web:event-registrations", "post", at(P + "/registrations/"), CHANGE,
         {"action": "approve", "id": "{pending}"}),
    Call("web:event-email", "get", at(P + "/email/"), CHANGE),
    Call("web:event-check-in", "get", at(P + "/check-in/"), TEAM),
    Call("web:event-check-in", "post", at(P + "/check-in/"), TEAM, {"code": "{code}"}),
    Call("web:event-audit", "get", at(P + "/audit/"), TEAM),
    Call("web:event-attendee-list", "get", at(P + "/attendees/print/"), TEAM),
]  # fmt: skip

NOT_OURS = ("admin:",)


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return {name for name in names if not name.startswith(NOT_OURS)}


def test_every_endpoint_has_an_access_rule():
    assert url_names() - {call.name for call in ACCESS} == set()


def test_access_rules_name_only_real_endpoints():
    assert {call.name for call in ACCESS} - url_names() == set()


@pytest.fixture
def ctx():
    """One published event with something behind every address, and a user per role."""
    programme = ProgrammeFactory(code="AM/01")
    owner = UserFactory(username="owner-role")
    event = EventFactory(
        slug="matrix", owner=owner, programme=programme, participant_list_public=True
    )
    past = EventFactory(
        slug="matrix-past",
        programme=programme,
        start=timezone.now() - timezone.timedelta(days=3),
        end=timezone.now() - timezone.timedelta(days=2),
    )
    users = {"owner": owner}
    for role in ("checkin", "organiser"):
        users[role] = UserFactory(username=f"{role}-role")
        TeamMembership.objects.create(event=event, user=users[role], role=role)
    users["stranger"] = UserFactory(username="stranger-role")
    users["programme"] = UserFactory(username="programme-role")
    ProgrammeStaff.objects.create(programme=programme, user=users["programme"])
    person = {"name": "An", "email": "an@example.org", "consent": True}
    registration = registration_services.register(event, person)
    event.requires_approval = True
    event.save()
    pending = registration_services.register(event, {**person, "email": "binh@example.org"})
    delivery = Delivery.objects.filter(registration=registration).first()
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED)
    rule = notification_services.save_rule(ReminderRule(event=event, minutes_before_start=90))
    message = notification_services.broadcast(event, actor=owner, data={"body_en": "Hi"})
    return {
        "users": users,
        "event": event.slug,
        "past": past.slug,
        "programme": programme.slug,
        "programme_code": programme.code,
        "token": registration.manage_token,
        "unsubscribe": notification_services.unsubscribe_url(registration).rsplit("/", 1)[1],
        "email_change": email_change_token(registration),
        "code": registration.ticket_code,
        "registration": registration.pk,
        "pending": pending.pk,
        "session": SessionFactory(event=event).pk,
        "member": TeamMembership.objects.get(event=event, role="checkin").pk,
        "question": QuestionFactory(event=event).pk,
        "rule": rule.pk,
        "message": message.pk,
        "delivery": delivery.pk,
    }


def email_change_token(registration) -> str:
    """A confirmation link for an email change that stays valid for every role's call (the
    address it asks for is the one the registration has)."""
    from django.core import signing

    from registration.emails import email_key

    asked = {"r": registration.pk, "to": registration.email, "from": email_key(registration.email)}
    return signing.dumps(asked, salt=registration_services.EMAIL_CHANGE_SALT, compress=True)


def client_as(role: str, ctx: dict) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.force_login(ctx["users"][role])
    return client


def let_in(response) -> bool:
    if response.status_code in (401, 403, 404):
        return False
    return not (response.status_code == 302 and "/sign-in/" in response.get("Location", ""))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("call", ACCESS, ids=[f"{call.method}-{call.name}" for call in ACCESS])
def test_access(ctx, call, role):
    client = client_as(role, ctx)
    path = call.path(ctx)
    body = {k: v.format(**ctx) if isinstance(v, str) else v for k, v in (call.body or {}).items()}
    if call.name.startswith("web:") or call.name == "set_language":
        response = getattr(client, call.method)(path, body)
    else:
        response = getattr(client, call.method)(path, body, format="json")

    assert response.status_code < 500
    assert let_in(response) == (role in call.allowed), (response.status_code, role)
