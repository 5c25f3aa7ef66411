"""Self-service changes through the manage link: one's details, answers and a new address
(confirmed by email)."""

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import email_key
from core.exceptions import Conflict, NotFound
from events.services import record

from .answers import clean_answers, held_choice_ids
from .eligibility import check_participant_type
from .models import (
    Registration,
)
from .questions import questions_of
from .seats import _duplicate, release_choices, take_choices
from .signals import (
    email_change_requested,
)

# --- Changing and leaving -------------------------------------------------------------------

AUDITED_FIELDS = (
    *("name", "email", "affiliation", "country", "language", "participant_type"),
    "answers",
    "public_listing",
)


# Only the person decides whether their name is on the public list (consent): organisers
# never set it, through any channel.
ATTENDEE_ONLY_FIELDS = ("public_listing",)


@transaction.atomic
def update_registration(
    registration: Registration, data: dict[str, Any], *, by_attendee: bool, actor=None
) -> Registration:
    """Change contact details and answers. Attendees may do so until registration closes.

    An organiser's change (by_attendee=False) is written to the audit log with the names of
    the fields it changed, never their values (they are personal data)."""
    if not by_attendee:
        refused = [name for name in ATTENDEE_ONLY_FIELDS if name in data]
        if refused:
            raise ValidationError(
                {name: [_("Only the attendee can change this.")] for name in refused}
            )
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .get(pk=registration.pk)
    )
    event = registration.event
    before = {name: getattr(registration, name) for name in AUDITED_FIELDS}
    if by_attendee and timezone.now() >= (event.registration_closes or event.end):
        raise Conflict(_("Registration has closed: changes are no longer possible."), "closed")
    if not registration.is_active and by_attendee:
        raise Conflict(_("This registration is no longer active."), "not_active")
    if "participant_type" in data:
        check_participant_type(event, data["participant_type"])
    new_email = None
    if by_attendee and email_key(data.get("email") or registration.email) != email_key(
        registration.email
    ):
        # Another mailbox: the change takes effect only once confirmed from that mailbox.
        new_email = data["email"].strip()
        data = {name: value for name, value in data.items() if name != "email"}
    if "answers" in data:
        questions = questions_of(event)
        answers = clean_answers(questions, data["answers"])
        new_choices = held_choice_ids(questions, answers)
        if registration.is_active:
            release_choices([c for c in registration.held_choices if c not in new_choices])
            take_choices([c for c in new_choices if c not in registration.held_choices])
            registration.held_choices = new_choices
        registration.answers = answers
    for name in ("name", "email", "affiliation", "country", "language", "participant_type"):
        if name in data:
            value = data[name].strip() if isinstance(data[name], str) else data[name]
            setattr(registration, name, value.upper() if name == "country" else value)
    if "public_listing" in data:
        registration.public_listing = bool(data["public_listing"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        if _duplicate(exc):
            raise Conflict(
                _("Another registration for this event already uses this email address."),
                "already_registered",
            ) from None
        raise
    changed = [name for name in AUDITED_FIELDS if getattr(registration, name) != before[name]]
    if not by_attendee and changed:
        record(event, actor, "registration.updated", registration=registration.pk, fields=changed)
    if new_email:
        request_email_change(registration, new_email)
    return registration


EMAIL_CHANGE_SALT = "registration.email_change"
EMAIL_CHANGE_MAX_AGE = 2 * 24 * 3600  # seconds a confirmation link works


def request_email_change(registration: Registration, new_email: str) -> None:
    """Email the new address a link that makes the change; nothing changes until it is
    opened, and the answer is the same whether or not that address is registered already."""
    token = signing.dumps(
        {"r": registration.pk, "to": new_email, "from": email_key(registration.email)},
        salt=EMAIL_CHANGE_SALT,
        compress=True,
    )
    email_change_requested.send(
        sender=Registration, registration=registration, new_email=new_email, token=token
    )


@transaction.atomic
def confirm_email_change(token: str) -> tuple[Registration, bool]:
    """Apply a confirmed email change. (registration, False) when the new address has been
    registered for the event meanwhile: only whoever opened the link (its owner) is told."""
    try:
        asked = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature:
        raise NotFound(_("This link is not valid any more.")) from None
    registration = (
        Registration.objects.select_for_update(of=("self",), no_key=True)
        .select_related("event")
        .filter(pk=asked["r"], erased_at__isnull=True)
        .first()
    )
    # Used already, or the address changed since: the link is spent.
    if registration is None or email_key(registration.email) != asked["from"]:
        raise NotFound(_("This link is not valid any more."))
    registration.email = asked["to"]
    try:
        with transaction.atomic():
            registration.save(update_fields=["email", "updated_at"])
    except IntegrityError as exc:
        if _duplicate(exc):
            registration.refresh_from_db()
            return registration, False
        raise
    return registration, True
