"""API tokens: issued at sign-in, stored hashed (django-rest-knox), expiring, revocable.

Clients send `Authorization: Token <token>` as before. The database keeps only a digest of
each token (knox hashes it), so a leaked database or backup hands out no working token; each
token expires API_TOKEN_TTL_HOURS after it was issued, and its owner can revoke it, or all of
theirs, at any time.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .api import InvalidInputSerializer
from .ratelimit import guard_sign_in

TokenIssued = inline_serializer(
    "TokenIssued",
    {
        "token": serializers.CharField(),
        "expiry": serializers.DateTimeField(allow_null=True),
    },
)


def token_ttl() -> timedelta | None:
    hours = getattr(settings, "API_TOKEN_TTL_HOURS", 720)
    return timedelta(hours=hours) if hours else None


def issue_token(user) -> tuple[str, AuthToken]:
    """A new token for `user`: the clear text (shown once) and its stored, hashed record."""
    instance, token = AuthToken.objects.create(user=user, expiry=token_ttl())
    return token, instance


class ObtainToken(APIView):
    """POST /api/v1/auth/token/: a new token for a username and password, refused (429)
    after too many wrong passwords (core/ratelimit.py)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenIssued}, auth=[])
    def post(self, request, *args, **kwargs):
        data = request.data if hasattr(request.data, "get") else {}
        guard_sign_in(request, data.get("username", ""))
        body = AuthTokenSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        user = body.validated_data["user"]
        token, instance = issue_token(user)
        user_logged_in.send(sender=user.__class__, request=request, user=user)
        expiry = instance.expiry.isoformat() if instance.expiry else None
        return Response({"token": token, "expiry": expiry})


class RevokeToken(APIView):
    """POST /api/v1/auth/token/revoke/: the token this request carries stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None, 400: InvalidInputSerializer})
    def post(self, request, *args, **kwargs):
        if not isinstance(request.auth, AuthToken):
            raise ValidationError(
                {"detail": _("Send the token to revoke as “Authorization: Token <token>”.")}
            )
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllTokens(APIView):
    """POST /api/v1/auth/token/revoke-all/: every token of this user stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        AuthToken.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
