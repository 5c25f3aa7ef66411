from django.contrib import admin

from events.admin_scope import LimitedChoices, TeamScopedAdmin
from events.services import record

from .models import Choice, Question, Registration, Seats


@admin.register(Registration)
class RegistrationAdmin(TeamScopedAdmin):
    list_display = ["id", "event", "name", "email", "status", "participant_type", "checked_in_at"]
    list_filter = ["status", "participant_type"]
    search_fields = ["name", "email", "affiliation", "ticket_code"]
    # Status and seats change only through the services (the API), which keep the counts right.
    readonly_fields = [
        "status",
        "held_choices",
        "manage_token",
        "ticket_code",
        "consent_at",
        "consent_notice_version",
        "checked_in_at",
        "erased_at",
        "public_listing",  # the attendee's consent alone (manage link)
    ]
    raw_id_fields = ["event"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Audited like the API's changes: which fields, never their (personal) values.
        record(
            obj.event,
            request.user,
            "registration.updated",
            registration=obj.pk,
            fields=list(form.changed_data),
            via="admin",
        )


class ChoiceInline(LimitedChoices, admin.TabularInline):
    model = Choice
    extra = 0
    readonly_fields = ["taken"]


@admin.register(Question)
class QuestionAdmin(TeamScopedAdmin):
    list_display = ["label", "event", "kind", "required"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(TeamScopedAdmin):
    event_path = "question__event"
    list_display = ["label", "question", "capacity", "taken"]
    readonly_fields = ["taken"]


@admin.register(Seats)
class SeatsAdmin(TeamScopedAdmin):
    list_display = ["event", "capacity", "taken"]
    readonly_fields = ["capacity", "taken"]
