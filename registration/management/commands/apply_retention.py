"""Run the personal data retention now: warn the teams, erase what is due."""

from django.core.management.base import BaseCommand

from registration import personal_data


class Command(BaseCommand):
    help = (
        "Erase the personal data of registrants RETENTION_DAYS after their event ended, and "
        "warn each event's owner and organisers RETENTION_WARNING_DAYS before. Safe to repeat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        outcome = personal_data.apply_retention(dry_run=dry_run)
        would = "would be " if dry_run else ""
        for event in outcome["events"]:
            if event["action"] == "warned":
                self.stdout.write(
                    f"{event['event']}: team {would}warned ({event['emails']} emails), "
                    f"erasure on {event['erase_on'][:10]}"
                )
            else:
                self.stdout.write(
                    f"{event['event']}: personal data of {event['registrations']} "
                    f"registrations {would}erased"
                )
        summary = (
            f"{outcome['warned_events']} events {would}warned "
            f"({outcome['warning_emails']} emails), {outcome['erased_events']} events "
            f"{would}erased ({outcome['erased_registrations']} registrations)"
        )
        self.stdout.write(self.style.SUCCESS(("Dry run: " if dry_run else "") + summary))
