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

from events import invitations, programme_requests
from events.models import Invitation, TeamMembership
from events.programme_models import ProgrammeStaff
from notifications import broadcasts as notification_broadcasts
from notifications import reminders as notification_reminders
from notifications import rendering as notification_rendering
from notifications.models import Delivery, ReminderRule
from registration import certificates
from registration import changes as registration_changes
from registration import seats as registration_seats
from registration.models import Certificate
from tests.factories import (
    EventFactory,
    ProgrammeFactory,
    QuestionFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous", "stranger", "programme", "checkin", "reviewer", "committee", "organiser", "owner"
)  # fmt: skip
ANYONE = set(ROLES)
SIGNED_IN = ANYONE - {"anonymous"}
TEAM = {"checkin", "organiser", "owner"}
CHANGE = {"organiser", "owner"}
OWNER = {"owner"}
PROGRAMME_STAFF = {"programme"}
# Registrants' contact details, organisations, answers, exports and the emails sent to them:
# not check-in staff, who see only what the door needs.
PERSONAL = {"organiser", "owner"}
# The event asking for the programme has a team of its own: the owner and the organiser.
ASKING_TEAM = {"organiser", "owner"}
ASKING_CHANGE = ASKING_TEAM
# The call for abstracts: reviewers see the abstracts assigned to them; the committee and the
# organisers the board and the decisions. Neither reviewers nor the committee see registrants.
REVIEWER = {"reviewer"}
DECIDE = {"committee", "organiser", "owner"}
READ_ABSTRACT = DECIDE | REVIEWER


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
    Call("team-invitation", "get", at("/invitations/{invitation}"), ANYONE),
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
    # Attaching to or detaching from a programme: its staff only (and only on the team)
    Call("event-list", "post", at("/api/v1/events/"), PROGRAMME_STAFF,
         {"title_en": "New", "programme": "{programme_code}"}),
    Call("event-detail", "patch", at(E + "/"), set(), {"programme": None}),
    Call("event-detail", "patch", at(E + "/"), set(), {"programme": "{other_programme}"}),
    Call("event-detail", "delete", at(E + "/"), OWNER),
    Call("event-publish", "post", at(E + "/publish/"), CHANGE),
    Call("event-cancel", "post", at(E + "/cancel/"), CHANGE),
    Call("event-duplicate", "post", at(E + "/duplicate/"), CHANGE, {"start": "2030-01-01T09:00"}),
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
    # Invitations name people's addresses: the owner only, who alone changes the team
    Call("event-team-invitations", "get", at(E + "/team/invitations/"), OWNER),
    Call("event-team-invitations", "post", at(E + "/team/invitations/"), OWNER,
         {"email": "new@example.org", "role": "checkin"}),
    Call("event-team-invitation", "delete", at(E + "/team/invitations/{invitation_pk}/"), OWNER),
    Call("event-audit-log", "get", at(E + "/audit-log/"), TEAM),
    Call("event-programme-request", "get", at("/api/v1/events/{asking}/programme-request/"),
         ASKING_TEAM),
    Call("event-programme-request", "post", at(E + "/programme-request/"), CHANGE,
         {"programme": "{programme_code}"}),
    Call("event-programme-request-withdraw", "post",
         at("/api/v1/events/{asking}/programme-request/withdraw/"), ASKING_CHANGE),
    Call("programme-request-accept", "post", at("/api/v1/programme-requests/{asked}/accept/"),
         PROGRAMME_STAFF),
    Call("programme-request-decline", "post", at("/api/v1/programme-requests/{asked}/decline/"),
         PROGRAMME_STAFF),
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
    Call("registration-bulk-reject", "post", at(E + "/registrations/bulk-reject/"), CHANGE,
         {"ids": []}),
    Call("registration-bulk-cancel", "post", at(E + "/registrations/bulk-cancel/"), CHANGE,
         {"ids": []}),
    Call("registration-detail", "get", at(E + "/registrations/{registration}/"), TEAM),
    Call("registration-detail", "patch", at(E + "/registrations/{registration}/"), CHANGE,
         {"affiliation": "VAST"}),
    Call("registration-approve", "post", at(E + "/registrations/{pending}/approve/"), CHANGE),
    Call("registration-reject", "post", at(E + "/registrations/{pending}/reject/"), CHANGE),
    Call("registration-cancel", "post", at(E + "/registrations/{registration}/cancel/"), CHANGE),
    Call("registration-revoke-link", "post", at(E + "/registrations/{registration}/revoke-link/"),
         CHANGE),
    Call("registrations-csv", "get", at(E + "/registrations/export.csv"), PERSONAL),
    Call("registrations-xlsx", "get", at(E + "/registrations/export.xlsx"), PERSONAL),
    Call("event-badges", "get", at(E + "/badges.pdf"), TEAM),
    # Certificates: checked by anyone holding the code; they name people (organisers)
    Call("verify-certificate", "get", at("/verify/{certificate_code}"), ANYONE),
    Call("certificate-verify", "get", at("/api/v1/certificates/{certificate_code}/"), ANYONE),
    Call("registration-certificate-pdf", "get", at(R + "/certificate.pdf"), ANYONE),
    Call("event-certificates", "get", at(E + "/certificates/"), PERSONAL),
    Call("event-certificates", "post", at(E + "/certificates/"), CHANGE, {"speaker": "{speaker}"}),
    Call("event-certificate-pdf", "get", at(E + "/certificates/{certificate}/certificate.pdf"),
         PERSONAL),
    Call("event-certificate-reissue", "post", at(E + "/certificates/{certificate}/reissue/"),
         CHANGE),
    Call("event-availability", "get", at(E + "/availability/"), ANYONE),
    Call("event-check-ins", "post", at(E + "/check-ins/"), TEAM, {"code": "{code}"}),
    Call("event-check-ins", "get", at(E + "/check-ins/?q=a"), TEAM),
    Call("event-check-in", "delete", at(E + "/check-ins/{code}/"), TEAM),
    Call("event-door-roster", "get", at(E + "/door/roster/"), TEAM),
    Call("event-door-sync", "post", at(E + "/door/sync/"), TEAM,
         {"scans": [{"key": "6f1f7c52-1f0e-4a8e-9a53-2d1c3c1a0b11", "code": "{code}"}]}),
    Call("event-walk-ins", "post", at(E + "/walk-ins/"), TEAM,
         {"name": "Walk In", "email": "walk.in@example.org", "consent": True}),
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
    Call("message-list", "get", at(E + "/messages/"), PERSONAL),
    Call("message-list", "post", at(E + "/messages/"), CHANGE, {"body_en": "Hello"}),
    Call("message-detail", "get", at(E + "/messages/{message}/"), PERSONAL),
    Call("delivery-list", "get", at(E + "/deliveries/"), PERSONAL),
    Call("delivery-counts", "get", at(E + "/deliveries/counts/"), PERSONAL),
    Call("delivery-detail", "get", at(E + "/deliveries/{delivery}/"), PERSONAL),
    Call("delivery-resend", "post", at(E + "/deliveries/{delivery}/resend/"), CHANGE),
    Call("delivery-bounced", "post", at(E + "/deliveries/{delivery}/bounced/"), CHANGE, {}),
    # Open data
    Call("open-data-events-json", "get", at("/api/v1/open-data/events.json"), ANYONE),
    Call("open-data-events-csv", "get", at("/api/v1/open-data/events.csv"), ANYONE),
    Call("open-data-statistics-json", "get", at("/api/v1/open-data/statistics.json"), ANYONE),
    Call("open-data-statistics-csv", "get", at("/api/v1/open-data/statistics.csv"), ANYONE),
    Call("open-data-attendance-json", "get", at("/api/v1/open-data/attendance.json"), ANYONE),
    Call("open-data-attendance-csv", "get", at("/api/v1/open-data/attendance.csv"), ANYONE),
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
    Call("web:programme-request-decision", "post", at("/en/programmes/{programme}/requests/"),
         PROGRAMME_STAFF, {"action": "accept", "request": "{asked}"}),
    Call("web:login", "get", at("/en/sign-in/"), ANYONE),
    Call("web:logout", "post", at("/en/sign-out/"), ANYONE),
    # Organiser area
    Call("web:dashboard", "get", at("/en/organiser/"), SIGNED_IN),
    Call("web:event-create", "get", at("/en/organiser/events/new/"), SIGNED_IN),
    Call("web:event-edit", "get", at(P + "/edit/"), CHANGE),
    Call("web:event-programme-request", "post", at(P + "/programme-request/"), CHANGE,
         {"action": "ask", "programme": "{programme_pk}"}),
    Call("web:event-questions", "get", at(P + "/questions/"), CHANGE),
    Call("web:event-agenda", "get", at(P + "/agenda/"), CHANGE),
    Call("web:event-team", "get", at(P + "/team/"), CHANGE),
    Call("web:event-team", "post", at(P + "/team/"), OWNER, {"user": "nobody", "role": "checkin"}),
    Call("web:event-reminders", "get", at(P + "/reminders/"), CHANGE),
    Call("web:event-preview", "get", at(P + "/preview/"), CHANGE),
    # The call for abstracts is set up by those who may `PUT …/call-for-abstracts/`
    Call("web:event-call", "get", at(P + "/call-for-abstracts/"), CHANGE),
    Call("web:event-call", "post", at(P + "/call-for-abstracts/"), CHANGE, {"opens_at": ""}),
    Call("web:event-reviewers", "get", at(P + "/reviewers/"), CHANGE),
    Call("web:event-reviewers", "post", at(P + "/reviewers/"), CHANGE, {"reviewer": "{reviewer}"}),
    Call("web:event-duplicate", "get", at(P + "/duplicate/"), CHANGE),
    Call("web:event-registrations", "get", at(P + "/registrations/"), TEAM),
    Call("web:event-registrations", "post", at(P + "/registrations/"), CHANGE,
         {"action": "approve", "id": "{pending}"}),
    Call("web:event-email", "get", at(P + "/email/"), PERSONAL),
    Call("web:event-check-in", "get", at(P + "/check-in/"), TEAM),
    Call("web:event-check-in", "post", at(P + "/check-in/"), TEAM, {"code": "{code}"}),
    Call("web:event-door-manifest", "get", at(P + "/check-in/manifest.webmanifest"), TEAM),
    Call("web:event-door-sw", "get", at(P + "/check-in/sw.js"), TEAM),
    Call("web:event-walk-in", "get", at(P + "/check-in/walk-in/"), TEAM),
    Call("web:event-walk-in", "post", at(P + "/check-in/walk-in/"), TEAM,
         {"name": "Walk In", "email": "walk.in@example.org", "consent": "1"}),
    Call("web:event-audit", "get", at(P + "/audit/"), TEAM),
    Call("web:event-attendee-list", "get", at(P + "/attendees/print/"), PERSONAL),
    Call("web:event-certificates", "get", at(P + "/certificates/"), PERSONAL),
    Call("web:event-certificates", "post", at(P + "/certificates/"), CHANGE,
         {"action": "reissue", "id": "{certificate}"}),
    # Call for abstracts
    Call("abstracts-call", "get", at(E + "/call-for-abstracts/"), ANYONE),
    Call("abstracts-call", "put", at(E + "/call-for-abstracts/"), CHANGE, {"word_limit": 5}),
    Call("abstract-list", "post", at(E + "/abstracts/"), ANYONE, {"title_en": "T"}),
    Call("abstract-list", "get", at(E + "/abstracts/"), DECIDE),
    Call("abstracts-assign", "post", at(E + "/abstracts/assign/"), CHANGE, {}),
    Call("abstracts-decisions", "post", at(E + "/abstracts/decisions/"), DECIDE,
         {"ids": [], "outcome": "reject"}),
    Call("abstract-detail", "get", at(E + "/abstracts/{abstract}/"), READ_ABSTRACT),
    Call("abstract-review", "get", at(E + "/abstracts/{abstract}/review/"), REVIEWER),
    Call("abstract-review", "put", at(E + "/abstracts/{abstract}/review/"), REVIEWER, {}),
    Call("abstract-conflict", "post", at(E + "/abstracts/{abstract}/conflict/"), REVIEWER),
    Call("abstract-assignments", "post", at(E + "/abstracts/{abstract}/assignments/"), CHANGE,
         {}),
    Call("abstract-decision", "post", at(E + "/abstracts/{abstract}/decision/"), DECIDE,
         {"outcome": "maybe"}),
    Call("abstracts-reviews", "get", at(E + "/reviews/"), REVIEWER),
    Call("abstracts-reviewer", "put", at(E + "/reviewers/{reviewer}/"), CHANGE, {}),
    Call("abstracts-book", "get", at(E + "/book-of-abstracts.pdf"), ANYONE),
    Call("abstracts-accepted-json", "get", at(E + "/accepted-abstracts.json"), ANYONE),
    Call("abstracts-accepted-csv", "get", at(E + "/accepted-abstracts.csv"), ANYONE),
    Call("abstract-mine", "get", at("/api/v1/abstracts/{abstract_token}/"), ANYONE),
    Call("abstract-mine", "patch", at("/api/v1/abstracts/{abstract_token}/"), ANYONE, {}),
    Call("abstract-mine-withdraw", "post", at("/api/v1/abstracts/{abstract_token}/withdraw/"),
         ANYONE),
    # The presenting author's answer: whoever holds the link (409 here: not accepted yet).
    Call("abstract-mine-confirm", "post", at("/api/v1/abstracts/{abstract_token}/confirm/"),
         ANYONE),
    Call("abstract-mine-decline", "post", at("/api/v1/abstracts/{abstract_token}/decline/"),
         ANYONE),
    Call("my-abstract", "get", at("/a/{abstract_token}"), ANYONE),
    Call("web:abstract-submit", "get", at("/en/events/{event}/abstracts/submit/"), ANYONE),
    Call("web:reviews", "get", at(P + "/reviews/"), REVIEWER),
    Call("web:review", "get", at(P + "/reviews/{abstract}/"), REVIEWER),
    Call("web:committee", "get", at(P + "/committee/"), DECIDE),
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
    for role in ("checkin", "reviewer", "committee", "organiser"):
        users[role] = UserFactory(username=f"{role}-role")
        TeamMembership.objects.create(event=event, user=users[role], role=role)
    users["stranger"] = UserFactory(username="stranger-role")
    users["programme"] = UserFactory(username="programme-role")
    ProgrammeStaff.objects.create(programme=programme, user=users["programme"])
    other_programme = ProgrammeFactory(code="AM/02")
    asking = EventFactory(slug="matrix-asking", owner=owner)
    TeamMembership.objects.create(event=asking, user=users["organiser"], role="organiser")
    asked = programme_requests.ask(asking, programme, user=owner)
    person = {
        "name": "An",
        "email": "an@example.org",
        "affiliation": DOOR_MUST_NOT_SEE[1],
        "country": "JP",
        "answers": {str(QuestionFactory(event=event).pk): DOOR_MUST_NOT_SEE[2]},
        "consent": True,
    }
    registration = registration_seats.register(event, person)
    event.requires_approval = True
    event.save()
    pending = registration_seats.register(event, {**person, "email": "binh@example.org"})
    delivery = Delivery.objects.filter(registration=registration).first()
    Delivery.objects.filter(pk=delivery.pk).update(state=Delivery.State.FAILED)
    rule = notification_reminders.save_rule(ReminderRule(event=event, minutes_before_start=90))
    message = notification_broadcasts.broadcast(event, actor=owner, data={"body_en": "Hi"})
    invitations.invite(event, user=owner, email="invited@example.org", role="checkin")
    invitation_url = Delivery.objects.get(to_email="invited@example.org").context["invitation_url"]
    invitation_token = invitation_url.rsplit("/", 1)[1]
    certificate = Certificate.objects.create(
        event=event, kind="attendance", registration=registration, issued_at=timezone.now()
    )
    abstract = abstract_for_matrix(event, users["reviewer"])
    return {
        "users": users,
        "event": event.slug,
        "past": past.slug,
        "programme": programme.slug,
        "programme_code": programme.code,
        "other_programme": other_programme.code,
        "programme_pk": other_programme.pk,
        "asking": asking.slug,
        "asked": asked.pk,
        "token": registration.manage_token,
        "unsubscribe": notification_rendering.unsubscribe_url(registration).rsplit("/", 1)[1],
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
        "invitation": invitation_token,
        "invitation_pk": Invitation.objects.get(email="invited@example.org").pk,
        "certificate": certificate.pk,
        "certificate_code": certificates.code_of(certificate),
        "speaker": SpeakerFactory(event=event).pk,
        "abstract": abstract.pk,
        "abstract_token": abstract.token,
        "reviewer": users["reviewer"].pk,
    }


