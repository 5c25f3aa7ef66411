"""API tokens are now stored hashed (django-rest-knox, core/tokens.py). The old DRF tokens
were kept in clear text: drop their table, so no working secret stays in the database or its
backups. Their holders sign in again."""

from django.db import migrations


def drop_plaintext_tokens(apps, schema_editor):
    if "authtoken_token" in schema_editor.connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("registration", "0003_link_requests")]

    operations = [migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop)]
