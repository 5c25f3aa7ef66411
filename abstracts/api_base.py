"""What every call-for-abstracts endpoint under /events/{slug}/ shares: the event (404 if the
caller cannot see it) and the role check (401 signed out, 403 without the role)."""

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from events import access as event_access
from events.models import Event

from . import access

RULES: dict[str, Callable] = {
    "public": lambda user, event: True,
    "manage": access.can_manage,
    "decide": access.can_decide,
    "review": access.is_reviewer,
    # Reviewers, and the organisers and committee (who see everything anyway).
    "read": lambda user, event: access.is_reviewer(user, event) or access.can_decide(user, event),
}


class EventAbstractsView(APIView):
    permission_classes = [AllowAny]  # the rule of each method is checked in `initial`
    rules: dict[str, str] = {}

    @property
    def event(self) -> Event:
        if not hasattr(self, "_event"):
            self._event = get_object_or_404(
                event_access.visible_events(self.request.user), slug=self.kwargs["event_slug"]
            )
        return self._event

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if getattr(self, "swagger_fake_view", False):
            return
        rule = self.rules.get(request.method, self.rules.get("*", "manage"))
        if rule == "public":
            self.event  # noqa: B018  (404 for an event the caller cannot see)
            return
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        if not RULES[rule](request.user, self.event):
            raise exceptions.PermissionDenied()
