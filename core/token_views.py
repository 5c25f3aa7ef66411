"""The API token endpoints (core/tokens.py holds what they do)."""

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
from .tokens import revoke_all_tokens, revoke_token, sign_in_for_token

TokenIssued = inline_serializer(
    "TokenIssued",
    {
        "token": serializers.CharField(),
        "expiry": serializers.DateTimeField(allow_null=True),
    },
)


class ObtainToken(APIView):
    """POST /api/v1/auth/token/: a new token for a username and password, refused (429)
    after too many wrong passwords (core/ratelimit.py)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: TokenIssued}, auth=[])
    def post(self, request, *args, **kwargs):
        token, instance = sign_in_for_token(request, request.data)
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
        revoke_token(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RevokeAllTokens(APIView):
    """POST /api/v1/auth/token/revoke-all/: every token of this user stops working."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, *args, **kwargs):
        revoke_all_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