def abstract_for_matrix(event, reviewer):
    """An open call with one abstract, assigned to the reviewer, who has reviewed it."""
    from tests.abstracts.helpers import assign, open_call, review, submit

    open_call(event)
    abstract = submit(event)
    assign(abstract, reviewer)
    review(abstract, reviewer)
    return abstract


def email_change_token(registration) -> str:
    """A confirmation link for an email change that stays valid for every role's call (the
    address it asks for is the one the registration has)."""
    from django.core import signing

    from core.emails import email_key

    asked = {"r": registration.pk, "to": registration.email, "from": email_key(registration.email)}
    return signing.dumps(asked, salt=registration_changes.EMAIL_CHANGE_SALT, compress=True)


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


# Personal details of the registrant in `ctx`: check-in staff get none of them from any
# address their role opens (the emailed manage link is the attendee's own, not theirs).
DOOR_MUST_NOT_SEE = ("an@example.org", "Matrix Institute of Privacy", "a door-secret answer")
DOOR_READS = [
    call
    for call in ACCESS
    if "checkin" in call.allowed and "stranger" not in call.allowed and call.method == "get"
]


@pytest.mark.parametrize("call", DOOR_READS, ids=[call.name for call in DOOR_READS])
def test_check_in_staff_read_no_personal_details(ctx, call):
    response = client_as("checkin", ctx).get(call.path(ctx))
    text = response.content.decode("utf-8", "replace")

    assert response.status_code == 200
    assert [secret for secret in DOOR_MUST_NOT_SEE if secret in text] == []


