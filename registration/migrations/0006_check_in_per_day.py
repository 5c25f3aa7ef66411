import zoneinfo

import django.db.models.deletion
from django.db import migrations, models


def one_check_in_per_checked_in_registration(apps, schema_editor):
    """Check-ins made before days counted: each one was the person's first, on its own day."""
    Registration = apps.get_model("registration", "Registration")
    CheckIn = apps.get_model("registration", "CheckIn")
    people = Registration.objects.filter(checked_in_at__isnull=False).select_related("event")
    batch = []
    for person in people.iterator(chunk_size=2000):
        zone = zoneinfo.ZoneInfo(person.event.timezone)
        batch.append(
            CheckIn(
                registration_id=person.pk,
                event_id=person.event_id,
                day=person.checked_in_at.astimezone(zone).date(),
                at=person.checked_in_at,
            )
        )
        if len(batch) >= 2000:
            CheckIn.objects.bulk_create(batch)
            batch = []
    CheckIn.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0001_initial"),
        ("registration", "0005_hold_every_chosen_choice"),
    ]

    operations = [
        migrations.CreateModel(
            name="CheckIn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("at", models.DateTimeField(verbose_name="checked in")),
                (
                    "event",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="events.event",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="check_ins",
                        to="registration.registration",
                    ),
                ),
            ],
            options={
                "verbose_name": "check-in",
                "verbose_name_plural": "check-ins",
                "ordering": ["at", "id"],
                "indexes": [models.Index(fields=["event", "day"], name="check_in_event_day")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration", "day"), name="check_in_once_per_person_and_day"
                    )
                ],
            },
        ),
        migrations.RunPython(one_check_in_per_checked_in_registration, migrations.RunPython.noop),
    ]
