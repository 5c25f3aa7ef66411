"""API tokens: issued at sign-in, stored hashed (django-rest-knox), expiring, revocable.

Clients send `Authorization: Token <token>` as before. The database keeps only a digest of
each token (knox hashes it), so a leaked database or backup hands out no working token; each
token expires API_TOKEN_TTL_HOURS after it was issued, and its owner can revoke it, or all of
theirs, at any time.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from knox.models import AuthToken
from rest_framework.authtoken.serializers import AuthTokenSerializer

from .ratelimit import guard_sign_in


def token_ttl() -> timedelta | None:
    hours = getattr(settings, "API_TOKEN_TTL_HOURS", 720)
    return timedelta(hours=hours) if hours else None


def issue_token(user) -> tuple[str, AuthToken]:
    """A new token for `user`: the clear text (shown once) and its stored, hashed record."""
    instance, token = AuthToken.objects.create(user=user, expiry=token_ttl())
    return token, instance


def sign_in_for_token(request, data) -> tuple[str, AuthToken]:
    """Signing in for an API token: refused (429) after too many wrong passwords for the
    username or the address (core/ratelimit.py), 400 for wrong credentials."""
    fields = data if hasattr(data, "get") else {}
    guard_sign_in(request, fields.get("username", ""))
    body = AuthTokenSerializer(data=data, context={"request": request})
    body.is_valid(raise_exception=True)
    user = body.validated_data["user"]
    token, instance = issue_token(user)
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return token, instance


def revoke_token(token: AuthToken) -> None:
    token.delete()


def revoke_all_tokens(user) -> None:
    AuthToken.objects.filter(user=user).delete()
