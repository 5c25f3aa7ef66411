import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from core.fields import EARLIEST_YEAR, LATEST_YEAR
from core.text import fold

from .models import Event


class BoundedDateTimeField(IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is not None and not EARLIEST_YEAR + 1 <= moment.year <= LATEST_YEAR - 1:
            raise ValidationError(_("Give a date between the years 1900 and 2200."))
        return moment


class BoundedDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedDateTimeField


class EventFilter(django_filters.FilterSet):
    scope = django_filters.ChoiceFilter(choices=Event.Scope.choices)
    kind = django_filters.ChoiceFilter(choices=Event.Kind.choices)
    status = django_filters.ChoiceFilter(choices=Event.Status.choices)
    format = django_filters.ChoiceFilter(choices=Event.Format.choices)
    field = django_filters.CharFilter(
        method="filter_field",
        label=_("Field of science code (a major field includes its subfields)"),
    )
    city = django_filters.CharFilter(field_name="venue_city", lookup_expr="iexact", label=_("City"))
    country = django_filters.CharFilter(
        field_name="venue_country", lookup_expr="iexact", label=_("Country")
    )
    programme = django_filters.CharFilter(field_name="programme__code", label=_("Programme code"))
    starts_after = BoundedDateTimeFilter(field_name="start", lookup_expr="gte")
    starts_before = BoundedDateTimeFilter(field_name="start", lookup_expr="lt")
    q = django_filters.CharFilter(method="filter_text", label=_("Text search"))

    class Meta:
        model = Event
        fields = []

    def filter_field(self, queryset, name, value):
        value = value.strip()
        matching = Event.fields.through.objects.filter(
            Q(fieldofscience__code=value) | Q(fieldofscience__parent__code=value)
        ).values("event_id")
        return queryset.filter(pk__in=matching)

    def filter_text(self, queryset, name, value):
        for word in fold(value).split()[:10]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset
