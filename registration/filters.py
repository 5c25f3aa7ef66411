import django_filters
from django.utils.translation import gettext_lazy as _

from core.countries import resolve_country
from events.models import ParticipantType

from .models import Registration
from .search import search


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices)
    participant_type = django_filters.ChoiceFilter(choices=ParticipantType.choices)
    country = django_filters.CharFilter(method="filter_country", label=_("Country"))
    checked_in = django_filters.BooleanFilter(
        field_name="checked_in_at", lookup_expr="isnull", exclude=True, label=_("Checked in")
    )
    q = django_filters.CharFilter(
        method="filter_text", label=_("Name, email, organisation or ticket code")
    )

    class Meta:
        model = Registration
        fields = []

    def filter_country(self, queryset, name, value):
        # A code in any case, or a name in English or Vietnamese as the page's field sends it.
        return queryset.filter(country__iexact=resolve_country(value) or value.strip())

    def filter_text(self, queryset, name, value):
        return search(queryset, value)


class DoorRegistrationFilter(RegistrationFilter):
    """Check-in staff find people by name or ticket code only: never by email, organisation
    or country, which they do not see (a search would tell them anyway)."""

    country = None
    q = django_filters.CharFilter(method="filter_text", label=_("Name or ticket code"))

    def filter_text(self, queryset, name, value):
        return search(queryset, value, fields=("name",))
