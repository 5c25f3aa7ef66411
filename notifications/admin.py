from django.contrib import admin

from events.admin_scope import TeamScopedAdmin

from .models import Delivery, Message, OptOut, ReminderRule


@admin.register(Delivery)
class DeliveryAdmin(TeamScopedAdmin):
    # The address as the team may see it: none once the person erased their data (the last
    # email to them keeps it only until it is sent).
    list_display = ["created_at", "kind", "shown_to_email", "state", "attempts", "sent_at"]
    list_select_related = ["registration"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email"]
    exclude = ["to_email"]
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "to_email"] + [
        "shown_to_email"
    ]


@admin.register(Message)
class MessageAdmin(TeamScopedAdmin):
    list_display = ["created_at", "kind", "event"]
    list_filter = ["kind"]
    raw_id_fields = ["event", "rule"]


@admin.register(ReminderRule)
class ReminderRuleAdmin(TeamScopedAdmin):
    list_display = ["event", "due_at", "minutes_before_start", "send_at", "state", "enabled"]
    list_filter = ["state", "enabled"]
    raw_id_fields = ["event"]
    readonly_fields = ["due_at", "state", "fired_at"]

    def save_model(self, request, obj, form, change):
        obj.compute_due_at()
        super().save_model(request, obj, form, change)


@admin.register(OptOut)
class OptOutAdmin(TeamScopedAdmin):
    event_path = "registration__event"
    list_display = ["registration", "created_at"]
    raw_id_fields = ["registration"]
