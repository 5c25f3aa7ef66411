"""The Django admin, scoped like the API: staff who are not superusers see and change only
the rows of the events they run (owner or organiser). Check-in volunteers get nothing here:
the door page shows them what the door needs, the admin would show everything."""

from django.contrib import admin
from django.db.models import QuerySet

from .access import CHANGE_ROLES, Role, events_run_by
from .models import Event

OWNER_ONLY = {Role.OWNER}


def _limited(model, user, roles) -> QuerySet | None:
    """The rows of `model` a form may point at: those of the user's events (None: any)."""
    if model is Event:
        return events_run_by(user, roles)
    if any(field.name == "event" for field in model._meta.get_fields()):
        return model._default_manager.filter(event__in=events_run_by(user, roles))
    return None


class LimitedChoices:
    """Foreign keys and many-to-many fields offer only rows of the user's events."""

    change_roles = CHANGE_ROLES

    def _narrow(self, db_field, request, kwargs):
        if not request.user.is_superuser:
            rows = _limited(db_field.related_model, request.user, self.change_roles)
            if rows is not None:
                kwargs["queryset"] = rows
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._narrow(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._narrow(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class TeamScopedAdmin(LimitedChoices, admin.ModelAdmin):
    """Rows reached through `event_path` ("" for the event itself): seen by the event's owner
    and organisers, changed and deleted by those of `change_roles`; superusers see all."""

    event_path = "event"

    def _lookup(self) -> str:
        return f"{self.event_path}__in" if self.event_path else "pk__in"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(**{self._lookup(): events_run_by(request.user)})

    def _runs(self, request, obj, roles) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        rows = type(obj)._default_manager.filter(pk=obj.pk)
        return rows.filter(**{self._lookup(): events_run_by(request.user, roles)}).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._runs(request, obj, CHANGE_ROLES)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._runs(
            request, obj, self.change_roles
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._runs(
            request, obj, self.change_roles
        )
