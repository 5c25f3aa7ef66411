import django_filters
from django.utils.translation import gettext_lazy as _

from events.models import ParticipantType

from .models import Registration
from .search import search


class RegistrationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Registration.Status.choices)
    participant_type = django_filters.ChoiceFilter(choices=ParticipantType.choices)
    country = django_filters.CharFilter(lookup_expr="iexact")
    checked_in = django_filters.BooleanFilter(
        field_name="checked_in_at", lookup_expr="isnull", exclude=True, label=_("Checked in")
    )
    q = django_filters.CharFilter(
        method="filter_text", label=_("Name, email, organisation or ticket code")
    )

    class Meta:
        model = Registration
        fields = []

    def filter_text(self, queryset, name, value):
        return search(queryset, value)
