"""DRF permission classes, thin wrappers around ``events.access``."""

from rest_framework import permissions

from . import access


class EventPermission(permissions.BasePermission):
    """Anyone reads what they can see; the team changes; only the owner deletes."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, event) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            return access.is_owner(request.user, event)
        return access.can_change(request.user, event)


class EventTeamPermission(permissions.BasePermission):
    """For endpoints nested under an event: `view.access_rule(request)` names the rule of
    events.access that applies ("public" for anyone who can see the event)."""

    def has_permission(self, request, view) -> bool:
        rule = view.access_rule(request)
        if rule == "public":
            return True
        if not (request.user and request.user.is_authenticated):
            return False
        return getattr(access, rule)(request.user, view.event)
