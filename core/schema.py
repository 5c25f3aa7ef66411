"""OpenAPI defaults: every operation documents the error answers it can give, as JSON."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import IsAuthenticated

from .api import ErrorSerializer, InvalidInputSerializer


class AutoSchema(SpectacularAutoSchema):
    """Documents the error answers every operation can give, so clients see them all."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        extra = {}
        if method in {"POST", "PUT", "PATCH"}:
            extra["400"] = OpenApiResponse(InvalidInputSerializer, description="Invalid input.")
        if method != "GET" or self._is_authenticated_only():
            extra["401"] = OpenApiResponse(ErrorSerializer, description="Not signed in.")
            extra["403"] = OpenApiResponse(ErrorSerializer, description="Not allowed.")
        if method == "GET" and self._is_list_view() and self._has_filters():
            extra["400"] = OpenApiResponse(InvalidInputSerializer, description="Invalid filter.")
        if "{" in self.path or "slug" in self.path:
            extra["404"] = OpenApiResponse(ErrorSerializer, description="Not found.")
        elif method == "GET" and self._is_list_view() and self._get_paginator():
            extra["404"] = OpenApiResponse(ErrorSerializer, description="No such page.")
        elif self._get_format_parameters():
            extra["404"] = OpenApiResponse(ErrorSerializer, description="Unknown format.")
        if method in {"POST", "PUT", "PATCH"} and self.get_request_serializer() is not None:
            extra["415"] = OpenApiResponse(
                ErrorSerializer, description="Unsupported media type: send JSON."
            )
        if method in {"POST", "PATCH", "PUT", "DELETE"}:
            extra["409"] = OpenApiResponse(
                ErrorSerializer, description="Conflicts with the current state (see detail)."
            )
        if self._is_rate_limited():
            extra["429"] = OpenApiResponse(
                ErrorSerializer,
                description="Too many attempts (see core/ratelimit.py); "
                "`Retry-After` says how many seconds to wait.",
            )
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        for code, response in responses.items():
            if code.startswith("4"):
                self._as_json_error(code, response, direction)
            self._drop_any_type(response)
        return responses

    def _as_json_error(self, code: str, response: dict, direction: str) -> None:
        """Errors are JSON whatever the operation answers on success (a file, say); one
        documented without a body gets the error schema it is sent with."""
        content = response.get("content") or {}
        if "application/json" not in content:
            serializer = InvalidInputSerializer if code == "400" else ErrorSerializer
            body = self._get_response_for_code(
                serializer, code, ["application/json"], direction=direction
            )
            content = body["content"]
        response["content"] = {"application/json": content["application/json"]}

    @staticmethod
    def _drop_any_type(response: dict) -> None:
        """`*/*` (core.renderers.FileRenderer, which only spares clients a 406) is not a
        type any answer has: leave it out where the real type is documented."""
        content = response.get("content") or {}
        if "*/*" in content and len(content) > 1:
            del content["*/*"]

    # Operations core.ratelimit may refuse: registering, asking for the link again, the door,
    # signing in for a token, and anything addressed by a manage-link token.
    RATE_LIMITED_PATHS = (
        "/registrations/resend-link/",
        "/check-ins/",
        "/api/v1/auth/token/",
        "/api/v1/registrations/{token}/",
    )

    def _is_rate_limited(self) -> bool:
        if self.path.endswith("/registrations/") and self.method.upper() == "POST":
            return True
        return any(fragment in self.path for fragment in self.RATE_LIMITED_PATHS)

    def _has_filters(self) -> bool:
        """Whether the query has filters that can be invalid (ordering never is)."""
        return any(p["name"] != "ordering" for p in self._get_filter_parameters())

    def _get_format_parameters(self):
        """No `?format=` where the view does not choose its renderer by it (see
        core.renderers.NoFormatOverride)."""
        negotiation = getattr(self.view, "content_negotiation_class", None)
        if getattr(getattr(negotiation, "settings", None), "URL_FORMAT_OVERRIDE", True) is None:
            return []
        return super()._get_format_parameters()

    def _is_authenticated_only(self) -> bool:
        return any(isinstance(p, IsAuthenticated) for p in self.view.get_permissions())


def file_download(media_type: str, description: str) -> dict:
    """`responses=` for an operation answering a file, under its real type, so that generated
    clients hand it over instead of parsing JSON: text files (iCalendar, CSV) as a string,
    which clients decode as text; the others (PNG, PDF, XLSX) as binary, bytes as sent."""
    body = OpenApiTypes.STR if media_type.startswith("text/") else OpenApiTypes.BINARY
    return {(200, media_type): OpenApiResponse(body, description=description)}
