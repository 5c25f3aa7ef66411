from django.contrib import admin

from .models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to_email", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["to_email"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
