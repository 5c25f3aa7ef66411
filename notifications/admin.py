from django.contrib import admin

from .models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email"]
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
