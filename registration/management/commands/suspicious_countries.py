"""List stored countries that look like a mistaken entry, for an organiser to correct."""

from django.core.management.base import BaseCommand, CommandError

from events.models import Event
from registration.country_checks import describe, suspicious_countries


class Command(BaseCommand):
    help = (
        "List registrations whose country is not an ISO 3166-1 code, or looks like a name cut "
        "to two letters by the old form (VI from a Vietnamese form, for Việt Nam). Changes "
        "nothing: correct them on the registrations page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--event", metavar="SLUG", help="Only this event's registrations.")

    def handle(self, *args, event: str | None = None, **options):
        chosen = None
        if event:
            chosen = Event.objects.filter(slug=event).first()
            if chosen is None:
                raise CommandError(f"No event with the slug {event!r}.")
        suspects = suspicious_countries(chosen)
        for suspect in suspects:
            self.stdout.write(describe(suspect))
        self.stderr.write(f"{len(suspects)} registration(s) to check.")
