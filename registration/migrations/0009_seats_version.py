from django.db import migrations, models


class Migration(migrations.Migration):
    """The questions' version becomes the version of the event and its questions together."""

    dependencies = [
        ("registration", "0008_door_scans"),
    ]

    operations = [
        migrations.RenameField(model_name="seats", old_name="questions_version", new_name="version"),
        migrations.AlterField(
            model_name="seats",
            name="version",
            field=models.PositiveBigIntegerField(default=0),
        ),
    ]
