"""Turning a Delivery into the email it stands for, in the person's language (through the
one email writer, mime.py)."""

import functools
import re
from html import escape
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from events import dates
from events.ical import build_calendar
from events.models import Event
from registration.models import Registration

from .mime import WrittenEmail
from .models import Delivery, Message

Kind = Delivery.Kind


# Emails of the call for abstracts, to people who need not be registrants (abstract_emails).
ABSTRACT_KINDS = (
    Kind.ABSTRACT_SUBMITTED,
    Kind.ABSTRACT_LISTED,
    Kind.ABSTRACT_DECIDED,
    Kind.REVIEW_REMINDER,
)
TICKET_KINDS = {Kind.CONFIRMED, Kind.PROMOTED, Kind.APPROVED}
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- Rendering ------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name}-style placeholders; unknown ones stay as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def unsubscribe_url(registration: Registration) -> str:
    # signing.dumps(pk, salt=UNSUBSCRIBE_SALT), with its signer made once per key, not per email
    token = _unsubscribe_signer(settings.SECRET_KEY).sign_object(registration.pk)
    return f"{settings.SITE_URL}/u/{token}"


@functools.lru_cache(maxsize=2)
def _unsubscribe_signer(secret_key: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(key=secret_key, salt=UNSUBSCRIBE_SALT)


def registration_for_unsubscribe(token: str) -> Registration | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Registration.objects.filter(pk=pk).first()


def _context(delivery: Delivery, registration: Registration, event: Event) -> dict[str, Any]:
    start, end = event.local(event.start), event.local(event.end)
    confirmed = registration.status == Registration.Status.CONFIRMED
    venue = ", ".join(p for p in (event.venue_name, event.venue_address, event.venue_city) if p)
    return {
        "kind": delivery.kind,
        "language": delivery.language,
        "registration": registration,
        "status": registration.status,
        "name": delivery.context.get("name") or registration.name,
        "event": event,
        # Text as written, a plain string: `{{ event.title }}` on a string would be str.title().
        "title": event.title,
        "start": start,
        "end": end,
        "venue": venue,
        "reason": delivery.context.get("reason", ""),
        "position": delivery.context.get("position"),
        "join_url": event.online_url if confirmed else "",
        "manage_url": f"{settings.SITE_URL}/r/{registration.manage_token}",
        "confirm_url": delivery.context.get("confirm_url", ""),
        "site_url": settings.SITE_URL,
        "erased": delivery.kind == Kind.ERASED,
    }


SUBJECTS = {
    Kind.CONFIRMED: lambda: _("Your registration for %(event)s is confirmed"),
    Kind.WAITLISTED: lambda: _("You are on the waiting list for %(event)s"),
    Kind.PROMOTED: lambda: _("A seat is yours: %(event)s"),
    Kind.PENDING: lambda: _("Your registration for %(event)s is waiting for approval"),
    Kind.APPROVED: lambda: _("Your registration for %(event)s is approved"),
    Kind.REJECTED: lambda: _("Your registration for %(event)s was not accepted"),
    Kind.CANCELLED: lambda: _("Your registration for %(event)s is cancelled"),
    Kind.ERASED: lambda: _("Your personal data for %(event)s has been erased"),
    Kind.MANAGE_LINK: lambda: _("Your link to manage your registration for %(event)s"),
    Kind.EMAIL_CHANGE: lambda: _("Confirm your email address for %(event)s"),
}
MESSAGE_SUBJECTS = {
    Message.Kind.REMINDER: lambda: _("Reminder: %(event)s starts on %(start)s"),
    Message.Kind.EVENT_CHANGED: lambda: _("Changed: %(event)s"),
    Message.Kind.EVENT_CANCELLED: lambda: _("Cancelled: %(event)s"),
    Message.Kind.BROADCAST: lambda: _("News from %(event)s"),
}


def render(delivery: Delivery) -> EmailMultiAlternatives:
    if delivery.kind in ABSTRACT_KINDS:
        from .abstract_emails import render_abstract_email

        return render_abstract_email(delivery)
    if delivery.kind == Kind.RETENTION_WARNING:
        return _render_retention_warning(delivery)
    if delivery.kind == Kind.TEAM_INVITATION:
        return _render_team_invitation(delivery)
    if delivery.kind == Kind.CERTIFICATE:
        from .certificates import render_certificate_email

        return render_certificate_email(delivery)
    registration = delivery.registration
    event = registration.event
    if delivery.kind == Kind.MESSAGE:
        return _render_message(delivery, registration, event)
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        context = _context(delivery, registration, event)
        subject = SUBJECTS[delivery.kind]() % {"event": event.title}
        text = render_to_string("notifications/email/registration.txt", context)
        html = render_to_string("notifications/email/registration.html", context)
    email = written_email(delivery, subject, text, html)
    if delivery.kind in TICKET_KINDS and registration.status == Registration.Status.CONFIRMED:
        from registration.tickets import qr_png

        email.attach(f"ticket-{registration.ticket_code}.png", qr_png(registration), "image/png")
        calendar = build_calendar(
            [event], site_url=settings.SITE_URL, name=context["title"], language=delivery.language
        )
        email.attach(f"{event.slug}.ics", calendar, "text/calendar")
    return email


def written_email(
    delivery: Delivery, subject: str, text: str, html: str, headers: dict[str, str] | None = None
) -> WrittenEmail:
    """A one-off email to the delivery's address: subject on one line (no header injection
    through titles), text and HTML parts, in the delivery's language."""
    email = WrittenEmail(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.to_email],
        headers=headers,
        language=delivery.language,
    )
    email.attach_alternative(html, "text/html")
    return email


