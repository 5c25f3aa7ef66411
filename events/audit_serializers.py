"""The audit log as the API answers it: one entry, and a page of entries whose sentences name
people and things with one round of queries for the whole page."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import audit
from .models import AuditLogEntry


class AuditLogListSerializer(serializers.ListSerializer):
    """Finds the names every entry of a page mentions at once, not one query per entry."""

    def to_representation(self, data):
        entries = list(data.all() if hasattr(data, "all") else data)
        self.child.sentences = dict(
            zip((entry.pk for entry in entries), audit.sentences(entries), strict=True)
        )
        return super().to_representation(entries)


class AuditLogEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.get_username", read_only=True, default=None)
    sentence = serializers.SerializerMethodField(
        help_text=_("What happened, as a sentence with names, in the request's language.")
    )

    class Meta:
        model = AuditLogEntry
        fields = ["id", "created_at", "actor", "action", "changes", "sentence"]
        list_serializer_class = AuditLogListSerializer

    def get_sentence(self, entry: AuditLogEntry) -> str:
        known = getattr(self, "sentences", {})
        return known[entry.pk] if entry.pk in known else audit.sentences([entry])[0]
