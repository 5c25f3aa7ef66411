from django.contrib import admin

from . import services
from .access import is_owner
from .admin_scope import OWNER_ONLY, LimitedChoices, TeamScopedAdmin
from .agenda_models import Session, Speaker
from .models import AuditLogEntry, Event, FieldOfScience, Organisation, Programme, TeamMembership
from .programme_models import ProgrammeRequest, ProgrammeStaff, ProgrammeTarget


@admin.register(FieldOfScience)
class FieldOfScienceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_vi", "parent"]
    search_fields = ["code", "name_en", "name_vi"]


class ProgrammeTargetInline(admin.TabularInline):
    model = ProgrammeTarget
    extra = 0


class ProgrammeStaffInline(admin.TabularInline):
    model = ProgrammeStaff
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "title_vi", "first_year", "last_year"]
    search_fields = ["code", "title_en", "title_vi"]
    inlines = [ProgrammeTargetInline, ProgrammeStaffInline]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "website"]
    search_fields = ["name"]


class TeamInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    autocomplete_fields = ["user"]

    # As in the API, only the owner (or a superuser) changes the team.
    def _owner(self, request, obj) -> bool:
        return obj is None or is_owner(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._owner(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owner(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owner(request, obj)


class SessionInline(LimitedChoices, admin.StackedInline):
    model = Session
    extra = 0
    filter_horizontal = ["speakers"]


@admin.register(Event)
class EventAdmin(TeamScopedAdmin):
    list_display = ["slug", "title", "kind", "scope", "start", "venue_city", "status"]
    list_filter = ["status", "kind", "scope", "format", "fields"]
    search_fields = ["slug", "title_en", "title_vi", "venue_city"]
    date_hierarchy = "start"
    filter_horizontal = ["fields", "partners"]
    autocomplete_fields = ["host", "programme"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [TeamInline, SessionInline]
    event_path = ""

    def save_model(self, request, obj, form, change):
        services.index_for_search(obj)
        super().save_model(request, obj, form, change)
        services.record(
            obj, request.user, "event.updated" if change else "event.created", via="admin"
        )


@admin.register(Speaker)
class SpeakerAdmin(TeamScopedAdmin):
    list_display = ["name", "affiliation", "event"]
    search_fields = ["name", "affiliation"]


@admin.register(Session)
class SessionAdmin(TeamScopedAdmin):
    list_display = ["title", "event", "start", "room"]
    filter_horizontal = ["speakers"]


@admin.register(TeamMembership)
class TeamMembershipAdmin(TeamScopedAdmin):
    list_display = ["event", "user", "role"]
    change_roles = OWNER_ONLY
    list_filter = ["role"]
    autocomplete_fields = ["user", "event"]


@admin.register(ProgrammeRequest)
class ProgrammeRequestAdmin(admin.ModelAdmin):
    """Read-only: requests are answered on the programme page, where the answer is audited."""

    list_display = ["event", "programme", "state", "requested_by", "decided_by", "created_at"]
    list_filter = ["state", "programme"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(TeamScopedAdmin):
    list_display = ["created_at", "event_slug", "actor", "action"]
    list_filter = ["action"]
    search_fields = ["event_slug", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