def _render_retention_warning(delivery: Delivery) -> EmailMultiAlternatives:
    event = delivery.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        erase_on = event.local(parse_datetime(delivery.context["erase_on"]))
        context = {
            "language": delivery.language,
            "event": event,
            "title": event.title,
            "start": event.local(event.start),
            "end": event.local(event.end),
            "erase_on": erase_on,
            "registrations_url": settings.SITE_URL
            + reverse("web:event-registrations", args=[event.slug]),
            "site_url": settings.SITE_URL,
        }
        subject = _("Personal data of %(event)s will be erased on %(date)s") % {
            "event": event.title,
            "date": dates.day(erase_on),
        }
        text = render_to_string("notifications/email/retention_warning.txt", context)
        html = render_to_string("notifications/email/retention_warning.html", context)
    return written_email(delivery, subject, text, html)


def _render_team_invitation(delivery: Delivery) -> EmailMultiAlternatives:
    from events.models import TeamMembership

    event = delivery.event
    with translation.override(delivery.language), timezone.override(event.tzinfo):
        expires_at = event.local(parse_datetime(delivery.context["expires_at"]))
        context = {
            "language": delivery.language,
            "event": event,
            "title": event.title,
            "start": event.local(event.start),
            "end": event.local(event.end),
            "role": str(TeamMembership.Role(delivery.context["role"]).label),
            "invited_by": delivery.context.get("invited_by", ""),
            "invitation_url": delivery.context["invitation_url"],
            "expires_at": expires_at,
            "site_url": settings.SITE_URL,
        }
        subject = _("You are invited to the team of %(event)s") % {"event": event.title}
        text = render_to_string("notifications/email/team_invitation.txt", context)
        html = render_to_string("notifications/email/team_invitation.html", context)
    return written_email(delivery, subject, text, html)


# A message says the same to everyone but for a few personal fields: it is rendered once per
# language and registration status, with markers where those fields go, then filled per person.
PERSONAL_FIELDS = ("name", "manage_url", "unsubscribe_url")
_rendered: dict[tuple[int, str, str], tuple[str, str, str]] = {}


def _marker(field: str) -> str:
    return f"\ue000{field}\ue000"  # a private-use character: never in real text


def _render_message(
    delivery: Delivery, registration: Registration, event: Event
) -> EmailMultiAlternatives:
    """A reminder, news or a notice: the message's shared text, rendered on the first email of
    each language and status, with this person's fields filled in."""
    key = (delivery.message_id, delivery.language, registration.status)
    shared = _rendered.get(key)
    if shared is None:
        with translation.override(delivery.language), timezone.override(event.tzinfo):
            shared = _render_shared(delivery, _context(delivery, registration, event))
        if len(_rendered) > 256:
            _rendered.clear()
        _rendered[key] = shared
    unsubscribe = unsubscribe_url(registration)
    personal = {
        "name": delivery.context.get("name") or registration.name,
        "manage_url": f"{settings.SITE_URL}/r/{registration.manage_token}",
        "unsubscribe_url": unsubscribe,
    }
    subject, text, html = shared
    for field, value in personal.items():
        subject = subject.replace(_marker(field), value)
        text = text.replace(_marker(field), value)
        html = html.replace(_marker(field), escape(value))
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return written_email(delivery, subject, text, html, headers)


def _render_shared(delivery: Delivery, context: dict[str, Any]) -> tuple[str, str, str]:
    """Subject, text and HTML with markers where the personal fields go."""
    shared = {**context, **{field: _marker(field) for field in PERSONAL_FIELDS}}
    subject, shared["text"] = _message_parts(delivery.message, shared, delivery.language)
    text = render_to_string("notifications/email/message.txt", shared)
    html = render_to_string("notifications/email/message.html", shared)
    return subject, text, html


def _message_parts(message: Message, context: dict[str, Any], language: str) -> tuple[str, str]:
    values = {
        "name": context["name"],
        "event": context["event"].title,
        "start": dates.when(context["start"]),
        "venue": context["venue"],
        "join_link": context["join_url"],
        "manage_link": context["manage_url"],
    }
    # Placeholders are filled in what organisers wrote, never in titles or names: those
    # appear exactly as written.
    subject = message.subject(language)
    subject = fill(subject, values) if subject else MESSAGE_SUBJECTS[message.kind]() % values
    body = message.body(language)
    if body:
        return subject, fill(body, values)
    # The default text: plain strings only, so no template lookup reaches a str method.
    plain = {key: values[key] for key in ("name", "start", "venue")}
    plain |= {"title": values["event"], "status": context["status"]}
    body = render_to_string(f"notifications/email/{message.kind}.txt", plain)
    # A plain str, not the SafeString the template engine returns: the HTML escapes it once.
    return subject, "".join([body])
