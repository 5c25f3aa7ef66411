"""Serializer fields with the bounds our data needs."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

EARLIEST_YEAR, LATEST_YEAR = 1900, 2200
MAX_CAPACITY = 1_000_000


class BoundedDateTimeField(serializers.DateTimeField):
    """A date and time between the years 1900 and 2200, read in the current timezone."""

    default_error_messages = {
        "out_of_range": _("Give a date between the years 1900 and 2200."),
    }

    def to_internal_value(self, value):
        if isinstance(value, str):
            year = value.strip()[:4]
            if year.isdigit() and not EARLIEST_YEAR <= int(year) <= LATEST_YEAR:
                self.fail("out_of_range")
        try:
            moment: datetime = super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")
        if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            self.fail("out_of_range")
        return moment