@pytest.mark.parametrize("role", sorted(PERSONAL))
def test_organisers_read_the_personal_details(ctx, role):
    response = client_as(role, ctx).get(f"/api/v1/events/{ctx['event']}/registrations/")

    assert all(secret in response.content.decode() for secret in DOOR_MUST_NOT_SEE)


# --- The Django admin, scoped like the API -----------------------------------------------------
# Every role as a staff account holding every model permission of our apps: the admin still
# opens a row only for the owner and organisers of its event (check-in volunteers get nothing).

ADMIN_PAGES = [
    ("/admin/events/event/{event_id}/change/", CHANGE),
    ("/admin/events/session/{session}/change/", CHANGE),
    ("/admin/events/teammembership/{member}/change/", CHANGE),
    ("/admin/registration/registration/{registration}/change/", CHANGE),
    ("/admin/registration/question/{question}/change/", CHANGE),
    ("/admin/notifications/delivery/{delivery}/change/", CHANGE),
    ("/admin/notifications/message/{message}/change/", CHANGE),
    ("/admin/notifications/reminderrule/{rule}/change/", CHANGE),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("page", "allowed"), ADMIN_PAGES, ids=[p for p, _a in ADMIN_PAGES])
def test_admin_access(ctx, page, allowed, role):
    from django.contrib.auth.models import Permission

    from events.models import Event

    client = APIClient()
    if role != "anonymous":
        user = ctx["users"][role]
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.user_permissions.set(
            Permission.objects.filter(
                content_type__app_label__in=("events", "registration", "notifications")
            )
        )
        client.force_login(user)
    path = page.format(event_id=Event.objects.get(slug=ctx["event"]).pk, **ctx)

    response = client.get(path)

    assert response.status_code < 500
    assert (response.status_code == 200) == (role in allowed), (response.status_code, role)


# --- After the event: nobody cancels, whoever asks ---------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_cancel_after_event_ended_is_refused_for_every_role(ctx, role):
    from events.models import Event
    from registration.models import Registration

    now = timezone.now()
    Event.objects.filter(slug=ctx["event"]).update(
        start=now - timezone.timedelta(days=2), end=now - timezone.timedelta(days=1)
    )
    client = client_as(role, ctx)

    by_team = client.post(at(E + "/registrations/{registration}/cancel/")(ctx), {}, format="json")
    by_link = client.post(at(R + "/cancel/")(ctx), {}, format="json")

    if role in CHANGE:
        assert by_team.status_code == 409
    else:
        assert by_team.status_code in (401, 403, 404)
    assert by_link.status_code == 409
    assert Registration.objects.get(pk=ctx["registration"]).status == "confirmed"
