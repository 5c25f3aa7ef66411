from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registration", "0008_door_scans")]

    operations = [
        migrations.RenameField(model_name="seats", old_name="questions_version", new_name="version"),
    ]
