"""Inviting people to an event's team by email, with their role.

Inviting answers the same whatever the address: whether an account exists for it is never
told to the owner (no account-existence oracle); only the person who opens the emailed link
learns what they need (sign in, or choose a username and password).

The link's token is 256 random bits; only its SHA-256 is stored. It works once, for
INVITATION_DAYS days, while the invitation is pending (the owner may withdraw it).
"""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from core.emails import email_key
from core.exceptions import Conflict, NotFound

from .models import Event, Invitation, TeamMembership
from .services import record
from .signals import team_invited

INVITATION_DAYS = 7
LANGUAGES = ("en", "vi")
GIVEN_ROLES = (
    TeamMembership.Role.ORGANISER,
    TeamMembership.Role.CHECKIN,
    TeamMembership.Role.REVIEWER,
    TeamMembership.Role.COMMITTEE,
)


class InvitationGone(Exception):
    """The link was real but no longer works: accepted, withdrawn or past its time."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite(event: Event, *, user: AbstractBaseUser, email: str, role: str) -> Invitation:
    """Send one invitation to this address. An invitation still pending for the same address
    is replaced (the owner is sending it again), so there is one pending per address."""
    if role not in GIVEN_ROLES:
        raise ValidationError({"role": [_("An event has exactly one owner.")]})
    key = email_key(email)
    now = timezone.now()
    for earlier in Invitation.objects.select_for_update().filter(
        event=event, email_key=key, state=Invitation.State.PENDING
    ):
        earlier.state = (
            Invitation.State.EXPIRED if earlier.is_expired else Invitation.State.WITHDRAWN
        )
        earlier.decided_at = now
        earlier.save(update_fields=["state", "decided_at"])
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        event=event,
        email=email.strip(),
        email_key=key,
        role=role,
        token_hash=_hash(token),
        invited_by=user,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    record(event, user, "team.invited", email=invitation.email, role=role)
    team_invited.send(sender=Invitation, invitation=invitation, token=token)
    return invitation


def pending(event: Event):
    """The invitations the owner may still withdraw, newest first."""
    return Invitation.objects.filter(
        event=event, state=Invitation.State.PENDING, expires_at__gt=timezone.now()
    ).select_related("invited_by")


@transaction.atomic
def withdraw(invitation: Invitation, *, user: AbstractBaseUser) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise Conflict(_("This invitation is no longer pending."), "invitation_not_pending")
    invitation.state = Invitation.State.WITHDRAWN
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["state", "decided_at"])
    record(
        invitation.event,
        user,
        "team.invitation_withdrawn",
        email=invitation.email,
        role=invitation.role,
    )
    return invitation


def find(token: str) -> Invitation:
    """The invitation this link names. NotFound for a link never sent; InvitationGone for
    one already used, withdrawn or past its time."""
    invitation = (
        Invitation.objects.select_related("event").filter(token_hash=_hash(token or "")).first()
    )
    if invitation is None:
        raise NotFound(_("This invitation link is not valid."))
    if not invitation.is_open:
        raise InvitationGone()
    return invitation


def account_exists(invitation: Invitation) -> bool:
    """Told only to whoever holds the link: whether to sign in or to create an account."""
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(
        Q(email__iexact=invitation.email) | Q(email__iexact=invitation.email_key)
    ).exists()


@transaction.atomic
def accept(invitation: Invitation, *, user: AbstractBaseUser, language: str = "") -> TeamMembership:
    """The signed-in person joins the team with the invitation's role. Someone already on
    the team keeps their role (the owner stays the owner). `language`, the one of the page
    they accepted on, is the language of the emails their team work brings them."""
    invitation = (
        Invitation.objects.select_for_update().select_related("event").get(pk=invitation.pk)
    )
    if not invitation.is_open:
        raise InvitationGone()
    membership, created = TeamMembership.objects.get_or_create(
        event=invitation.event, user=user, defaults={"role": invitation.role}
    )
    if language in LANGUAGES and membership.language != language:
        membership.language = language
        membership.save(update_fields=["language"])
    invitation.state = Invitation.State.ACCEPTED
    invitation.accepted_by = user
    invitation.decided_at = timezone.now()
    invitation.save(update_fields=["state", "accepted_by", "decided_at"])
    record(
        invitation.event,
        user,
        "team.invitation_accepted",
        member=user.get_username(),
        role=membership.role,
    )
    return membership


def accept_with_new_account(
    invitation: Invitation, *, username: str, password: str, language: str = ""
) -> tuple[AbstractBaseUser, TeamMembership]:
    """Nobody has an account for the invited address: create one with it, then accept."""
    users = get_user_model()
    username = (username or "").strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Choose a username.")]
    elif users.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken: choose another.")]
    candidate = users(username=username, email=invitation.email)
    try:
        password_validation.validate_password(password or "", candidate)
    except DjangoValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    if account_exists(invitation):
        raise Conflict(
            _("An account already uses this address: sign in to accept."), "account_exists"
        )
    try:
        with transaction.atomic():
            user = users.objects.create_user(
                username=username, email=invitation.email, password=password
            )
            membership = accept(invitation, user=user, language=language)
    except IntegrityError as exc:
        taken = _("This username is taken: choose another.")
        raise ValidationError({"username": [taken]}) from exc
    return user, membership
