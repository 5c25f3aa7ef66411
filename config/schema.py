"""OpenAPI defaults: every operation documents the error answers it can give."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework.permissions import IsAuthenticated

from .api import ErrorSerializer


class AutoSchema(SpectacularAutoSchema):
    """Documents the error answers every operation can give, so clients see them all."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        method = self.method.upper()
        extra = {}
        if method in {"POST", "PUT", "PATCH"}:
            extra["400"] = OpenApiResponse(ErrorSerializer, description="Invalid input.")
        if method != "GET" or self._is_authenticated_only():
            extra["401"] = OpenApiResponse(ErrorSerializer, description="Not signed in.")
            extra["403"] = OpenApiResponse(ErrorSerializer, description="Not allowed.")
        if "{" in self.path or "slug" in self.path:
            extra["404"] = OpenApiResponse(ErrorSerializer, description="Not found.")
        if method in {"POST", "PATCH", "PUT", "DELETE"}:
            extra["409"] = OpenApiResponse(
                ErrorSerializer, description="Conflicts with the current state (see detail)."
            )
        for code, response in extra.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def _is_authenticated_only(self) -> bool:
        return any(isinstance(p, IsAuthenticated) for p in self.view.get_permissions())
